"""kill -9 the media service in the middle of a Manim render, then start it again.

A `generate` task of two narrated scenes runs on the whole stack (every service a real
process, the offline writer, Manim in the sandbox). As soon as a scene's sandbox is up
inside the media service, the service is killed with SIGKILL: the sandbox dies with it
(nothing is left running as the sandbox's user), and the render job's message was never
acked, so JetStream redelivers it after `ack_wait` (short here) to the restarted service,
which renders the scene again onto the same keys. The task must still complete, once,
with every scene rendered once in the session's log and a playable combined video.

The task is started with the script service's own command (`manim_start_task`), as the
gateway's surface sends it, and followed in the script service's log.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import av
import psutil
import pytest
from nats.aio.client import Client
from videogen_bus.connection import connect, drain
from videogen_bus.rpc import send_command
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.replies import CommandAccepted
from videogen_contracts.script.manim import (
    ManimRenderConfig,
    ManimTaskCompleted,
    SceneRendered,
    StartManimTask,
    manim_session_event_decoder,
    manim_session_stream_id,
    manim_task_event_decoder,
    manim_task_stream_id,
)
from videogen_contracts.subjects import Namespace
from videogen_eventstore.postgres import PostgresEventStore
from videogen_local.stack import Stack

pytestmark = pytest.mark.slow

JAILS = ("bwrap", "unshare")
SCENES = 2
FINAL = ("ManimTaskCompleted", "ManimTaskFailed", "ManimTaskCancelled")


@pytest.fixture
async def nc(nats_url: str) -> AsyncIterator[Client]:
    client = await connect(nats_url, "manim-kill-test")
    yield client
    await drain(client)


@pytest.fixture
async def pool(pg_url: str) -> AsyncIterator[asyncpg.Pool]:
    async with asyncpg.create_pool(pg_url, min_size=1, max_size=2) as p:
        yield p


def sandboxes_of(pid: int) -> list[psutil.Process]:
    """The live jails (bwrap or unshare, and everything under them) of process `pid`."""
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    jails = [c for c in children if _alive(c) and c.name() in JAILS]
    return [*jails, *(c for j in jails for c in j.children(recursive=True) if _alive(c))]


def _alive(process: psutil.Process) -> bool:
    try:
        return bool(process.is_running() and process.status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


async def _kill_mid_render(stack: Stack) -> list[psutil.Process]:
    """Wait for a scene's sandbox inside the media service, then kill -9 the service."""
    media = stack.children["media"].proc
    assert media is not None
    assert stack.log_dir is not None
    log = stack.log_dir / "media.log"
    for _ in range(3000):
        # A render logged as begun, and its jail up with the scene's Python inside (more
        # than the jail itself): not the sandbox probe the service runs when it starts.
        if sum(_renders_started(log).values()) and len(sandboxes := sandboxes_of(media.pid)) > 1:
            stack.kill("media")
            return sandboxes
        await asyncio.sleep(0.1)
    raise AssertionError("no render started within 300 s")


async def _wait_final(store: PostgresEventStore, task_id: uuid.UUID) -> list[RecordedEvent]:
    for _ in range(3600):
        events = await store.read_stream(manim_task_stream_id(task_id))
        if any(e.type in FINAL for e in events):
            return events
        await asyncio.sleep(0.2)
    raise AssertionError(f"task not finished: {[e.type for e in events]}")


def _renders_started(log: Path) -> Counter[str]:
    """Renders begun per job id, as the media service logged them (across its lives)."""
    started: Counter[str] = Counter()
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if '"manim_render.started"' not in line:
            continue
        try:
            started[json.loads(line).get("job_id", "")] += 1
        except json.JSONDecodeError:
            continue
    return started


async def test_kill_media_mid_render_the_task_still_completes(  # type: ignore[no-untyped-def]
    make_stack, nc: Client, pool: asyncpg.Pool
) -> None:
    stack: Stack = make_stack(VIDEOGEN_MEDIA_ACK_WAIT="5")
    ns = Namespace(stack.env["VIDEOGEN_NAMESPACE"])
    script = PostgresEventStore(pool, f"{ns.name}_script", "script")
    task_id, session_id = uuid.uuid4(), "session_" + uuid.uuid4().hex[:8]
    start = StartManimTask(
        command_id=str(uuid.uuid4()), now=datetime.now(UTC), task_id=task_id,
        kind="generate", project="kill-test", session_id=session_id,
        prompt="Explain how a pendulum swings back and forth", scene_count=SCENES,
        render_config=ManimRenderConfig(quality="preview", max_scene_duration=20.0),
    )
    reply = await send_command(nc, ns, "script", "manim_start_task", start,
                               correlation_id="manim-kill", timeout=30)
    assert isinstance(reply, CommandAccepted), reply

    sandboxes = await _kill_mid_render(stack)
    # The sandbox went down with the service (--die-with-parent, its own pid namespace).
    for _ in range(100):
        if not any(_alive(p) for p in sandboxes):
            break
        await asyncio.sleep(0.1)
    assert not any(_alive(p) for p in sandboxes), "a sandbox outlived its service"
    await asyncio.sleep(0.5)
    stack.start("media")

    task_events = await _wait_final(script, task_id)
    await asyncio.sleep(1.0)  # room for a duplicate to show up, were there one
    task_events = await script.read_stream(manim_task_stream_id(task_id))
    types = Counter(e.type for e in task_events)
    assert types["ManimTaskCompleted"] == 1, [e.type for e in task_events]
    assert types["ManimTaskFailed"] == 0
    completed = manim_task_event_decoder.decode(task_events[-1].data)
    assert isinstance(completed, ManimTaskCompleted)
    assert [s.scene_number for s in completed.scenes] == list(range(1, SCENES + 1))

    session = [manim_session_event_decoder.decode(e.data)
               for e in await script.read_stream(manim_session_stream_id(session_id))]
    rendered = Counter(e.job_id for e in session if isinstance(e, SceneRendered))
    assert len(rendered) == SCENES
    assert set(rendered.values()) == {1}, "a render was answered twice"
    assert not any(type(e).__name__ == "SceneRenderFailed" for e in session)

    assert stack.log_dir is not None
    started = _renders_started(stack.log_dir / "media.log")
    assert max(started.values()) >= 2, f"no render was redone after the kill: {started}"

    blobs = Path(stack.env["VIDEOGEN_DATA_DIR"]) / "blobs"
    with av.open(str(blobs / completed.combined_key)) as combined:
        assert combined.streams.video
        assert combined.streams.audio
        assert combined.duration is not None
        duration = combined.duration / av.time_base
    assert duration == pytest.approx(sum(s.duration_s for s in completed.scenes), abs=0.3)
    for scene in completed.scenes:
        assert (blobs / scene.video_key).is_file()
