"""Doc 002's AI jobs end to end: POST /api/ai/generate, GET /api/job/{id}, the variants'
media, POST /api/variant/{id}/accept, and an export of what was accepted.

The clip is the editor fixtures' 10 s testsrc2 at 320x240. The box is the middle quarter
of the frame ({0.25, 0.25, 0.5, 0.5} as fractions, 80,60 160x120 in pixels) and the range
2..4 s of the timeline, on the one uploaded segment.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import numpy.typing as npt
import pytest
from videogen_local.stack import Stack
from videogen_media.probe import frame_at, probe
from websockets.asyncio.client import connect

from .conftest import UploadClip, ok, problem
from .test_exports import download, export, psnr

pytestmark = pytest.mark.slow

BOX = {"x": 0.25, "y": 0.25, "width": 0.5, "height": 0.5}
INSIDE = (slice(70, 170), slice(90, 230))  # rows, columns well inside the box
JOB_STATUSES = ("pending", "running", "completed", "failed")


def generate_body(project_id: str, **overrides: Any) -> dict[str, Any]:
    return {"project_id": project_id, "prompt": "blur the face", "start_ts": 2.0,
            "end_ts": 4.0, "bounding_box": BOX} | overrides


async def generate(api: httpx.AsyncClient, project_id: str, **overrides: Any) -> str:
    started = ok(await api.post("/api/ai/generate", json=generate_body(project_id, **overrides)),
                 202)
    assert started["status"] == "pending"
    return str(started["job_id"])


async def finished(api: httpx.AsyncClient, job_id: str, within: float = 240) -> dict[str, Any]:
    async with asyncio.timeout(within):
        while True:
            job = ok(await api.get(f"/api/job/{job_id}"))
            assert job["status"] in JOB_STATUSES
            if job["status"] in ("completed", "failed"):
                return dict(job)
            await asyncio.sleep(0.3)


def sharpness(frame: npt.NDArray[np.uint8]) -> float:
    """Variance of a Laplacian of the luma: lower when blurred."""
    grey = frame.astype(np.float64).mean(axis=2)
    lap = (-4 * grey[1:-1, 1:-1] + grey[:-2, 1:-1] + grey[2:, 1:-1] + grey[1:-1, :-2]
           + grey[1:-1, 2:])
    return float(lap.var())


async def test_a_job_renders_its_variants_and_serves_them(
    api: httpx.AsyncClient, upload_clip: UploadClip, clip: Path, tmp_path: Path,
) -> None:
    uploaded = await upload_clip(name="ai e2e")
    job_id = await generate(api, uploaded.project_id)
    job = await finished(api, job_id)
    assert job["status"] == "completed", job
    assert (job["id"], job["project_id"], job["error"]) == (job_id, uploaded.project_id, None)
    assert len(job["variants"]) == 3
    for variant in job["variants"]:
        media = await api.get(variant["url"])
        assert media.status_code == 200
        assert media.headers["content-type"] == "video/mp4"
        path = tmp_path / f"{variant['id']}.mp4"
        path.write_bytes(media.content)
        assert abs(probe(path).duration - 2.0) < 0.1
        # Blurred inside the box, as in the source outside it.
        edited, source = frame_at(path, 1.0), frame_at(clip, 3.0)
        assert sharpness(edited[INSIDE]) < 0.5 * sharpness(source[INSIDE])
        assert psnr(edited[:40], source[:40]) > 30
        preview = await api.get(variant["preview_url"])
        assert preview.status_code == 200
        assert preview.content[:2] == b"\xff\xd8"
    # The same prompt, input and seed give the same variants.
    first = await finished(api, await generate(api, uploaded.project_id, seed=7, variants=2))
    again = await finished(api, await generate(api, uploaded.project_id, seed=7, variants=2))
    assert [v["description"] for v in first["variants"]] == \
        [v["description"] for v in again["variants"]]
    assert len(first["variants"]) == 2


@pytest.mark.parametrize(("overrides", "status", "field"), [
    ({"bounding_box": {"x": 10, "y": 10, "width": 0, "height": 50}}, 400, "bounding_box"),
    ({"bounding_box": {"x": 10, "y": 10, "width": -20, "height": 50}}, 400, "bounding_box"),
    ({"bounding_box": {"x": 300, "y": 10, "width": 100, "height": 50}}, 400, "bounding_box"),
    ({"bounding_box": {"x": 10, "y": 500, "width": 10, "height": 10}}, 400, "bounding_box"),
    ({"start_ts": 4.0, "end_ts": 4.0}, 400, "end_ts"),
    ({"start_ts": 5.0, "end_ts": 3.0}, 400, "end_ts"),
    ({"start_ts": 8.0, "end_ts": 12.0}, 400, "end_ts"),
    ({"prompt": ""}, 400, "prompt"),
    ({"prompt": "   "}, 400, "prompt"),
    ({"prompt": "x" * 2_000_000}, 400, "prompt"),
    ({"variants": 0}, 400, "variants"),
    ({"variants": 100}, 400, "variants"),
])
async def test_bad_input_is_refused_naming_the_field(
    api: httpx.AsyncClient, upload_clip: UploadClip, overrides: dict[str, Any], status: int,
    field: str,
) -> None:
    uploaded = await upload_clip(name="ai bad input")
    problem(await api.post("/api/ai/generate", json=generate_body(uploaded.project_id,
                                                                  **overrides)), status, field)


async def test_a_prompt_not_understood_is_a_422_listing_what_is(
    api: httpx.AsyncClient, upload_clip: UploadClip,
) -> None:
    uploaded = await upload_clip(name="ai not understood")
    body = problem(await api.post("/api/ai/generate", json=generate_body(
        uploaded.project_id, prompt="sing me an opera")), 422, "prompt")
    for word in ("blur", "pixelate", "grayscale", "tint", "text"):
        assert word in body["detail"], body


async def test_unknown_projects_jobs_and_variants_are_404(api: httpx.AsyncClient) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    problem(await api.post("/api/ai/generate", json=generate_body(missing)), 404)
    problem(await api.post("/api/ai/generate", json=generate_body("nope")), 404)
    problem(await api.get(f"/api/job/{missing}"), 404)
    problem(await api.get("/api/job/nope"), 404)
    problem(await api.post(f"/api/variant/{missing}/accept"), 404)
    problem(await api.get(f"/api/variant/{missing}/media"), 404)
    problem(await api.get(f"/api/variant/{missing}/preview.jpg"), 404)


def playing(project: dict[str, Any]) -> list[tuple[str, float, float, str | None]]:
    return [(s["source"], s["start_ts"], s["end_ts"], s["variant_id"])
            for s in project["timeline"] if s["active"]]


async def accepted_job(api: httpx.AsyncClient, upload_clip: UploadClip
                       ) -> tuple[str, list[str]]:
    uploaded = await upload_clip(name="ai accept")
    job = await finished(api, await generate(api, uploaded.project_id, variants=2))
    assert job["status"] == "completed", job
    return uploaded.project_id, [v["id"] for v in job["variants"]]


async def test_accept_is_idempotent_and_a_second_variant_replaces_the_first(
    api: httpx.AsyncClient, upload_clip: UploadClip,
) -> None:
    project_id, (first, second) = await accepted_job(api, upload_clip)
    one = ok(await api.post(f"/api/variant/{first}/accept"))
    assert one["segment"]["source"] == "generated"
    assert one["segment"]["variant_id"] == first
    again = ok(await api.post(f"/api/variant/{first}/accept"))
    assert again["segment"]["id"] == one["segment"]["id"]
    project = ok(await api.get(f"/api/project/{project_id}"))
    assert playing(project) == [("upload", 0.0, 2.0, None), ("generated", 0.0, 2.0, first),
                                ("upload", 4.0, 10.0, None)]
    ok(await api.post(f"/api/variant/{second}/accept"))
    project = ok(await api.get(f"/api/project/{project_id}"))
    assert playing(project) == [("upload", 0.0, 2.0, None), ("generated", 0.0, 2.0, second),
                                ("upload", 4.0, 10.0, None)]
    # And back: the first again replaces the second.
    ok(await api.post(f"/api/variant/{first}/accept"))
    project = ok(await api.get(f"/api/project/{project_id}"))
    assert [p[3] for p in playing(project)] == [None, first, None]


async def test_accepting_a_range_deleted_since_is_a_409(
    api: httpx.AsyncClient, upload_clip: UploadClip,
) -> None:
    project_id, (first, _) = await accepted_job(api, upload_clip)
    project = ok(await api.get(f"/api/project/{project_id}"))
    [segment] = [s for s in project["timeline"] if s["active"]]
    ok(await api.delete(f"/api/segment/{segment['id']}"))
    body = problem(await api.post(f"/api/variant/{first}/accept"), 409)
    assert "no longer on the timeline" in body["detail"]
    assert "deleted" in body["detail"]


async def test_accepting_a_variant_of_a_deleted_project_is_a_409(
    api: httpx.AsyncClient, upload_clip: UploadClip,
) -> None:
    project_id, (first, _) = await accepted_job(api, upload_clip)
    deleted = await api.delete(f"/api/project/{project_id}")
    assert deleted.status_code in (200, 204), deleted.text
    body = problem(await api.post(f"/api/variant/{first}/accept"), 409)
    assert "deleted" in body["detail"]


async def test_a_job_survives_a_restart_of_the_media_service(
    api: httpx.AsyncClient, upload_clip: UploadClip, stack: Stack,
) -> None:
    uploaded = await upload_clip(name="ai restart")
    job_id = await generate(api, uploaded.project_id, variants=4)
    # Killed as it starts the job (or before): the queue hands the job to the next worker.
    stack.kill("media")
    await asyncio.sleep(1.0)
    stack.start("media")
    job = await finished(api, job_id, within=300)
    assert job["status"] == "completed", job
    assert len(job["variants"]) == 4


async def test_accept_then_export_shows_the_edit_in_the_range_only(
    api: httpx.AsyncClient, upload_clip: UploadClip, clip: Path, tmp_path: Path,
) -> None:
    project_id, (first, _) = await accepted_job(api, upload_clip)
    ok(await api.post(f"/api/variant/{first}/accept"))
    out = await download(api, await export(api, project_id), tmp_path / "out.mp4")
    assert abs(probe(out).duration - 10.0) < 0.1
    # Before and after the range: the source, untouched.
    for t in (1.0, 6.0):
        assert psnr(frame_at(out, t), frame_at(clip, t)) > 30
    # In the range: blurred inside the box, the source around it (encoded twice by now,
    # the variant then the export, hence a lower bar than for the frames around it).
    edited, source = frame_at(out, 3.0), frame_at(clip, 3.0)
    assert sharpness(edited[INSIDE]) < 0.5 * sharpness(source[INSIDE])
    assert psnr(edited[:40], source[:40]) > 26
    assert psnr(edited[INSIDE], source[INSIDE]) < psnr(edited[:40], source[:40]) - 3


async def test_the_studio_websocket_follows_the_job_as_ai_edit(
    api: httpx.AsyncClient, upload_clip: UploadClip, stack: Stack,
) -> None:
    uploaded = await upload_clip(name="ai websocket")
    url = stack.base_url.replace("http://", "ws://") + "/api/v1/ws"
    async with connect(url) as ws:
        assert json.loads(await asyncio.wait_for(ws.recv(), 15))["type"] == "connected"
        await ws.send(json.dumps({"type": "subscribe", "projectId": uploaded.project_id}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 15))["type"] == "subscribed"
        job_id = await generate(api, uploaded.project_id, variants=2)
        seen: list[dict[str, Any]] = []
        while not seen or seen[-1]["type"] == "progress":
            message = json.loads(await asyncio.wait_for(ws.recv(), 120))
            if message.get("jobId") == job_id:
                seen.append(message)
    assert {m["jobType"] for m in seen} == {"ai-edit"}
    assert seen[-1] == {"type": "job_complete", "projectId": uploaded.project_id,
                        "jobId": job_id, "jobType": "ai-edit",
                        "result": {"statusUrl": f"/api/job/{job_id}"}}
    rendered = [m for m in seen if m["type"] == "progress" and m["currentStep"] > 0]
    assert [(m["currentStep"], m["totalSteps"], m["progress"]) for m in rendered] == [
        (1, 2, 50), (2, 2, 100)]
