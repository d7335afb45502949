"""Doc 002's scoring and AI status over HTTP against the whole stack, offline: a variant's
score against the prompt (the default) and the original, its bad inputs, the AI providers'
health, and the AI timeline with its pages."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx

from .conftest import UploadClip, ok, problem

JOB_WAIT = 240.0
BOX = {"x": 80, "y": 60, "width": 160, "height": 120}
GOOD = {"excellent", "good"}


async def _finished_job(
    api: httpx.AsyncClient, pid: str, prompt: str, variants: int
) -> dict[str, Any]:
    started = ok(await api.post("/api/ai/generate", json={
        "project_id": pid, "prompt": prompt, "start_ts": 2.0, "end_ts": 4.0,
        "bounding_box": BOX, "variants": variants,
    }), 202)
    deadline = time.monotonic() + JOB_WAIT
    job: dict[str, Any] = ok(await api.get(f"/api/job/{started['job_id']}"))
    while job["status"] in ("pending", "running") and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        job = ok(await api.get(f"/api/job/{started['job_id']}"))
    assert job["status"] == "completed", job
    return job


def _word(rated: str) -> str:
    return rated.split(" ")[0]


async def test_a_variant_is_scored_against_the_prompt_and_the_original(
    api: httpx.AsyncClient, upload_clip: UploadClip
) -> None:
    pid = (await upload_clip(name="scoring")).project_id
    job = await _finished_job(api, pid, "blur the face", 2)
    variant = job["variants"][0]["id"]

    by_default = ok(await api.get(f"/api/variant/{variant}/score"))
    assert by_default["variant_id"] == variant
    score = by_default["score"]
    assert set(score) == {"overall_rating", "details", "fidelity_to_prompt", "visual_quality"}
    assert _word(score["fidelity_to_prompt"]) in GOOD, score
    assert _word(score["visual_quality"]) in GOOD, score
    assert "Laplacian variance" in score["details"]
    # Measured once per basis: asking again answers the recorded score.
    assert ok(await api.get(f"/api/variant/{variant}/score",
                            params={"compare_to": "prompt"})) == by_default

    original = ok(await api.get(f"/api/variant/{variant}/score",
                                params={"compare_to": "original"}))["score"]
    assert "Compared with the original" in original["details"]
    for figure in ("SSIM", "PSNR", "mean change"):
        assert figure in original["details"]
    assert _word(original["overall_rating"]) in GOOD, original


async def test_a_grayscale_variant_is_faithful_to_its_prompt(
    api: httpx.AsyncClient, upload_clip: UploadClip
) -> None:
    pid = (await upload_clip(name="scoring gray")).project_id
    job = await _finished_job(api, pid, "make it black and white", 1)
    score = ok(await api.get(f"/api/variant/{job['variants'][0]['id']}/score"))["score"]
    assert "Saturation" in score["details"]
    assert _word(score["fidelity_to_prompt"]) in GOOD, score


async def test_bad_score_requests(api: httpx.AsyncClient, upload_clip: UploadClip) -> None:
    problem(await api.get(f"/api/variant/{uuid.uuid4()}/score"), 404)
    problem(await api.get("/api/variant/not-an-id/score"), 404)
    pid = (await upload_clip(name="scoring bad")).project_id
    job = await _finished_job(api, pid, "blur it", 1)
    variant = job["variants"][0]["id"]
    for basis in ("gemini", "", "PROMPT"):
        problem(await api.get(f"/api/variant/{variant}/score", params={"compare_to": basis}),
                400, "compare_to")  # fmt: skip
    # A deleted project's variants are gone.
    assert (await api.delete(f"/api/project/{pid}")).status_code in (200, 204)
    problem(await api.get(f"/api/variant/{variant}/score"), 404)


async def test_every_ai_provider_reports_its_health(api: httpx.AsyncClient) -> None:
    health = ok(await api.get("/api/ai/health"))
    providers = health["providers"]
    assert {p["kind"] for p in providers} == {
        "region-editor", "video-model", "vision-scorer", "llm", "tts", "renderer"}
    for p in providers:
        assert set(p) >= {"name", "kind", "available", "mode", "latency_ms"}
        assert p["mode"] in ("offline", "hosted")
    offline = {p["name"]: p for p in providers if p["mode"] == "offline"}
    for name in ("ffmpeg-region-editor", "objective-metrics", "offline"):
        assert offline[name]["available"], offline[name]
        assert offline[name]["latency_ms"] >= 0
    # Nothing hosted is configured in this stack: listed, unavailable, not called.
    for p in providers:
        if p["mode"] == "hosted":
            assert (p["available"], p["latency_ms"]) == (False, None), p
    assert health["status"] == "ok"


async def test_the_ai_timeline_lists_operations_newest_first_in_pages(
    api: httpx.AsyncClient, upload_clip: UploadClip
) -> None:
    pid = (await upload_clip(name="timeline")).project_id
    job = await _finished_job(api, pid, "pixelate the plate", 2)
    first, second = (v["id"] for v in job["variants"])
    ok(await api.get(f"/api/variant/{first}/score", params={"compare_to": "original"}))
    accepted = await api.post(f"/api/variant/{second}/accept")
    assert accepted.status_code in (200, 201), accepted.text

    page = ok(await api.get("/api/ai/timeline", params={"limit": 100}))
    mine = [op for op in page["operations"] if op["project_id"] == pid]
    assert [op["kind"] for op in mine] == ["accept", "score", "generate"]
    assert [op["variant_id"] for op in mine] == [second, first, None]
    assert all(op["job_id"] == job["id"] for op in mine)
    assert mine[2]["status"] == "completed"
    assert mine[1]["provider"] == "offline"
    times = [op["at"] for op in page["operations"]]
    assert times == sorted(times, reverse=True)

    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        one = ok(await api.get("/api/ai/timeline", params=params))
        seen += [op["id"] for op in one["operations"]]
        cursor = one["next_cursor"]
        if cursor is None or len(seen) >= len(page["operations"]):
            break
    assert seen == [op["id"] for op in page["operations"]][:len(seen)]
    assert len(seen) == len(page["operations"])

    for bad in ({"limit": 0}, {"limit": 101}, {"cursor": "nonsense"}):
        problem(await api.get("/api/ai/timeline", params=bad), 400)
