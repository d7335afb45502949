"""The production process manager on real PostgreSQL and NATS, with the project and script
services running in-process in a world of their own (namespace + schemas).

The media and export services are NOT started here: their boundary is played by FAKES,
clearly labelled below, which record the commands the process manager sends and publish
the events those services would publish into their JetStream streams. That keeps this test
about orchestration (and fast); the real services have their own tests, and the e2e suite
runs the whole stack.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
import pytest
from nats.aio.client import Client
from project_service.bootstrap import ProjectService, start_project_service
from project_service.domain.production.decider import fold
from script_service.bootstrap import ScriptService, start_script_service
from videogen_bus.connection import connect, drain
from videogen_bus.headers import event_headers
from videogen_bus.rpc import send_command, serve_commands
from videogen_contracts.envelope import EventMetadata, RecordedEvent, encode_recorded, to_raw
from videogen_contracts.export.commands import RenderTimeline
from videogen_contracts.export.events import RenderCompleted
from videogen_contracts.media.commands import PrepareMedia
from videogen_contracts.media.events import (
    CaptionsCompleted,
    ChosenVisual,
    NarratedSentence,
    NarrationCompleted,
    ProceduralSpec,
    VisualsChosen,
)
from videogen_contracts.project.production import (
    ProductionEvent,
    ProductionStage,
    event_decoder,
    stream_id_for,
)
from videogen_contracts.replies import CommandAccepted, CommandReply
from videogen_contracts.script.events import ScriptDrafted, studio_script_id
from videogen_contracts.script.events import event_decoder as script_decoder
from videogen_contracts.script.events import stream_id_for as script_stream
from videogen_contracts.subjects import Namespace
from videogen_runtime.settings import Settings

pytestmark = pytest.mark.timeout(60)

TEXT = (
    'Dr. Smith measured 3.5 litres of water, e.g. for the test. "Is it enough?" she asked... '
    "Nobody knew.\n\n"
    "東京は大きい。本当に大きい\uff01 Then came the rain 🌧️ and it stopped."
)


@pytest.fixture
async def services(
    pg_url: str, nats_url: str, world_id: str
) -> AsyncIterator[tuple[ProjectService, ScriptService]]:
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id)
    async with AsyncExitStack() as stack:
        script = await start_script_service(settings, stack)
        project = await start_project_service(settings, stack)
        yield project, script


@pytest.fixture
async def nc(nats_url: str) -> AsyncIterator[Client]:
    client = await connect(nats_url, "production-flow-test")
    yield client
    await drain(client)


Handler = Callable[[bytes, Mapping[str, str]], Awaitable[CommandReply]]


class FakeBoundary:
    """FAKE media and export services: they accept and record `prepare_media` and
    `render_timeline`, and publish events into VG_MEDIA / VG_EXPORT as those services do."""

    def __init__(self, nc: Client, ns: Namespace) -> None:
        self.nc, self.ns = nc, ns
        self.received: dict[str, list[bytes]] = {"prepare_media": [], "render_timeline": []}

    async def serve(self, stack: AsyncExitStack) -> None:
        for service, command in (("media", "prepare_media"), ("export", "render_timeline")):
            handlers = {command: self._record(command)}
            server = await serve_commands(self.nc, self.ns, service, handlers)
            stack.push_async_callback(server.close)

    def _record(self, command: str) -> Handler:
        async def handle(data: bytes, headers: Mapping[str, str]) -> CommandReply:
            self.received[command].append(data)
            return CommandAccepted(stream_id=f"fake-{command}", stream_version=1, global_position=1)

        return handle

    async def publish(self, service: str, event: msgspec.Struct, project_id: UUID) -> None:
        recorded = RecordedEvent(
            service=service, global_position=1, transaction_id=1, stream_id=f"fake-{service}",
            stream_version=1, event_id=uuid.uuid4(), type=type(event).__name__,
            schema_version=1, data=to_raw(event),
            metadata=EventMetadata(correlation_id="fake", project_id=str(project_id)),
            recorded_at=datetime.now(UTC),
        )
        subject = self.ns.event_subject(service, str(project_id), recorded.type)
        await self.nc.jetstream().publish(
            subject, encode_recorded(recorded), headers=event_headers(recorded)
        )


@pytest.fixture
async def fakes(nc: Client, world_id: str) -> AsyncIterator[FakeBoundary]:
    boundary = FakeBoundary(nc, Namespace(world_id))
    async with AsyncExitStack() as stack:
        await boundary.serve(stack)
        yield boundary


def start_body(job: UUID, command_id: str) -> dict[str, Any]:
    return {
        "command_id": command_id, "now": datetime.now(UTC).isoformat(), "production_id": str(job),
        "project_id": str(job), "kind": "text2video", "text": TEXT,
    }


async def start(nc: Client, ns: Namespace, job: UUID, command_id: str) -> CommandAccepted:
    reply = await send_command(
        nc, ns, "project", "start_production", msgspec.json.encode(start_body(job, command_id)),
        correlation_id=f"corr-{job}",
    )
    assert isinstance(reply, CommandAccepted), reply
    return reply


async def history(project: ProjectService, job: UUID) -> list[ProductionEvent]:
    recorded = await project.plumbing.store.read_stream(stream_id_for(job))
    return [event_decoder.decode(r.data) for r in recorded]


async def wait_for(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Poll `check` for up to 20 s."""
    for _ in range(1000):
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting: {what}")


async def stage_of(project: ProjectService, job: UUID) -> ProductionStage | None:
    events = await history(project, job)
    return fold(events).stage if events else None


async def test_start_production_drafts_the_script_and_asks_media_to_prepare(
    services: tuple[ProjectService, ScriptService], nc: Client, fakes: FakeBoundary
) -> None:
    project, script = services
    job = uuid.uuid4()
    first = await start(nc, project.plumbing.namespace, job, "start-1")
    again = await start(nc, project.plumbing.namespace, job, "start-1")
    assert again.duplicate
    assert again.stream_version == first.stream_version

    async def narrating() -> bool:
        return await stage_of(project, job) == "narrating" and bool(fakes.received["prepare_media"])

    await wait_for(narrating, "the production reaches narrating and prepare_media is sent")

    # The job drafts its project's studio script (the project is the job's: same id).
    recorded = await script.plumbing.store.read_stream(script_stream(studio_script_id(job)))
    assert [r.type for r in recorded] == ["ScriptDrafted"]
    drafted = script_decoder.decode(recorded[0].data)
    assert isinstance(drafted, ScriptDrafted)
    assert [[n.text for n in s.sentences] for s in drafted.sections] == [
        [
            "Dr. Smith measured 3.5 litres of water, e.g. for the test.",
            '"Is it enough?" she asked...',
            "Nobody knew.",
        ],
        ["東京は大きい。", "本当に大きい\uff01", "Then came the rain 🌧️ and it stopped."],
    ]
    prepare = msgspec.json.decode(fakes.received["prepare_media"][0], type=PrepareMedia)
    sentence_ids = [n.sentence_id for s in drafted.sections for n in s.sentences]
    assert [s.sentence_id for s in prepare.sentences] == sentence_ids
    assert (prepare.production_id, prepare.project_id) == (job, job)
    assert (prepare.render.width, prepare.render.height) == (1280, 720)


async def test_the_process_manager_drives_a_production_to_completed_once(
    services: tuple[ProjectService, ScriptService], nc: Client, fakes: FakeBoundary
) -> None:
    project, _ = services
    job = uuid.uuid4()
    await start(nc, project.plumbing.namespace, job, "start-2")
    await wait_for(lambda: _has(fakes, "prepare_media"), "prepare_media sent")
    prepare = msgspec.json.decode(fakes.received["prepare_media"][0], type=PrepareMedia)
    ids = [s.sentence_id for s in prepare.sentences]
    now = datetime.now(UTC)

    items = [NarratedSentence(sentence_id=i, key=f"narration/{job}/{i}.wav", duration_s=1.0)
             for i in ids]
    await fakes.publish("media", NarrationCompleted(
        production_id=job, project_id=job, items=items, total_duration_s=len(ids),
        completed_at=now), job)
    await fakes.publish("media", CaptionsCompleted(
        production_id=job, project_id=job, ass_key=f"captions/{job}.ass",
        srt_key=f"captions/{job}.srt", cues=[], completed_at=now), job)
    visuals = [ChosenVisual(sentence_id=i, keywords=["rain"], kind="procedural",
                            spec=ProceduralSpec(style="gradient", palette=["#102030", "#405060"]))
               for i in ids]
    await fakes.publish("media", VisualsChosen(
        production_id=job, project_id=job, visuals=visuals, chosen_at=now), job)
    await wait_for(lambda: _has(fakes, "render_timeline"), "render_timeline sent")
    render = msgspec.json.decode(fakes.received["render_timeline"][0], type=RenderTimeline)
    assert [c.clip_id for c in render.clips] == ids
    assert render.output_key == f"videos/{job}.mp4"

    done = RenderCompleted(
        render_id=job, project_id=job, production_id=job, video_key=render.output_key,
        subtitle_key=render.subtitle_key, duration_s=6.0, size_bytes=4096, completed_at=now,
    )
    await fakes.publish("export", done, job)
    await fakes.publish("export", done, job)  # a duplicate delivery (new event id) of the same
    await wait_for(lambda: _stage_is(project, job, "completed"), "completed")
    await asyncio.sleep(0.3)  # let any duplicate effect land before we count

    events = await history(project, job)
    progress = [e.progress for e in events if hasattr(e, "progress")]
    assert progress == sorted(progress)
    assert [type(e).__name__ for e in events].count("ProductionCompleted") == 1
    assert len(fakes.received["render_timeline"]) == 1
    assert len(fakes.received["prepare_media"]) == 1
    assert await _tracked(project, "production-pm") >= 6


async def _has(fakes: FakeBoundary, command: str) -> bool:
    return bool(fakes.received[command])


async def _stage_is(project: ProjectService, job: UUID, stage: ProductionStage) -> bool:
    return await stage_of(project, job) == stage


async def _tracked(project: ProjectService, consumer: str) -> int:
    pool: asyncpg.Pool = project.plumbing.pool
    count: int = await pool.fetchval(
        f'SELECT count(*) FROM "{project.plumbing.schema}".tracking WHERE consumer = $1', consumer
    )
    return count


async def test_a_production_survives_a_restart_and_a_late_script_service(
    pg_url: str, nats_url: str, world_id: str, nc: Client, fakes: FakeBoundary
) -> None:
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id)
    ns = Namespace(world_id)
    job = uuid.uuid4()
    async with AsyncExitStack() as first_life:
        project = await start_project_service(settings, first_life)
        await start(nc, ns, job, "start-3")
        # No script service yet: draft_script_from_text has no responder, the process
        # manager leaves the event unacknowledged and retries with a backoff.
        await wait_for(lambda: _stage_is(project, job, "scripting"), "scripting")
        await asyncio.sleep(0.5)
    async with AsyncExitStack() as second_life:
        await start_script_service(settings, second_life)
        project = await start_project_service(settings, second_life)
        await wait_for(lambda: _has(fakes, "prepare_media"), "prepare_media after the restart")
        assert await stage_of(project, job) == "narrating"
        await asyncio.sleep(0.3)
        assert len(fakes.received["prepare_media"]) == 1
