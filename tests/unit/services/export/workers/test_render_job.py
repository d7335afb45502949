"""The render job wired by the real bootstrap on the in-memory store, with a scripted
encoder: one outcome per request, retries until the last attempt, cancellation cleans up."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import msgspec
import pytest
from export_service.bootstrap import export_app
from export_service.workers.render import production_of
from videogen_bus.consumer import PoisonMessage
from videogen_bus.jobs import Delivery
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.export.events import (
    RenderCompleted,
    RenderEvent,
    RenderFailed,
    RenderProgressed,
    event_decoder,
    stream_id_for,
)
from videogen_eventstore.memory import InMemoryEventStore

from tests.unit.services.export.fakes import DirBlobs, ScriptedCuts, ScriptedRenderer, timeline

FIRST, LAST = Delivery(1, 3), Delivery(3, 3)


class World:
    def __init__(self, tmp_path: Path, renderer: ScriptedRenderer | None = None) -> None:
        self.store = InMemoryEventStore("export")
        self.blobs = DirBlobs(tmp_path / "blobs")
        self.renderer = renderer or ScriptedRenderer(step_s=0)
        self.app = export_app(self.store, self.renderer, self.blobs, ScriptedCuts())
        self.render_id = uuid.uuid4()

    async def request(self) -> RecordedEvent:
        command = timeline(self.blobs, self.render_id)
        await self.app.handler.handle(command, correlation_id="corr-export")
        return (await self.store.read_stream(stream_id_for(self.render_id)))[0]

    async def events(self) -> list[RenderEvent]:
        recorded = await self.store.read_stream(stream_id_for(self.render_id))
        return [event_decoder.decode(r.data) for r in recorded]


async def test_a_request_is_rendered_and_recorded_once(tmp_path: Path) -> None:
    world = World(tmp_path)
    requested = await world.request()
    await world.app.job(requested, FIRST)
    await world.app.job(requested, Delivery(2, 3))  # a redelivery after the outcome

    events = await world.events()
    done = events[-1]
    assert isinstance(done, RenderCompleted)
    assert world.blobs.exists(done.video_key)
    assert sum(isinstance(e, RenderCompleted) for e in events) == 1
    assert [e for e in events if isinstance(e, RenderProgressed)]
    assert world.renderer.renders == [str(world.render_id)]


async def test_an_unexpected_error_is_retried_until_the_last_attempt(tmp_path: Path) -> None:
    world = World(tmp_path, ScriptedRenderer(step_s=0, crash_with=RuntimeError("a bug")))
    requested = await world.request()
    with pytest.raises(RuntimeError, match="a bug"):
        await world.app.job(requested, FIRST)
    assert not any(isinstance(e, RenderFailed) for e in await world.events())

    await world.app.job(requested, LAST)
    failed = (await world.events())[-1]
    assert isinstance(failed, RenderFailed)
    assert failed.code == "internal"
    assert "after 3 attempts" in failed.reason


async def test_an_undecodable_request_is_a_poison_message(tmp_path: Path) -> None:
    world = World(tmp_path)
    requested = await world.request()
    broken = msgspec.structs.replace(requested, data=msgspec.Raw(b'{"render_id": 3}'))
    with pytest.raises(PoisonMessage):
        await world.app.job(broken, FIRST)
    assert production_of(broken) == requested.stream_id
    assert world.renderer.renders == []


async def test_a_render_is_abandoned_by_its_production(tmp_path: Path) -> None:
    world = World(tmp_path)
    requested = await world.request()
    assert production_of(requested) == str(world.render_id)  # timeline(): production = render
    command = msgspec.structs.replace(
        timeline(world.blobs, uuid.uuid4()), production_id=None, command_id="no-production"
    )
    await world.app.handler.handle(command, correlation_id="corr-export")
    (alone,) = await world.store.read_stream(stream_id_for(command.render_id))
    assert production_of(alone) == str(command.render_id)


async def test_a_cancelled_render_leaves_no_scratch_file_and_no_outcome(tmp_path: Path) -> None:
    world = World(tmp_path, ScriptedRenderer(gate=asyncio.Event()))
    job = asyncio.create_task(world.app.job(await world.request(), FIRST))
    async with asyncio.timeout(5):
        await world.renderer.started.wait()
    job.cancel()  # what the queue does to abandon a job, or on shutdown
    with pytest.raises(asyncio.CancelledError):
        await job
    assert world.renderer.running == 0
    assert not list((world.blobs.root / ".tmp").iterdir())
    assert not any(isinstance(e, RenderCompleted | RenderFailed) for e in await world.events())
