"""Doc 002's exports end to end: POST /api/export, GET /api/export/{id}, the download.

The clip is this module's own (E4's fixture flow uploads it): testsrc2 320x240 at 25 fps,
silent but for three 1 kHz beeps, at 2.5 s, 6.0 s and 9.0 s. The timeline is edited as
the document's client would: split at 4 and at 8, trim [0, 4) to [1.5, 3.5), delete
[4, 8). What plays is [1.5, 3.5) then [8, 10): 4 s, the first beep at 1.0 s, the second
(deleted) nowhere, the third at 3.0 s.
"""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from typing import Any

import asyncpg
import av
import httpx
import numpy as np
import numpy.typing as npt
import pytest
from videogen_local.stack import Stack
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.probe import frame_at, probe

from tests.e2e.studio_scripts_client import create_project, quick_script

from .conftest import UploadClip, ok, problem

pytestmark = pytest.mark.slow

BEEPS = (2.5, 6.0, 9.0)
PLAYS = ((1.5, 3.5), (8.0, 10.0))
TOTAL = sum(end - start for start, end in PLAYS)
FRAME = 1 / 25


def make_beeping_clip(path: Path) -> Path:
    beeps = "+".join(f"between(t\\,{t}\\,{t + 0.15})" for t in BEEPS)
    subprocess.run([
        ffmpeg_executable(), "-v", "error", "-y",
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=10",
        "-f", "lavfi", "-i", f"aevalsrc=0.5*sin(2*PI*1000*t)*({beeps}):s=48000:d=10",
        "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-shortest", "-movflags", "+faststart", str(path),
    ], check=True, timeout=120)  # fmt: skip
    return path


@pytest.fixture(scope="module")
def beeping_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_beeping_clip(tmp_path_factory.mktemp("export-clip") / "beeps.mp4")


@pytest.fixture(scope="module")
def beeping_bytes(beeping_clip: Path) -> bytes:
    return beeping_clip.read_bytes()


def psnr(x: npt.NDArray[np.uint8], y: npt.NDArray[np.uint8]) -> float:
    mse = float(np.mean((x.astype(np.float64) - y.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * np.log10(255.0**2 / mse)


def onsets(path: Path) -> list[float]:
    """When each beep starts (the first loud sample after a quiet stretch)."""
    with av.open(str(path)) as container:
        chunks = [f.to_ndarray() for f in container.decode(audio=0)]
        rate = container.streams.audio[0].rate
    loud = np.abs(np.concatenate(chunks, axis=1)[0]) > 0.1
    found: list[float] = []
    for index in np.flatnonzero(loud):
        t = float(index) / rate
        if not found or t - found[-1] > 0.5:
            found.append(t)
    return found


async def edited_project(api: httpx.AsyncClient, upload_clip: UploadClip, clip: bytes) -> str:
    """Split, trim and delete down to PLAYS; returns the project id."""
    uploaded = await upload_clip(name="export e2e", data=clip)
    split = ok(await api.post(f"/api/segment/{uploaded.segment_id}/split", json={"split_ts": 4.0}))
    first, rest = split["left"]["id"], split["right"]["id"]
    split = ok(await api.post(f"/api/segment/{rest}/split", json={"split_ts": 8.0}))
    middle = split["left"]["id"]
    ok(await api.post(f"/api/segment/{first}/trim",
                      json={"new_start_ts": 1.5, "new_end_ts": 3.5}))  # fmt: skip
    assert ok(await api.delete(f"/api/segment/{middle}")) == {"deleted": True}
    return uploaded.project_id


async def export(api: httpx.AsyncClient, project_id: str, fmt: str = "mp4",
                 within: float = 180) -> dict[str, Any]:  # fmt: skip
    """POST /api/export, then poll its status until it is done."""
    started = ok(await api.post("/api/export", json={"project_id": project_id, "format": fmt}),
                 202)  # fmt: skip
    assert started["status"] == "pending"
    assert started["message"] == "Export job created — check status with get_export_status"
    job_id = started["export_job_id"]
    async with asyncio.timeout(within):
        while True:
            status = ok(await api.get(f"/api/export/{job_id}"))
            assert status["export_job_id"] == job_id
            assert status["status"] in ("pending", "running", "completed", "failed")
            if status["status"] in ("completed", "failed"):
                return dict(status)
            assert (status["export_url"], status["download_url"]) == (None, None), status
            await asyncio.sleep(0.3)


async def download(api: httpx.AsyncClient, status: dict[str, Any], to: Path) -> Path:
    assert status["status"] == "completed", status
    response = await api.get(status["download_url"])
    assert response.status_code == 200, response.text
    await asyncio.to_thread(to.write_bytes, response.content)
    return to


async def test_an_edited_timeline_exports_what_plays(
    api: httpx.AsyncClient, upload_clip: UploadClip, beeping_clip: Path, beeping_bytes: bytes,
    tmp_path: Path,
) -> None:
    project_id = await edited_project(api, upload_clip, beeping_bytes)
    out = await download(api, await export(api, project_id), tmp_path / "out.mp4")

    info = probe(out)
    assert info.video is not None
    assert info.audio is not None
    assert abs(info.duration - TOTAL) <= FRAME + 1e-3
    # The frames at the cut points are the source's at the segments' starts.
    assert psnr(frame_at(out, 0.0), frame_at(beeping_clip, 1.5)) > 30
    assert psnr(frame_at(out, 2.0), frame_at(beeping_clip, 8.0)) > 30
    assert psnr(frame_at(out, 2.0), frame_at(beeping_clip, 4.0)) < 25  # not the deleted one
    # Sound in sync: the kept beeps where the cuts put them, the deleted one gone.
    found = onsets(out)
    assert len(found) == 2, found
    assert abs(found[0] - 1.0) < FRAME
    assert abs(found[1] - 3.0) < FRAME


async def test_the_download_honours_range(
    api: httpx.AsyncClient, upload_clip: UploadClip, beeping_bytes: bytes
) -> None:
    project_id = (await upload_clip(name="range", data=beeping_bytes)).project_id
    status = await export(api, project_id)
    whole = (await api.get(status["download_url"])).content
    part = await api.get(status["download_url"], headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.content == whole[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(whole)}"
    assert part.headers["content-disposition"].startswith("attachment")
    # export_url is the same file, to play in place.
    shown = await api.get(status["export_url"], headers={"Range": "bytes=100-199"})
    assert shown.status_code == 206
    assert shown.content == whole[100:200]
    assert shown.headers["content-disposition"].startswith("inline")
    assert shown.headers["content-type"] == "video/mp4"


@pytest.mark.parametrize(
    ("fmt", "video_codec", "audio_codec"),
    [("webm", "vp9", "opus"), ("mov", "h264", "aac"), ("gif", "gif", None)],
)
async def test_each_format(
    fmt: str, video_codec: str, audio_codec: str | None, api: httpx.AsyncClient,
    upload_clip: UploadClip, beeping_clip: Path, beeping_bytes: bytes, tmp_path: Path,
) -> None:
    project_id = await edited_project(api, upload_clip, beeping_bytes)
    out = await download(api, await export(api, project_id, fmt), tmp_path / f"out.{fmt}")
    info = probe(out)
    assert info.video is not None
    assert info.video.codec == video_codec
    assert (info.audio.codec if info.audio else None) == audio_codec
    assert abs(info.duration - TOTAL) <= 1 / info.video.fps + 1e-3
    assert psnr(frame_at(out, 2.0), frame_at(beeping_clip, 8.0)) > (20 if fmt == "gif" else 30)
    if audio_codec is not None:
        found = onsets(out)
        assert [round(t, 1) for t in found] == [1.0, 3.0], found


async def test_an_unknown_format_is_a_400_naming_the_formats(
    api: httpx.AsyncClient, upload_clip: UploadClip, beeping_bytes: bytes
) -> None:
    project_id = (await upload_clip(name="format", data=beeping_bytes)).project_id
    answer = await api.post("/api/export", json={"project_id": project_id, "format": "avi"})
    body = problem(answer, 400, "format")
    for allowed in ("mp4", "webm", "mov", "gif"):
        assert allowed in body["detail"]


async def test_unknown_projects_and_exports_are_404(api: httpx.AsyncClient) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    # 404 before the body's other fields are looked at.
    problem(await api.post("/api/export", json={"project_id": unknown, "format": "avi"}), 404)
    problem(await api.post("/api/export", json={"project_id": "nope"}), 404)
    problem(await api.get(f"/api/export/{unknown}"), 404)
    problem(await api.get("/api/export/not-an-id"), 404)
    problem(await api.get(f"/api/export/{unknown}/download"), 404)
    problem(await api.get(f"/api/export/{unknown}/file"), 404)


async def _completions(stack: Stack, export_id: str) -> list[str]:
    conn = await asyncpg.connect(stack.env["VIDEOGEN_DATABASE_URL"])
    try:
        rows = await conn.fetch(
            f'SELECT data->>\'reused\' AS reused FROM "{stack.env["VIDEOGEN_NAMESPACE"]}_export"'
            ".events WHERE stream_id = $1 AND type = 'ExportCompleted'",
            f"export-{export_id}",
        )
    finally:
        await conn.close()
    return [str(r["reused"]) for r in rows]


async def test_an_unchanged_timeline_exported_twice_is_rendered_once(
    api: httpx.AsyncClient, stack: Stack, upload_clip: UploadClip, beeping_bytes: bytes
) -> None:
    project_id = await edited_project(api, upload_clip, beeping_bytes)
    first, second = await export(api, project_id), await export(api, project_id)
    assert first["export_job_id"] != second["export_job_id"]
    assert await _completions(stack, first["export_job_id"]) == ["false"]
    assert await _completions(stack, second["export_job_id"]) == ["true"]
    one = (await api.get(first["download_url"])).content
    assert (await api.get(second["download_url"])).content == one


async def test_a_studio_project_exports_its_script_narrated(
    stack: Stack, api: httpx.AsyncClient, tmp_path: Path
) -> None:
    async with httpx.AsyncClient(base_url=stack.base_url + "/api/v1", timeout=120) as studio:
        project = await create_project(studio, targetDuration=0.5)
        await quick_script(studio, project["id"])
    status = await export(api, project["id"], within=400)
    out = await download(api, status, tmp_path / "script.mp4")
    info = probe(out)
    assert info.video is not None
    assert info.audio is not None
    assert info.duration > 2
    # Spoken: the narration is not silence.
    with av.open(str(out)) as container:
        audio = np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)
    assert float(np.abs(audio).max()) > 0.05
