"""kill -9 the export service in the middle of an editor export, then start it again.

The export must complete once, with one output under its digest key. The killed worker
never acked the ExportRequested message, so JetStream redelivers it to the restarted
worker once `ack_wait` passes (shortened here to keep the test quick); that worker finds
the export started but its file absent (the encode wrote only a scratch file), and
encodes again onto the same key.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import httpx
import pytest
from videogen_local.stack import Stack
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.probe import probe

from ..e2e.editor.conftest import ok, upload_to
from .test_export_kill import _count

pytestmark = pytest.mark.slow

# Long and large enough that the encode takes a few seconds, so the kill lands inside it.
SECONDS = 40


def _make_clip(path: Path) -> bytes:
    subprocess.run([
        ffmpeg_executable(), "-v", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size=960x540:rate=30:duration={SECONDS}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={SECONDS}",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-shortest", str(path),
    ], check=True, timeout=120)  # fmt: skip
    return path.read_bytes()


async def _kill_during_export(stack: Stack, api: httpx.AsyncClient, job_id: str) -> None:
    async with asyncio.timeout(120):
        while True:
            status = ok(await api.get(f"/api/export/{job_id}"))
            assert status["status"] != "completed", "the export finished before the kill"
            if status["status"] == "running":
                break
            await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)  # well inside the encode
    stack.kill("export")
    await asyncio.sleep(0.5)
    stack.start("export")


async def _poll(api: httpx.AsyncClient, job_id: str, within: float) -> dict[str, object]:
    async with asyncio.timeout(within):
        while True:
            status: dict[str, object] = ok(await api.get(f"/api/export/{job_id}"))
            if status["status"] in ("completed", "failed"):
                return status
            await asyncio.sleep(0.3)


def _exports_started(log: Path, export_id: str) -> int:
    started = 0
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if '"export.started"' not in line:
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        started += record.get("export_id") == export_id
    return started


async def test_kill_export_mid_render_completes_once(make_stack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stack: Stack = make_stack(VIDEOGEN_EXPORT_ACK_WAIT="6")
    clip = _make_clip(tmp_path / "long.mp4")
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=120) as api:
        project_id = ok(await api.post("/api/project", json={"name": "kill"}))["id"]
        await upload_to(api, project_id, clip)
        started = ok(await api.post("/api/export", json={"project_id": project_id}), 202)
        job_id = started["export_job_id"]
        await _kill_during_export(stack, api, job_id)
        status = await _poll(api, job_id, within=300)
        assert status["status"] == "completed", status
        video = tmp_path / "out.mp4"
        video.write_bytes((await api.get(str(status["download_url"]))).content)
    assert abs(probe(video).duration - SECONDS) <= 1 / 30 + 1e-3

    ns, db = stack.env["VIDEOGEN_NAMESPACE"], stack.env["VIDEOGEN_DATABASE_URL"]
    assert await _count(db, f"{ns}_export", f"export-{job_id}", "ExportCompleted") == 1
    assert await _count(db, f"{ns}_export", f"export-{job_id}", "ExportStarted") == 1
    assert stack.log_dir is not None
    assert _exports_started(stack.log_dir / "export.log", job_id) >= 2, "no resumed job seen"
    exports = Path(stack.env["VIDEOGEN_DATA_DIR"]) / "blobs" / "editor" / project_id / "exports"
    assert len([p for p in exports.iterdir() if p.is_file()]) == 1
