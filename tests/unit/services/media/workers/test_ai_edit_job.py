"""The AI edit job on the in-memory store with a fake renderer: renders each variant once,
resumes after a crash without rendering again, fails with the renderer's reason."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from media_service.app.ai_edits import AiEditHandlers
from media_service.workers.ai_edits import AiEditJob, VariantRenderFailed, variant_keys
from videogen_bus.jobs import Delivery
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.media.ai_edits import AiEditRequested, VariantSpec, ai_edit_stream_id
from videogen_eventstore.memory import InMemoryEventStore
from videogen_media.blobs import LocalBlobStore

from tests.unit.services.media.domain.ai_samples import JOB, V1, V2, request
from tests.unit.services.media.domain.editor_samples import KEY, PROJ

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
FIRST = Delivery(1, 5)


class FakeRenderer:
    def __init__(self, fail_on: int | None = None) -> None:
        self.rendered: list[int] = []
        self.fail_on = fail_on
        self.crash_on: int | None = None

    async def render(self, source: Path, asked: AiEditRequested, spec: VariantSpec,
                     video_out: Path, preview_out: Path) -> float:
        if spec.index == self.fail_on:
            raise VariantRenderFailed("the region editor failed: exit 1")
        if spec.index == self.crash_on:
            raise RuntimeError("the encoder crashed")
        self.rendered.append(spec.index)
        await asyncio.to_thread(video_out.write_bytes, b"mp4")
        await asyncio.to_thread(preview_out.write_bytes, b"\xff\xd8jpeg")
        return asked.source_end_ts - asked.source_start_ts


class World:
    def __init__(self, tmp_path: Path, renderer: FakeRenderer) -> None:
        self.store = InMemoryEventStore("media")
        self.blobs = LocalBlobStore(tmp_path / "blobs")
        self.handlers = AiEditHandlers(self.store)
        self.job = AiEditJob(self.handlers, self.blobs, {"offline": renderer}, lambda: NOW)

    async def requested(self) -> RecordedEvent:
        await self.blobs.put_bytes(KEY, b"the source clip")
        await self.handlers.request(request(), correlation_id="corr-1")
        return (await self.recorded())[0]

    async def recorded(self) -> list[RecordedEvent]:
        return await self.store.read_stream(ai_edit_stream_id(JOB))


async def test_a_job_renders_each_variant_then_completes(tmp_path: Path) -> None:
    renderer = FakeRenderer()
    world = World(tmp_path, renderer)
    trigger = await world.requested()
    await world.job(trigger, FIRST)
    assert [e.type for e in await world.recorded()] == [
        "AiEditRequested", "AiEditStarted", "VariantRendered", "VariantRendered",
        "AiEditCompleted"]
    assert renderer.rendered == [0, 1]
    for variant_id in (V1, V2):
        video, preview = variant_keys(PROJ, JOB, variant_id)
        assert await world.blobs.exists(video)
        assert await world.blobs.exists(preview)
    # A redelivery of a finished job does nothing.
    await world.job(trigger, Delivery(2, 5))
    assert len(await world.recorded()) == 5
    assert renderer.rendered == [0, 1]


async def test_a_resumed_job_renders_only_what_is_missing(tmp_path: Path) -> None:
    renderer = FakeRenderer()
    world = World(tmp_path, renderer)
    trigger = await world.requested()
    # The first delivery stores the first variant, then the second one crashes in a way
    # the renderer does not call final: the error escapes, so the queue retries the job.
    renderer.crash_on = 1
    with pytest.raises(RuntimeError, match="crashed"):
        await world.job(trigger, FIRST)
    renderer.crash_on = None
    await world.job(trigger, Delivery(2, 5))
    assert renderer.rendered == [0, 1]
    types = [e.type for e in await world.recorded()]
    assert types == ["AiEditRequested", "AiEditStarted", "VariantRendered", "VariantRendered",
                     "AiEditCompleted"]


async def test_the_last_delivery_records_the_failure(tmp_path: Path) -> None:
    renderer = FakeRenderer()
    renderer.crash_on = 0
    world = World(tmp_path, renderer)
    await world.job(await world.requested(), Delivery(5, 5))
    assert (await world.recorded())[-1].type == "AiEditFailed"


async def test_a_render_the_renderer_refuses_fails_the_job(tmp_path: Path) -> None:
    world = World(tmp_path, FakeRenderer(fail_on=1))
    await world.job(await world.requested(), FIRST)
    events = await world.recorded()
    assert [e.type for e in events][-2:] == ["VariantRendered", "AiEditFailed"]
    assert b"exit 1" in bytes(events[-1].data)
