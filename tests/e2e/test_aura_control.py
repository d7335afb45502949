"""Job control end to end: cancel stops the running work (ffmpeg, TTS) at once and cleans up;
retry resumes from the first unfinished step without redoing what was done; the voice and
render specs reach the output (checked with PyAV)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from videogen_local.stack import Stack

from .aura_client import SHORT_PLAN, create_job, job_body, probe, read_events, wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=60) as client:
        yield client


def ffmpeg_children(stack: Stack) -> list[int]:
    """The ffmpeg processes the export service started (its children)."""
    proc = stack.children["export"].proc
    assert proc is not None
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # gone meanwhile
        # "pid (comm) state ppid ...": comm may hold spaces, so split around the parens.
        name, _, rest = text.partition("(")[2].rpartition(")")
        if name.startswith("ffmpeg") and int(rest.split()[1]) == proc.pid:
            found.append(int(stat.parent.name))
    return found


async def count_events(
    stack: Stack, service: str, event_type: str, production_id: str | None = None
) -> int:
    """Events of a type in a service's log; of one production's only, when named (the
    stack is shared: another test's job may still be narrating)."""
    schema = f"{stack.env['VIDEOGEN_NAMESPACE']}_{service}"
    conn = await asyncpg.connect(stack.env["VIDEOGEN_DATABASE_URL"])
    try:
        value = await conn.fetchval(
            f'SELECT count(*) FROM "{schema}".events WHERE type = $1'
            " AND ($2::text IS NULL OR data->>'production_id' = $2)", event_type, production_id,
        )
        return int(value)
    finally:
        await conn.close()


async def until(check: Any, within: float, every: float = 0.05) -> float:
    """Seconds until `check()` is true (awaited if it is a coroutine); fails after `within`."""
    started = time.monotonic()
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return time.monotonic() - started
        assert time.monotonic() - started < within, "condition not reached in time"
        await asyncio.sleep(every)


async def step_status(api: httpx.AsyncClient, job_id: str, name: str) -> str:
    job = (await api.get(f"/api/jobs/{job_id}")).json()
    return str(next(s["status"] for s in job["steps"] if s["name"] == name))


async def test_cancel_during_rendering_kills_ffmpeg_then_retry_resumes_at_render(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    # Long enough to catch it rendering: 720p HEVC (x265 is several times slower than x264).
    body = job_body(
        planSpec={"targetDuration": "00:00:20"},
        renderSpec={"res": "720p", "codec": "HEVC", "fps": 30},
    )
    job_id = await create_job(api, body)
    await until(lambda: ffmpeg_children(stack), within=180)
    narrated = await count_events(stack, "media", "SentenceNarrated")
    scripts = await count_events(stack, "script", "ScriptReplaced")

    response = await api.post(f"/api/jobs/{job_id}/cancel")
    assert response.status_code == 202, response.text
    body_out = response.json()
    assert set(body_out) == {"jobId", "message", "currentStatus", "correlationId"}
    assert body_out["currentStatus"] == "Canceled"
    stopped_in = await until(lambda: not ffmpeg_children(stack), within=5)
    assert stopped_in <= 2.0, f"ffmpeg still ran {stopped_in:.2f} s after the cancel"
    scratch = Path(stack.env["VIDEOGEN_DATA_DIR"]) / "blobs" / ".scratch"
    await until(lambda: not any(scratch.glob("*")), within=2)
    assert await step_status(api, job_id, "Render") == "Canceled"

    retried = await api.post(f"/api/jobs/{job_id}/retry")
    assert retried.status_code == 202, retried.text
    assert retried.json()["status"] == "Running"
    assert retried.json()["attempt"] == 2
    job = await wait_for(api, job_id, {"Succeeded", "Failed"}, within=300)
    assert job["status"] == "Succeeded", job
    # Nothing before the render was done again: no sentence spoken, no script written.
    assert await count_events(stack, "media", "SentenceNarrated") == narrated
    assert await count_events(stack, "script", "ScriptReplaced") == scripts
    events = await read_events(api, job_id)
    names = [e.event for e in events]
    assert names.count("job-cancelled") == 1
    assert names[-1] == "job-completed"
    assert [e.id for e in events] == list(range(1, len(events) + 1))


async def test_cancel_during_narration_stops_the_tts_at_once(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    body = job_body(planSpec={"targetDuration": "00:03:00"})
    job_id = await create_job(api, body)
    await until(lambda: _more(stack, 2, job_id), within=120)
    response = await api.post(f"/api/jobs/{job_id}/cancel")
    assert response.status_code == 202
    await asyncio.sleep(2.0)
    after_two_seconds = await count_events(stack, "media", "SentenceNarrated", job_id)
    await asyncio.sleep(3.0)
    assert await count_events(stack, "media", "SentenceNarrated", job_id) == after_two_seconds
    assert (await api.get(f"/api/jobs/{job_id}")).json()["status"] == "Canceled"


async def _more(stack: Stack, than: int, production_id: str) -> bool:
    return await count_events(stack, "media", "SentenceNarrated", production_id) >= than


async def finished_video(api: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    job_id = await create_job(api, body)
    job = await wait_for(api, job_id, {"Succeeded", "Failed"})
    assert job["status"] == "Succeeded", job
    video = await api.get(job["output"]["videoPath"])
    assert video.status_code == 200
    return probe(video.content)


async def test_the_output_honours_the_render_spec(api: httpx.AsyncClient) -> None:
    found = await finished_video(api, job_body(
        brief={"topic": "Tiny planets", "aspect": "Vertical9x16"},
        renderSpec={"res": "480p", "fps": 25, "codec": "VP9", "container": "webm",
                    "audioBitrateK": 96},
    ))
    assert found["size"] == (480, 854)
    assert found["fps"] == 25
    assert found["codecs"] == ("vp9", "opus")
    assert "webm" in found["format"]


async def test_a_slower_voice_gives_a_longer_narration(api: httpx.AsyncClient) -> None:
    plan = dict(SHORT_PLAN)
    slow = await finished_video(api, job_body(planSpec=plan, voiceSpec={"rate": 0.7}))
    fast = await finished_video(api, job_body(planSpec=plan, voiceSpec={"rate": 1.4}))
    assert slow["duration"] > fast["duration"] * 1.5, (slow, fast)
    paused = await finished_video(
        api, job_body(planSpec=plan, voiceSpec={"rate": 1.4, "pause": "Dramatic"})
    )
    assert paused["duration"] > fast["duration"] + 1.0, (paused, fast)
