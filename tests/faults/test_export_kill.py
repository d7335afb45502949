"""kill -9 the export service in the middle of a render, then start it again.

A text2video render is now an assembly (the media service encoded the picture in segments
while it narrated): the soundtrack, then the segments joined by stream copy. The kill lands
while it reports progress, between its first step and its last.

The job must complete once, with one output, and its progress (as doc 004 clients see it)
must never go backwards. The killed worker never acked the RenderRequested message, so
JetStream redelivers it to the restarted worker once `ack_wait` passes (shortened here to
keep the test quick); that worker renders again from scratch onto the same key.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import asyncpg
import httpx
import pytest
from videogen_local.stack import Stack

from ..e2e.text2video_client import (
    Job,
    assert_well_formed_progress,
    decode,
    poll,
    start_job,
)

pytestmark = pytest.mark.slow

# Long enough that the assembly's soundtrack takes a moment, so the kill lands inside it.
TEXT = " ".join(
    f"This is sentence number {n} of a story about the sea, the wind and the stars." for n in
    range(1, 9)
)
RENDERING = re.compile(r"Rendering video\.\.\. \d+%")


async def _kill_during_render(stack: Stack, api: httpx.AsyncClient, job: Job) -> None:
    async with asyncio.timeout(240):
        while True:
            status = (await api.get(f"/status/{job.id}")).json()
            job.seen.append(status)
            assert status["status"] != "completed", "the render finished before the kill"
            if RENDERING.search(status["message"]):
                break
            await asyncio.sleep(0.1)
    stack.kill("export")
    await asyncio.sleep(0.5)
    stack.start("export")


async def _count(db_url: str, schema: str, stream_id: str, event_type: str) -> int:
    conn = await asyncpg.connect(db_url)
    try:
        count = await conn.fetchval(
            f'SELECT count(*) FROM "{schema}".events WHERE stream_id = $1 AND type = $2',
            stream_id, event_type,
        )
    finally:
        await conn.close()
    return int(count)


def _renders_started(log: Path, render_id: str) -> int:
    started = 0
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if '"render.started"' not in line:
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        started += record.get("render_id") == render_id
    return started


async def test_kill_export_mid_render_completes_once(make_stack) -> None:  # type: ignore[no-untyped-def]
    stack: Stack = make_stack(VIDEOGEN_EXPORT_ACK_WAIT="6")
    async with httpx.AsyncClient(base_url=stack.base_url + "/api/v1", timeout=60) as api:
        job = await start_job(api, TEXT)
        await _kill_during_render(stack, api, job)
        await poll(api, job, within=300)
        assert job.last["status"] == "completed", job.last
        assert_well_formed_progress(job)
        video = decode((await api.get(f"/download/{job.id}")).content)
        assert video.duration_s > 10

    ns, db = stack.env["VIDEOGEN_NAMESPACE"], stack.env["VIDEOGEN_DATABASE_URL"]
    assert await _count(db, f"{ns}_export", f"render-{job.id}", "RenderCompleted") == 1
    assert await _count(db, f"{ns}_project", f"production-{job.id}", "ProductionCompleted") == 1
    assert stack.log_dir is not None
    assert _renders_started(stack.log_dir / "export.log", job.id) >= 2, "no re-render seen"
    videos = Path(stack.env["VIDEOGEN_DATA_DIR"]) / "blobs" / "videos"
    assert sorted(p.name for p in videos.iterdir() if job.id in p.name) == [
        f"{job.id}.mp4", f"{job.id}.srt", f"{job.id}.vtt",
    ]
