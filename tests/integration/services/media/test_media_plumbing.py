"""The media service in-process on real PostgreSQL and NATS, with fake TTS/captions/visuals.

What is real here: the bootstrap, the prepare_media rpc, the relay publishing to the media
stream, the durable work-queue consumer (bounded concurrency, ack after the last event).
The toolkit is faked so these tests stay fast; test_media_preparation.py runs the real one.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest
from media_service.app.handlers import decode_events
from media_service.bootstrap import MediaService, start_media_service
from media_service.config import MediaConfig
from media_service.workers.preparation import Toolkit
from nats.aio.client import Client
from videogen_bus.connection import connect, drain
from videogen_bus.rpc import send_command
from videogen_contracts.envelope import EventMetadata, RecordedEvent, encode_recorded, to_raw
from videogen_contracts.media.commands import PrepareMedia
from videogen_contracts.media.events import (
    SERVICE,
    SentenceNarrated,
    SentenceText,
    stream_id_for,
)
from videogen_contracts.project.events import ProjectDeleted
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply
from videogen_runtime.settings import Settings

from tests.unit.services.media.fakes import (
    DirBlobs,
    FakeCaptioner,
    FakeNarrator,
    FakeVisuals,
    WaveProbe,
)

DONE = "VisualsChosen"


@dataclass
class World:
    service: MediaService
    nc: Client
    narrator: FakeNarrator

    async def prepare(self, command: PrepareMedia | bytes) -> CommandReply:
        return await send_command(
            self.nc, self.service.plumbing.namespace, SERVICE, "prepare_media", command,
            correlation_id=str(uuid.uuid4()),
        )

    async def types(self, production_id: uuid.UUID) -> list[str]:
        events = await self.service.plumbing.store.read_stream(stream_id_for(production_id))
        return [e.type for e in events]

    async def narration_keys(self, production_id: uuid.UUID) -> list[str]:
        """Where the job stored each sentence's audio, as its events say."""
        recorded = await self.service.plumbing.store.read_stream(stream_id_for(production_id))
        events = decode_events(recorded)
        return [e.key for e in events if isinstance(e, SentenceNarrated)]

    async def wait_done(self, production_id: uuid.UUID) -> list[str]:
        """The stream's event types once the job is done (polling the store: 20 s at most)."""
        for _ in range(400):
            types = await self.types(production_id)
            if DONE in types:
                return types
            await asyncio.sleep(0.05)
        raise AssertionError(f"not done: {types}")


@pytest.fixture
async def world(pg_url: str, nats_url: str, world_id: str, tmp_path: Path) -> AsyncIterator[World]:
    settings = Settings(
        database_url=pg_url, nats_url=nats_url, namespace=world_id, data_dir=tmp_path
    )
    narrator = FakeNarrator(gate=asyncio.Event())
    narrator.gate.set()  # type: ignore[union-attr]
    tools = Toolkit(
        narrator=narrator, probe=WaveProbe(), blobs=DirBlobs(tmp_path / "blobs"),
        captioner=FakeCaptioner(), visuals=FakeVisuals(), clock=lambda: datetime.now(UTC),
    )
    config = MediaConfig(concurrency=2, ack_wait=5.0, tts_parallelism=2)
    nc = await connect(nats_url, "media-test")
    async with AsyncExitStack() as stack:
        service = await start_media_service(settings, stack, config=config, tools=tools)
        yield World(service, nc, narrator)
    await drain(nc)


def prepare_media(sentences: int = 3, command_id: str | None = None) -> PrepareMedia:
    return PrepareMedia(
        command_id=command_id or str(uuid.uuid4()),
        now=datetime.now(UTC),
        production_id=uuid.uuid4(),
        project_id=uuid.uuid4(),
        sentences=[
            SentenceText(sentence_id=uuid.uuid4(), text=f"Sentence number {i} is here.")
            for i in range(sentences)
        ],
    )


async def test_prepare_media_runs_the_job_to_the_end(world: World) -> None:
    command = prepare_media()
    reply = await world.prepare(command)
    assert isinstance(reply, CommandAccepted)
    assert reply.stream_id == stream_id_for(command.production_id)

    types = await world.wait_done(command.production_id)
    assert types.count("SentenceNarrated") == 3
    assert types[-3:] == ["NarrationCompleted", "CaptionsCompleted", "VisualsChosen"]


async def test_the_events_are_published_on_the_media_stream(world: World) -> None:
    command = prepare_media(sentences=2)
    await world.prepare(command)
    await world.wait_done(command.production_id)
    ns = world.service.plumbing.namespace
    js = world.nc.jetstream()
    sub = await js.subscribe(ns.event_subject(SERVICE, str(command.project_id), ">"))
    seen: list[str] = []
    async with asyncio.timeout(10):
        while DONE not in seen:
            msg = await sub.next_msg(timeout=10)
            seen.append(msg.subject.rsplit(".", 1)[-1])
    await sub.unsubscribe()
    assert seen[0] == "MediaPreparationRequested"
    assert seen.count("SentenceNarrated") == 2


async def test_a_resent_prepare_media_is_a_duplicate(world: World) -> None:
    command = prepare_media(command_id="pm-once")
    first = await world.prepare(command)
    again = await world.prepare(command)
    assert isinstance(first, CommandAccepted)
    assert isinstance(again, CommandAccepted)
    assert again.duplicate
    types = await world.wait_done(command.production_id)
    assert types.count("MediaPreparationRequested") == 1


async def test_bad_requests_are_rejected_naming_the_field(world: World) -> None:
    blank = msgspec.structs.replace(
        prepare_media(), sentences=[SentenceText(sentence_id=uuid.uuid4(), text="  ")]
    )
    reply = await world.prepare(blank)
    assert isinstance(reply, CommandRejected)
    assert (reply.code, reply.field) == ("invalid", "sentences[0].text")

    reply = await world.prepare(b'{"command_id": "x"}')
    assert isinstance(reply, CommandRejected)
    assert reply.code == "invalid"

    reply = await world.prepare(b"{not json")
    assert isinstance(reply, CommandRejected)
    assert reply.code == "invalid"


async def test_jobs_beyond_the_concurrency_limit_wait_in_the_stream(world: World) -> None:
    gate = world.narrator.gate
    assert gate is not None
    gate.clear()  # every narration blocks until the gate opens
    commands = [prepare_media(sentences=1) for _ in range(4)]
    for command in commands:
        await world.prepare(command)
    await asyncio.sleep(1.5)  # long enough for a worker without a bound to take all four
    assert world.service.queue.running == 2
    gate.set()
    for command in commands:
        types = await world.wait_done(command.production_id)
        assert types.count("VisualsChosen") == 1


async def test_deleting_the_project_deletes_its_media(world: World) -> None:
    command = prepare_media(sentences=2)
    other = prepare_media(sentences=1)
    for each in (command, other):
        await world.prepare(each)
        await world.wait_done(each.production_id)
    blobs = world.service.tools.blobs
    mine = (await world.narration_keys(command.production_id))[0]
    theirs = (await world.narration_keys(other.production_id))[0]
    assert await blobs.exists(mine)

    await publish_project_deleted(world, command.project_id)
    for _ in range(200):
        if not await blobs.exists(mine):
            break
        await asyncio.sleep(0.05)
    assert not await blobs.exists(mine)
    assert not await blobs.exists(f"captions/{command.production_id}.srt")
    assert await blobs.exists(theirs)


async def publish_project_deleted(world: World, project_id: uuid.UUID) -> None:
    """As the project service's relay would publish it."""
    ns = world.service.plumbing.namespace
    event = ProjectDeleted(project_id=project_id, deleted_at=datetime.now(UTC))
    recorded = RecordedEvent(
        service="project", global_position=1, transaction_id=1,
        stream_id=f"project-{project_id}", stream_version=2, event_id=uuid.uuid4(),
        type="ProjectDeleted", schema_version=1, data=to_raw(event),
        metadata=EventMetadata(correlation_id="c", project_id=str(project_id)),
        recorded_at=datetime.now(UTC),
    )
    await world.nc.jetstream().publish(
        ns.event_subject("project", str(project_id), "ProjectDeleted"), encode_recorded(recorded)
    )


async def test_a_long_job_is_kept_alive_and_not_redelivered(
    pg_url: str, nats_url: str, world_id: str, tmp_path: Path
) -> None:
    """Narration held for 3 s under a 1 s ack_wait: heartbeats keep the job with its worker."""
    settings = Settings(
        database_url=pg_url, nats_url=nats_url, namespace=world_id + "hb", data_dir=tmp_path
    )
    narrator = FakeNarrator(gate=asyncio.Event())
    tools = Toolkit(
        narrator=narrator, probe=WaveProbe(), blobs=DirBlobs(tmp_path / "blobs"),
        captioner=FakeCaptioner(), visuals=FakeVisuals(), clock=lambda: datetime.now(UTC),
    )
    config = MediaConfig(concurrency=2, ack_wait=1.0)
    nc = await connect(nats_url, "media-heartbeat-test")
    try:
        async with AsyncExitStack() as stack:
            service = await start_media_service(settings, stack, config=config, tools=tools)
            world = World(service, nc, narrator)
            command = prepare_media(sentences=2)
            await world.prepare(command)
            await asyncio.sleep(3.0)
            assert service.queue.running == 1  # one job: the message was not handed out again
            assert narrator.gate is not None
            narrator.gate.set()
            await world.wait_done(command.production_id)
            assert sorted(narrator.spoken) == sorted(s.text for s in command.sentences)
    finally:
        await drain(nc)
