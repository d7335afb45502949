"""Doc 004 end to end: the whole stack as processes, real TTS and real ffmpeg.

The curl/Python flow of the doc, unchanged: POST /generate, poll /status until completed,
GET /download; the file is decoded with PyAV and checked against what the doc and the
issue promise (1280x720, 30 fps, H.264/AAC, as long as the narration), then every bad
input gets its documented error, exactly `{"error": "..."}` as the doc says of all of them.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from videogen_local.stack import Stack

from .text2video_client import (
    Job,
    assert_well_formed_progress,
    decode,
    frames_at,
    narration_seconds,
    poll,
    start_job,
)

TEXT = (
    "The ocean covers most of our planet. "
    "Deep below the waves, strange creatures glow in the dark. "
    "Scientists have explored only a small part of it."
)
MIXED = "東京の夜は明るい。 مرحبا بكم في المدينة! Rockets 🚀 launch at dawn, e.g. at 5.30 a.m."
PROBLEM_KEYS = {"type", "title", "status", "detail", "correlationId", "error"}
NO_TEXT = "No text provided in request body"


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.base_url + "/api/v1", timeout=60) as client:
        yield client


def blob_root(stack: Stack) -> Path:
    return Path(stack.env["VIDEOGEN_DATA_DIR"]) / "blobs"


def problem(response: httpx.Response, status: int, error: str | None = None) -> dict[str, Any]:
    """Doc 004's error: exactly {"error": "..."}, as application/json, with the id header."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-correlation-id"]
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"], str)
    assert body["error"]
    if error is not None:
        assert body["error"] == error
    return body


@pytest.fixture(scope="module")
def finished() -> dict[str, Job]:
    """Jobs completed by earlier tests of this module, by name, for later checks."""
    return {}


async def test_the_doc_flow_produces_the_promised_video(
    api: httpx.AsyncClient, stack: Stack, finished: dict[str, Job]
) -> None:
    job = await poll(api, await start_job(api, TEXT))
    assert job.last["status"] == "completed", job.last
    assert_well_formed_progress(job)
    assert job.last["progress"] == 100
    assert job.last["logs"], "a finished job has log lines"

    response = await api.get(f"/download/{job.id}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "video/mp4"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="generated_video_{job.id}.mp4"'
    )
    video = decode(response.content)
    assert (video.width, video.height) == (1280, 720)
    assert video.fps == 30
    assert (video.video_codec, video.audio_codec) == ("h264", "aac")
    spoken = narration_seconds(blob_root(stack), job.id)
    assert len(spoken) == 3
    # The scenes last their narrations and the pauses after them (the quality report's
    # scene edges), as long as the video.
    edges = (await api.get(f"/jobs/{job.id}/report")).json()["scenes"]["starts_s"]
    assert abs(video.duration_s - edges[-1]) <= 0.1, (video.duration_s, edges)
    assert sum(spoken) + 0.2 * len(spoken) <= edges[-1] <= sum(spoken) + 2.0 * len(spoken)
    assert (blob_root(stack) / "videos" / f"{job.id}.srt").is_file()
    finished["doc"] = job

    listed = (await api.get("/jobs")).json()["jobs"][job.id]
    assert listed["output_file"] == f"output/video_{job.id}.mp4"
    assert listed["status"] == "completed"


async def test_a_jobs_script_is_edited_through_the_studio_like_any_project(
    api: httpx.AsyncClient, finished: dict[str, Job]
) -> None:
    """The job's id is its studio project's, and the job's script is that project's script:
    the studio's sentence edits act on it (the CLI's and the web studio's re-render)."""
    job = finished.get("doc") or await poll(api, await start_job(api, TEXT))
    project = (await api.get(f"/projects/{job.id}")).json()
    sentences = [n for s in project["sections"] for n in s["sentences"]]
    assert len(sentences) == 3
    edited = await api.put(f"/sentences/{sentences[1]['id']}", json={"text": "Changed here."})
    assert edited.status_code == 200, edited.text
    again = (await api.get(f"/projects/{job.id}")).json()
    texts = [n["text"] for s in again["sections"] for n in s["sentences"]]
    assert texts == [sentences[0]["text"], "Changed here.", sentences[2]["text"]]


async def test_scenes_change_and_carry_captions(
    api: httpx.AsyncClient, stack: Stack, finished: dict[str, Job]
) -> None:
    job = finished.get("doc") or await poll(api, await start_job(api, TEXT))
    data = (await api.get(f"/download/{job.id}")).content
    edges = (await api.get(f"/jobs/{job.id}/report")).json()["scenes"]["starts_s"]
    middles = [(a + b) / 2 for a, b in itertools.pairwise(edges)]
    frames = frames_at(data, middles)
    assert len(frames) == len(middles)
    for a, b in itertools.pairwise(frames):
        difference = np.abs(a.astype(int) - b.astype(int)).mean()
        assert difference > 2.0, "consecutive scenes look the same"
    for frame in frames:
        band = frame[int(frame.shape[0] * 0.6):]  # captions sit in the lower part
        white = (band.min(axis=2) > 225).mean()
        assert white > 0.001, "no caption pixels in the caption band"


async def test_range_requests_return_the_right_bytes(
    api: httpx.AsyncClient, finished: dict[str, Job]
) -> None:
    job = finished.get("doc") or await poll(api, await start_job(api, TEXT))
    whole = (await api.get(f"/download/{job.id}")).content
    first = await api.get(f"/download/{job.id}", headers={"Range": "bytes=0-99"})
    assert first.status_code == 206
    assert first.headers["content-range"] == f"bytes 0-99/{len(whole)}"
    assert first.content == whole[:100]
    middle = await api.get(f"/download/{job.id}", headers={"Range": "bytes=1000-"})
    assert middle.content == whole[1000:]
    tail = await api.get(f"/download/{job.id}", headers={"Range": "bytes=-512"})
    assert tail.content == whole[-512:]
    beyond = await api.get(f"/download/{job.id}", headers={"Range": f"bytes={len(whole)}-"})
    problem(beyond, 416)


async def test_mixed_scripts_work_end_to_end(api: httpx.AsyncClient) -> None:
    job = await poll(api, await start_job(api, MIXED))
    assert job.last["status"] == "completed", job.last
    assert_well_formed_progress(job)
    video = decode((await api.get(f"/download/{job.id}")).content)
    assert (video.width, video.height) == (1280, 720)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"", "application/json"),
        (b"{not json", "application/json"),
        (b'{"text": 42}', "application/json"),
        (b'{"text": ["a"]}', "application/json"),
        (b'{"text": ""}', "application/json"),
        (b'{"text": " \\n\\t "}', "application/json"),
        (b'{"prompt": "hi"}', "application/json"),
    ],
)
async def test_bad_bodies_get_the_documented_400(
    api: httpx.AsyncClient, content: bytes, content_type: str
) -> None:
    response = await api.post("/generate", content=content, headers={"Content-Type": content_type})
    problem(response, 400, NO_TEXT)


async def test_no_body_at_all_gets_the_documented_400(api: httpx.AsyncClient) -> None:
    problem(await api.post("/generate"), 400, NO_TEXT)


async def test_litestar_s_own_errors_on_these_paths_are_doc_004_errors(
    api: httpx.AsyncClient,
) -> None:
    problem(await api.get("/generate"), 405)
    problem(await api.delete("/jobs"), 405)
    problem(await api.put("/status/00000000-0000-4000-8000-000000000000"), 405)
    problem(await api.get("/status/a/b"), 404)
    problem(await api.post("/generate", content=b"x" * (2 * 1024 * 1024)), 413)


async def test_problem_json_when_the_client_asks_for_it(api: httpx.AsyncClient) -> None:
    response = await api.get(
        "/status/not-a-uuid", headers={"Accept": "application/problem+json"}
    )
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert body["error"] == body["detail"] == "Job not found"
    assert body["correlationId"] == response.headers["x-correlation-id"]


async def test_the_callers_correlation_id_comes_back_on_errors(api: httpx.AsyncClient) -> None:
    response = await api.get("/status/not-a-uuid", headers={"X-Correlation-ID": "t2v-42"})
    assert response.headers["x-correlation-id"] == "t2v-42"
    problem(response, 404, "Job not found")


async def test_text_over_the_limit_is_413_naming_it(api: httpx.AsyncClient) -> None:
    body = problem(await api.post("/generate", json={"text": "a" * 100_001}), 413)
    assert "100000" in body["error"]


@pytest.mark.parametrize("text", ["?!...", "🎉🚀✨", "— … — ***"])
async def test_nothing_speakable_is_400(api: httpx.AsyncClient, text: str) -> None:
    body = problem(await api.post("/generate", json={"text": text}), 400)
    assert "nothing to narrate" in body["error"]


@pytest.mark.parametrize("path", ["/status/{}", "/download/{}"])
@pytest.mark.parametrize("job_id", ["not-a-uuid", "00000000-0000-4000-8000-000000000000"])
async def test_unknown_jobs_are_404(api: httpx.AsyncClient, path: str, job_id: str) -> None:
    problem(await api.get(path.format(job_id)), 404, "Job not found")


async def test_download_before_completion_is_400(api: httpx.AsyncClient, stack: Stack) -> None:
    # With the export service down the job cannot finish, so it is not ready: certainly.
    stack.kill("export")
    try:
        job = await start_job(api, "A short note. Nothing more.")
        status = (await api.get(f"/status/{job.id}")).json()
        assert status["status"] in ("queued", "processing"), status
        problem(await api.get(f"/download/{job.id}"), 400, "Video not ready for download")
    finally:
        stack.start("export")
    # Once export is back, the job it missed completes (its work was queued durably).
    assert (await poll(api, job)).last["status"] == "completed", job.last
    assert (await api.get(f"/download/{job.id}")).status_code == 200


@pytest.mark.slow
async def test_four_jobs_at_once_complete_with_separate_outputs(api: httpx.AsyncClient) -> None:
    texts = [f"Job number {n} begins here. It tells story {n}, about the number {n}." for n in
             range(1, 5)]
    jobs = [await start_job(api, text) for text in texts]
    digests = set()
    for job in jobs:
        await poll(api, job)
        assert job.last["status"] == "completed", job.last
        assert_well_formed_progress(job)
        data = (await api.get(f"/download/{job.id}")).content
        decode(data)
        digests.add(hashlib.sha256(data).hexdigest())
    assert len(digests) == 4
    listing = (await api.get("/jobs")).json()["jobs"]
    assert len({listing[j.id]["output_file"] for j in jobs}) == 4
