"""kill -9 the media service mid-narration, restart it: the job resumes and completes once.

The media service runs as a real process (`python -m media_service`, through the launcher's
Stack) with real Piper TTS. Once some sentences are narrated, and before the narration is
complete, it is killed with SIGKILL, then started again. Its job's message was never acked,
so JetStream redelivers it after `ack_wait` (short here) to the new process, which resumes:
the sentences already recorded are skipped, the rest are spoken, and every step is stored
once (deterministic event ids). Checked in the events table and on the JetStream stream.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from media_service.app.handlers import decode_events
from nats.aio.client import Client
from videogen_bus.connection import connect, drain
from videogen_bus.rpc import ServiceUnavailable, ping, send_command
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.media.commands import PrepareMedia
from videogen_contracts.media.events import (
    SERVICE,
    SentenceNarrated,
    SentenceText,
    stream_id_for,
)
from videogen_contracts.replies import CommandAccepted
from videogen_contracts.subjects import Namespace
from videogen_eventstore.postgres import PostgresEventStore
from videogen_local.infra import free_port
from videogen_local.stack import Stack, stack_env

pytestmark = pytest.mark.slow

TEXT = [
    "The river starts as a trickle high in the mountains.",
    "Snow melts in spring and feeds a thousand small streams.",
    "They join in the valley and the water grows wide and slow.",
    "Fish swim against the current to reach their old homes.",
    "Farmers along the banks have used the water for centuries.",
    "Cities grew where the river could be crossed safely.",
    "Bridges of wood were replaced by bridges of stone and steel.",
    "In the delta the river splits into many quiet channels.",
    "Birds gather there in huge numbers every autumn.",
    "At last the fresh water meets the salty sea.",
]


@pytest.fixture
async def nc(nats_url: str) -> AsyncIterator[Client]:
    client = await connect(nats_url, "media-kill-test")
    yield client
    await drain(client)


@pytest.fixture
async def pool(pg_url: str) -> AsyncIterator[asyncpg.Pool]:
    async with asyncpg.create_pool(pg_url, min_size=1, max_size=2) as p:
        yield p


@pytest.fixture
def media(pg_url: str, nats_url: str, world_id: str, tmp_path: Path) -> Iterator[Stack]:
    env = stack_env(
        pg_url, nats_url, free_port(), world_id,
        VIDEOGEN_DATA_DIR=str(tmp_path / "data"),
        # Redelivery of the killed job after 3 s without a heartbeat; one sentence at a
        # time, so the kill lands mid-narration on this 2-core machine.
        VIDEOGEN_MEDIA_ACK_WAIT="3",
        VIDEOGEN_TTS_PARALLELISM="1",
    )
    stack = Stack(env, log_dir=tmp_path)
    stack.start("media")
    yield stack
    stack.stop()


async def _wait_serving(nc: Client, ns: Namespace) -> None:
    for _ in range(300):
        try:
            await ping(nc, ns, SERVICE, timeout=0.5)
            return
        except ServiceUnavailable:
            await asyncio.sleep(0.1)
    raise AssertionError("the media service never answered")


async def _events(store: PostgresEventStore, production_id: uuid.UUID) -> list[RecordedEvent]:
    return await store.read_stream(stream_id_for(production_id))


async def _wait_for(
    store: PostgresEventStore, production_id: uuid.UUID, done: str, at_least: int = 1
) -> list[RecordedEvent]:
    for _ in range(1200):
        events = await _events(store, production_id)
        if sum(e.type == done for e in events) >= at_least:
            return events
        await asyncio.sleep(0.1)
    raise AssertionError(f"no {at_least} x {done}: {[e.type for e in events]}")


async def test_kill_media_service_mid_narration(
    media: Stack, nc: Client, pool: asyncpg.Pool, world_id: str
) -> None:
    ns = Namespace(world_id)
    store = PostgresEventStore(pool, f"{world_id}_{SERVICE}", SERVICE)
    await _wait_serving(nc, ns)
    command = PrepareMedia(
        command_id=str(uuid.uuid4()), now=datetime.now(UTC), production_id=uuid.uuid4(),
        project_id=uuid.uuid4(),
        # Twenty sentences, one at a time: a few seconds of narration to land the kill in.
        sentences=[SentenceText(sentence_id=uuid.uuid4(), text=t) for t in TEXT * 2],
    )
    reply = await send_command(nc, ns, SERVICE, "prepare_media", command, correlation_id="kill")
    assert isinstance(reply, CommandAccepted), reply

    before = await _wait_for(store, command.production_id, "SentenceNarrated", at_least=2)
    media.kill("media")
    killed_at = Counter(e.type for e in await _events(store, command.production_id))
    assert killed_at["NarrationCompleted"] == 0, "killed too late to test a resume"
    assert len(before) >= 3

    media.start("media")
    events = await _wait_for(store, command.production_id, "VisualsChosen")
    await asyncio.sleep(1.0)  # room for a duplicate to show up, were there one

    events = await _events(store, command.production_id)
    types = Counter(e.type for e in events)
    assert types["NarrationCompleted"] == 1
    assert types["CaptionsCompleted"] == types["VisualsChosen"] == 1
    assert "MediaPreparationFailed" not in types
    narrated = Counter(
        e.sentence_id for e in decode_events(events) if isinstance(e, SentenceNarrated)
    )
    assert narrated == Counter(s.sentence_id for s in command.sentences)
    # The relay published each stored event once (JetStream dedupes by event id).
    assert Counter(await _published_types(nc, ns, command.project_id)) == types


async def _published_types(nc: Client, ns: Namespace, project_id: uuid.UUID) -> list[str]:
    """Everything the relay put on the stream for the project (deduplicated by event id)."""
    js = nc.jetstream()
    sub = await js.subscribe(ns.event_subject(SERVICE, str(project_id), ">"), ordered_consumer=True)
    seen: list[str] = []
    try:
        while True:
            msg = await sub.next_msg(timeout=1.0)
            seen.append(msg.subject.rsplit(".", 1)[-1])
    except TimeoutError:
        pass
    finally:
        await sub.unsubscribe()
    return seen
