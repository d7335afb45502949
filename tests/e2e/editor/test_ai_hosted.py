"""The hosted path end to end: with `VIDEOGEN_VIDEO_MODEL` set, the whole stack (offline
otherwise) renders the variants of `POST /api/ai/generate` with the video model, here a
local fake of `/v1/videos` that "generates" solid red, and composites them into the box;
a generation the model fails fails the job with the model's reason."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from videogen_local.stack import Stack

from tests.unit.providers.fake_videos import FakeVideos, fake_videos, solid_mp4

from .conftest import CLIP_SIZE, UploadClip, ok
from .frame_measures import crop, inset, luma_at, ssim_outside

MODEL = "fake-video-1"
W, H = CLIP_SIZE
BOX = (W // 4, H // 4, W // 2, H // 2)
JOB_WAIT = 180.0


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeVideos]:
    red = solid_mp4(tmp_path_factory.mktemp("hosted-e2e") / "red.mp4")
    with fake_videos(FakeVideos(content=red)) as fake:
        yield fake


@pytest.fixture(scope="module")
def stack(_module_stacks: Callable[..., Stack], import_dir: Path, videos: FakeVideos) -> Stack:
    stack = _module_stacks(
        VIDEOGEN_IMPORT_DIR=str(import_dir), VIDEOGEN_VIDEO_MODEL=MODEL,
        VIDEOGEN_VIDEO_BASE_URL=videos.url, VIDEOGEN_VIDEO_API_KEY="e2e-key",
    )
    # The environment configures the model; the settings select it (as an Aura client does).
    selected = httpx.put(f"{stack.base_url}/api/settings",
                         json={"providers": {"videoGen": "openai-video"}}, timeout=30)
    assert selected.status_code == 200, selected.text
    return stack


async def _finished(api: httpx.AsyncClient, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + JOB_WAIT
    job: dict[str, Any] = ok(await api.get(f"/api/job/{job_id}"))
    while job["status"] in ("pending", "running") and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        job = ok(await api.get(f"/api/job/{job_id}"))
    return job


async def _generate(api: httpx.AsyncClient, project_id: str, variants: int) -> dict[str, Any]:
    started = ok(await api.post("/api/ai/generate", json={
        "project_id": project_id, "prompt": "blur the face", "start_ts": 2.0, "end_ts": 4.0,
        "bounding_box": {"x": BOX[0], "y": BOX[1], "width": BOX[2], "height": BOX[3]},
        "variants": variants,
    }), 202)
    return await _finished(api, started["job_id"])


async def test_the_settings_choose_the_hosted_model_and_the_offline_editor(
    api: httpx.AsyncClient, upload_clip: UploadClip, videos: FakeVideos
) -> None:
    uploaded = await upload_clip(name="selection")
    ok(await api.put("/api/settings", json={"providers": {"videoGen": "ffmpeg-effects"}}))
    try:
        before = len(videos.created)
        job = await _generate(api, uploaded.project_id, variants=1)
        assert job["status"] == "completed", job
        assert len(videos.created) == before  # configured, but not selected: offline
        assert "offline" in job["variants"][0]["labels"]
    finally:
        ok(await api.put("/api/settings", json={"providers": {"videoGen": "openai-video"}}))


async def test_the_hosted_model_renders_inside_the_box(
    api: httpx.AsyncClient, upload_clip: UploadClip, videos: FakeVideos, clip: Path,
    tmp_path: Path,
) -> None:
    uploaded = await upload_clip(name="hosted")
    before = len(videos.created)
    job = await _generate(api, uploaded.project_id, variants=2)
    assert job["status"] == "completed", job
    asked = videos.created[before:]
    assert [body["model"] for body in asked] == [MODEL, MODEL]
    assert all("blur the face" in str(body["prompt"]) for body in asked)
    assert all(r.headers["Authorization"] == "Bearer e2e-key" for r in videos.requests)
    response = await api.get(job["variants"][0]["url"])
    assert response.status_code == 200
    out = tmp_path / "variant.mp4"
    await asyncio.to_thread(out.write_bytes, response.content)
    after, original = luma_at(out, 1.0), luma_at(clip, 3.0)
    inner = crop(after, inset(BOX, 30))
    assert float(np.abs(inner - 0.299 * 255).mean()) < 12  # the model's red
    assert ssim_outside(original, after, inset(BOX, -30)) >= 0.98


async def test_a_failed_generation_fails_the_job_with_the_models_reason(
    api: httpx.AsyncClient, upload_clip: UploadClip, videos: FakeVideos
) -> None:
    uploaded = await upload_clip(name="hosted failure")
    videos.fail_with = "the prompt was refused by moderation"
    try:
        job = await _generate(api, uploaded.project_id, variants=1)
    finally:
        videos.fail_with = None
    assert job["status"] == "failed", job
    assert "refused by moderation" in job["error"]
