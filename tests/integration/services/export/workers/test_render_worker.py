"""The export service in-process on real PostgreSQL and NATS, with a scripted encoder.

Each test starts the service's own bootstrap in a world of its own (namespace + schema),
sends `render_timeline` exactly as the production process manager does, and checks the
replies, the Render events and the blobs. Real ffmpeg renders are covered by the adapter
tests and the end-to-end tests.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest
from export_service.bootstrap import ExportService, start_export_service
from export_service.config import ExportConfig
from nats.aio.client import Client
from videogen_bus.connection import connect, drain
from videogen_bus.rpc import ServiceUnavailable, send_command
from videogen_contracts.envelope import EventMetadata, RecordedEvent, encode_recorded, to_raw
from videogen_contracts.export.commands import RenderTimeline
from videogen_contracts.export.events import (
    SERVICE,
    RenderCompleted,
    RenderEvent,
    RenderFailed,
    RenderProgressed,
    event_decoder,
    stream_id_for,
)
from videogen_contracts.project.production import ProductionCancelled
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply
from videogen_runtime.settings import Settings

from tests.unit.services.export.fakes import DirBlobs, ScriptedRenderer, timeline

Start = Callable[..., Any]


@pytest.fixture
def blobs(tmp_path: Path) -> DirBlobs:
    return DirBlobs(tmp_path / "blobs")


@pytest.fixture
async def nc(nats_url: str) -> AsyncIterator[Client]:
    client = await connect(nats_url, "export-service-test")
    yield client
    await drain(client)


@pytest.fixture
async def start(
    pg_url: str, nats_url: str, world_id: str, blobs: DirBlobs
) -> AsyncIterator[Callable[..., Any]]:
    """Start one export service (a replica) per call; all are stopped at the end."""
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id)
    async with AsyncExitStack() as outer:

        async def start_one(
            renderer: ScriptedRenderer, concurrency: int = 1, ack_wait: float = 3.0
        ) -> tuple[ExportService, AsyncExitStack]:
            stack = AsyncExitStack()
            outer.push_async_callback(stack.aclose)
            service = await start_export_service(
                settings, stack, renderer=renderer, blobs=blobs,
                config=ExportConfig(concurrency=concurrency, ack_wait=ack_wait),
            )
            return service, stack

        yield start_one


async def send(nc: Client, service: ExportService, command: RenderTimeline) -> CommandReply:
    """Send as a caller does: resend (same command_id) while no replica answers yet.

    A request sent the instant a service has subscribed is, rarely, answered "no
    responders" on this shared server; the gateway and the process manager resend in
    that case too, which is safe because the command keeps its id.
    """
    for attempt in range(20):
        try:
            return await send_command(
                nc, service.plumbing.namespace, SERVICE, "render_timeline", command,
                correlation_id="it-export",
            )
        except ServiceUnavailable:
            if attempt == 19:
                raise
            await asyncio.sleep(0.05)
    raise AssertionError("unreachable")


async def events_of(service: ExportService, render_id: uuid.UUID) -> list[RenderEvent]:
    recorded = await service.plumbing.store.read_stream(stream_id_for(render_id))
    return [event_decoder.decode(r.data) for r in recorded]


async def outcome(
    service: ExportService, render_id: uuid.UUID, within: float = 20.0
) -> list[RenderEvent]:
    async with asyncio.timeout(within):
        while True:
            events = await events_of(service, render_id)
            if isinstance(events[-1], RenderCompleted | RenderFailed):
                return events
            await asyncio.sleep(0.05)


async def test_a_timeline_is_rendered_once_with_monotonic_progress(
    start: Start, nc: Client, blobs: DirBlobs
) -> None:
    renderer = ScriptedRenderer(steps=40)
    service, _ = await start(renderer)
    rid = uuid.uuid4()
    command = timeline(blobs, rid)
    reply = await send(nc, service, command)
    assert isinstance(reply, CommandAccepted)
    assert reply.stream_id == f"render-{rid}"

    events = await outcome(service, rid)
    done = events[-1]
    assert isinstance(done, RenderCompleted)
    assert (done.video_key, done.subtitle_key) == (f"videos/{rid}.mp4", f"videos/{rid}.srt")
    assert done.size_bytes == (blobs.root / done.video_key).stat().st_size
    assert blobs.exists(f"videos/{rid}.srt")
    percents = [e.percent for e in events if isinstance(e, RenderProgressed)]
    assert percents == sorted(set(percents))
    assert all(b - a >= 5 for a, b in itertools.pairwise(percents))
    assert percents
    assert max(percents) < 100
    assert renderer.renders == [str(rid)]
    assert not list((blobs.root / ".tmp").iterdir())  # no scratch file left behind


async def test_a_resent_command_is_a_duplicate_and_another_request_conflicts(
    start: Start, nc: Client, blobs: DirBlobs
) -> None:
    service, _ = await start(ScriptedRenderer())
    rid = uuid.uuid4()
    command = timeline(blobs, rid)
    first = await send(nc, service, command)
    again = await send(nc, service, command)
    assert isinstance(first, CommandAccepted)
    assert isinstance(again, CommandAccepted)
    assert again.duplicate
    assert again.stream_version == first.stream_version
    other = await send(nc, service, msgspec.structs.replace(command, command_id="pm-other"))
    assert isinstance(other, CommandRejected)
    assert other.code == "conflict"


async def test_an_invalid_timeline_is_rejected_naming_the_field(
    start: Start, nc: Client, blobs: DirBlobs
) -> None:
    service, _ = await start(ScriptedRenderer())
    command = timeline(blobs, uuid.uuid4())
    bad = msgspec.structs.replace(command, output_key="../../etc/passwd")
    reply = await send(nc, service, bad)
    assert isinstance(reply, CommandRejected)
    assert (reply.code, reply.field) == ("invalid", "output_key")
    undecodable = await send_command(
        nc, service.plumbing.namespace, SERVICE, "render_timeline", b'{"render_id": 3}',
        correlation_id="it-export",
    )
    assert isinstance(undecodable, CommandRejected)
    assert undecodable.code == "invalid"


async def test_an_encoder_failure_is_recorded_once_and_not_retried(
    start: Start, nc: Client, blobs: DirBlobs
) -> None:
    renderer = ScriptedRenderer(fail_with="ffmpeg exited with 1: Invalid data")
    service, _ = await start(renderer)
    rid = uuid.uuid4()
    await send(nc, service, timeline(blobs, rid))
    events = await outcome(service, rid)
    failed = events[-1]
    assert isinstance(failed, RenderFailed)
    assert failed.code == "encoder_failed"
    assert "Invalid data" in failed.reason
    await asyncio.sleep(0.5)
    assert renderer.renders == [str(rid)]
    assert not blobs.exists(f"videos/{rid}.mp4")


async def test_a_missing_narration_fails_the_render(
    start: Start, nc: Client, blobs: DirBlobs
) -> None:
    service, _ = await start(ScriptedRenderer())
    rid = uuid.uuid4()
    command = timeline(blobs, rid)
    (blobs.root / command.clips[1].narration_key).unlink()
    await send(nc, service, command)
    failed = (await outcome(service, rid))[-1]
    assert isinstance(failed, RenderFailed)
    assert failed.code == "missing_input"
    assert command.clips[1].narration_key in failed.reason


@pytest.mark.parametrize("concurrency", [1, 2])
async def test_concurrency_is_bounded_and_every_job_completes(
    start: Start, nc: Client, blobs: DirBlobs, concurrency: int
) -> None:
    renderer = ScriptedRenderer(steps=10, step_s=0.05)
    service, _ = await start(renderer, concurrency=concurrency)
    ids = [uuid.uuid4() for _ in range(4)]
    for rid in ids:
        await send(nc, service, timeline(blobs, rid))
    for rid in ids:
        assert isinstance((await outcome(service, rid))[-1], RenderCompleted)
        assert blobs.exists(f"videos/{rid}.mp4")
    assert renderer.most_at_once == concurrency
    assert sorted(renderer.renders) == sorted(str(r) for r in ids)


async def test_a_stopping_replica_hands_its_job_to_another(
    start: Start, nc: Client, blobs: DirBlobs
) -> None:
    held = ScriptedRenderer(gate=asyncio.Event())
    first, first_stack = await start(held)
    rid = uuid.uuid4()
    await send(nc, first, timeline(blobs, rid))
    async with asyncio.timeout(10):
        await held.started.wait()
    # A second replica joins; the first is stopped mid-encode (SIGTERM-like).
    other = ScriptedRenderer()
    second, _ = await start(other)
    await first_stack.aclose()
    events = await outcome(second, rid)
    assert isinstance(events[-1], RenderCompleted)
    assert other.renders == [str(rid)]
    assert sum(isinstance(e, RenderCompleted) for e in events) == 1


async def test_an_output_published_before_a_crash_is_not_encoded_again(
    start: Start, nc: Client, blobs: DirBlobs
) -> None:
    renderer = ScriptedRenderer()
    service, _ = await start(renderer)
    rid = uuid.uuid4()
    command = timeline(blobs, rid)
    blobs.put(command.output_key, b"a whole video, renamed into place before the crash")
    await send(nc, service, command)
    done = (await outcome(service, rid))[-1]
    assert isinstance(done, RenderCompleted)
    assert renderer.renders == []
    assert renderer.probes == 1


def cancelled(production_id: uuid.UUID) -> bytes:
    """A ProductionCancelled as the project service's relay publishes it."""
    event = ProductionCancelled(
        production_id=production_id, stage="rendering", reason=None, at=datetime.now(UTC)
    )
    return encode_recorded(
        RecordedEvent(
            service="project", global_position=1, transaction_id=1,
            stream_id=f"production-{production_id}", stream_version=7, event_id=uuid.uuid4(),
            type="ProductionCancelled", schema_version=1, data=to_raw(event),
            metadata=EventMetadata(correlation_id="it-cancel", project_id=str(production_id)),
            recorded_at=datetime.now(UTC),
        )
    )


async def test_a_cancelled_production_stops_its_render_and_no_replica_takes_it_up(
    start: Start, nc: Client, blobs: DirBlobs
) -> None:
    held = ScriptedRenderer(gate=asyncio.Event())
    service, _ = await start(held, ack_wait=1.0)
    rid = uuid.uuid4()
    await send(nc, service, timeline(blobs, rid))
    async with asyncio.timeout(10):
        await held.started.wait()

    subject = service.plumbing.namespace.event_subject("project", str(rid), "ProductionCancelled")
    await nc.publish(subject, cancelled(rid))
    async with asyncio.timeout(5):
        while True:
            if not (held.running or service.queue.running):
                break
            await asyncio.sleep(0.02)
    assert not list((blobs.root / ".tmp").iterdir())  # the scratch file went with it

    # Acked, not handed back: a replica that joins gets nothing, even after ack_wait.
    other = ScriptedRenderer()
    await start(other, ack_wait=1.0)
    await asyncio.sleep(2.5)
    assert other.renders == []
    assert held.renders == [str(rid)]
    events = await events_of(service, rid)
    assert not any(isinstance(e, RenderCompleted | RenderFailed) for e in events)
