"""The relay against real PostgreSQL and real NATS JetStream."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from collections.abc import AsyncIterator, Callable

import asyncpg
import msgspec
import nats.js.errors
import pytest
from nats.aio.client import Client
from nats.js import JetStreamContext
from videogen_bus.connection import connect
from videogen_bus.headers import CAUSATION, CORRELATION, EVENT_TYPE, MSG_ID
from videogen_bus.streams import ensure_stream
from videogen_contracts.envelope import RecordedEvent, decode_recorded
from videogen_contracts.subjects import Namespace
from videogen_eventstore.api import ANY, NO_STREAM, START
from videogen_eventstore.appending import append_to_stream
from videogen_eventstore.checkpoints import load_checkpoint
from videogen_eventstore.pool import create_pool
from videogen_eventstore.postgres import PostgresEventStore
from videogen_eventstore.relay import CHECKPOINT, Relay
from videogen_eventstore.testing import make_event

SERVICE = "project"


@pytest.fixture
async def nc(nats_url: str) -> AsyncIterator[Client]:
    client = await connect(nats_url, "relay-test")
    yield client
    await client.close()


@pytest.fixture
async def js(nc: Client, ns: Namespace) -> AsyncIterator[JetStreamContext]:
    context = nc.jetstream()
    await ensure_stream(context, ns, SERVICE)
    yield context
    await context.delete_stream(ns.stream_name(SERVICE))


class Running:
    """A relay task and its stop switch."""

    def __init__(self, relay: Relay) -> None:
        self.relay = relay
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(relay.run(self.stop))

    async def close(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 5)


StartRelay = Callable[..., Running]


@pytest.fixture
async def start_relay(
    pg_pool: asyncpg.Pool, schema: str, js: JetStreamContext, ns: Namespace
) -> AsyncIterator[StartRelay]:
    started: list[Running] = []

    def start(poll_interval: float = 0.5) -> Running:
        running = Running(Relay(pg_pool, schema, SERVICE, js, ns, poll_interval=poll_interval))
        started.append(running)
        return running

    yield start
    for running in started:
        await running.close()


async def stream_messages(js: JetStreamContext, ns: Namespace) -> list[nats.js.api.RawStreamMsg]:
    stream = ns.stream_name(SERVICE)
    info = await js.stream_info(stream)
    return [await js.get_msg(stream, seq) for seq in range(1, info.state.messages + 1)]


async def test_appended_events_are_published_with_their_ids_and_headers(
    pg_pool: asyncpg.Pool, schema: str, js: JetStreamContext, ns: Namespace, start_relay: StartRelay
) -> None:
    store = PostgresEventStore(pg_pool, schema, SERVICE)
    running = start_relay()
    await store.append(
        "project-1", [make_event("ProjectCreated", project_id="p1", causation_id="c1")], NO_STREAM
    )
    await store.append(
        "project-1", [make_event("CastMemberAdded", project_id="p1") for _ in range(3)], 1
    )
    await store.append("settings", [make_event("SettingsChanged")], ANY)

    await asyncio.wait_for(running.relay.caught_up(), 10)

    stored = await store.read_all(START)
    messages = await stream_messages(js, ns)
    assert len(messages) == len(stored) == 5
    for event, msg in zip(stored, messages, strict=True):
        assert msg.subject == ns.event_subject(SERVICE, event.metadata.project_id, event.type)
        assert msg.headers is not None
        assert msg.headers[MSG_ID] == str(event.event_id)
        assert msg.headers[EVENT_TYPE] == event.type
        assert msg.headers[CORRELATION] == event.metadata.correlation_id
        assert msg.headers.get(CAUSATION) == event.metadata.causation_id
        assert _same(decode_recorded(msg.data or b""), event)
    assert messages[-1].subject == ns.event_subject(SERVICE, None, "SettingsChanged")
    assert await load_checkpoint(pg_pool, schema, CHECKPOINT) == running.relay.position


def _same(a: RecordedEvent, b: RecordedEvent) -> bool:
    return msgspec.json.encode(a) == msgspec.json.encode(b)


async def test_notify_wakes_the_relay_long_before_its_poll(
    pg_pool: asyncpg.Pool, schema: str, start_relay: StartRelay
) -> None:
    store = PostgresEventStore(pg_pool, schema, SERVICE)
    running = start_relay(poll_interval=60)
    await asyncio.sleep(0.2)  # let it settle into its (60 s) sleep

    await store.append("s", [make_event()], NO_STREAM)
    # An append inside a caller's transaction notifies at that transaction's commit.
    async with pg_pool.acquire() as conn, conn.transaction():
        await append_to_stream(conn, schema, "t", [make_event()], NO_STREAM)

    await asyncio.wait_for(running.relay.caught_up(), 2)
    assert running.relay.published == 2


async def test_a_new_relay_resumes_from_the_checkpoint(
    pg_pool: asyncpg.Pool, schema: str, js: JetStreamContext, ns: Namespace, start_relay: StartRelay
) -> None:
    store = PostgresEventStore(pg_pool, schema, SERVICE)
    first = start_relay()
    await store.append("s", [make_event() for _ in range(10)], NO_STREAM)
    await asyncio.wait_for(first.relay.caught_up(), 10)
    await first.close()

    await store.append("s", [make_event() for _ in range(5)], 10)
    second = start_relay()
    await asyncio.wait_for(second.relay.caught_up(), 10)

    # Nothing re-published: not even a duplicate the stream would have dropped.
    assert (second.relay.published, second.relay.duplicates) == (5, 0)
    assert len(await stream_messages(js, ns)) == 15


async def test_a_restarted_relay_with_nothing_to_publish_is_caught_up(
    pg_pool: asyncpg.Pool, schema: str, start_relay: StartRelay
) -> None:
    store = PostgresEventStore(pg_pool, schema, SERVICE)
    first = start_relay()
    await store.append("s", [make_event() for _ in range(3)], NO_STREAM)
    await asyncio.wait_for(first.relay.caught_up(), 10)
    await first.close()

    second = start_relay()

    assert await asyncio.wait_for(second.relay.caught_up(), 5) == first.relay.position
    assert second.relay.published == 0


async def test_only_one_relay_per_schema_publishes(
    pg_pool: asyncpg.Pool, schema: str, js: JetStreamContext, ns: Namespace, start_relay: StartRelay
) -> None:
    store = PostgresEventStore(pg_pool, schema, SERVICE)
    relays = [start_relay(poll_interval=0.05), start_relay(poll_interval=0.05)]
    for i in range(20):
        await store.append(f"s-{i}", [make_event()], NO_STREAM)

    leader = await _leader(relays)
    await asyncio.wait_for(leader.relay.caught_up(), 10)

    assert sum(r.relay.published for r in relays) == 20
    assert sum(r.relay.duplicates for r in relays) == 0
    # The standby takes over when the leader stops.
    await leader.close()
    [standby] = [r for r in relays if r is not leader]
    await store.append("after", [make_event()], NO_STREAM)
    await asyncio.wait_for(standby.relay.caught_up(), 10)
    assert len(await stream_messages(js, ns)) == 21


async def _leader(relays: list[Running]) -> Running:
    async with asyncio.timeout(5):
        while True:
            leading = [r for r in relays if r.relay.leading]
            if leading:
                assert len(leading) == 1
                return leading[0]
            await asyncio.sleep(0.01)


async def _relay_lock_holders(pool: asyncpg.Pool, schema: str) -> list[int]:
    """The backends holding the schema's relay lock (a session advisory lock on a bigint
    key: its high half is `classid`, its low half `objid`)."""
    rows = await pool.fetch(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1"
        " AND ((classid::bigint << 32) | objid::bigint)"
        " = hashtextextended('videogen.relay/' || $1, 0)", schema,
    )
    return [row["pid"] for row in rows]


async def test_a_leader_whose_server_stops_answering_does_not_keep_the_lock(
    pg_url: str, pg_pool: asyncpg.Pool, schema: str, js: JetStreamContext, ns: Namespace
) -> None:
    # The service's own pool: connections go back without a reset, so a session given back
    # holding the lock keeps it. The server stops answering for longer than the command
    # timeout (1 s): the relay's read times out, then the first statement of its unlock
    # does; the server answers again while asyncpg still waits for that cancellation, so
    # the session survives, and would go back to the pool with the lock.
    name = f"relay-{schema}"
    pool = await create_pool(
        pg_url, min_size=2, max_size=2, command_timeout=1.0,
        server_settings={"application_name": name},
    )
    relay = Relay(pool, schema, SERVICE, js, ns, poll_interval=0.1, max_backoff=0.2)
    running = Running(relay)
    try:
        await _eventually(lambda: relay.leading)
        assert len(await _relay_lock_holders(pg_pool, schema)) == 1
        # What a SIGSTOP of the whole server does to this pool: none of its sessions answers.
        stopped = [row["pid"] for row in await pg_pool.fetch(
            "SELECT pid FROM pg_stat_activity WHERE application_name = $1", name
        )]
        for pid in stopped:
            os.kill(pid, signal.SIGSTOP)
        try:
            await _eventually(lambda: not relay.leading)
            await asyncio.sleep(1.4)  # into the unlock's cancellation (from 1 s to 2 s)
        finally:
            for pid in stopped:
                os.kill(pid, signal.SIGCONT)
        store = PostgresEventStore(pool, schema, SERVICE)
        for i in range(5):  # through each of the pool's connections
            await store.append(f"after-{i}", [make_event()], NO_STREAM)
        await asyncio.wait_for(relay.caught_up(), 10)
        assert len(await stream_messages(js, ns)) == 5
    finally:
        await running.close()
    try:
        # Stopped, the relay holds nothing: no session of the pool kept the lock.
        async with asyncio.timeout(5):
            while await _relay_lock_holders(pg_pool, schema):  # noqa: ASYNC110 - a query
                await asyncio.sleep(0.05)
    finally:
        await pool.close()


async def test_without_a_stream_the_relay_retries_and_loses_nothing(
    pg_pool: asyncpg.Pool, schema: str, nc: Client, start_relay: StartRelay
) -> None:
    ns = Namespace("t" + uuid.uuid4().hex[:10])  # no stream exists for this one yet
    js = nc.jetstream()
    store = PostgresEventStore(pg_pool, schema, SERVICE)
    relay = Relay(pg_pool, schema, SERVICE, js, ns, publish_timeout=0.5, max_backoff=0.2)
    running = Running(relay)
    try:
        await store.append("s", [make_event() for _ in range(3)], NO_STREAM)
        await _eventually(lambda: relay.failures >= 2)
        assert relay.published == 0
        assert await load_checkpoint(pg_pool, schema, CHECKPOINT) == START

        await ensure_stream(js, ns, SERVICE)
        await asyncio.wait_for(relay.caught_up(), 10)
        assert len(await stream_messages(js, ns)) == 3
    finally:
        await running.close()
        await js.delete_stream(ns.stream_name(SERVICE))


async def _eventually(condition: Callable[[], bool], within: float = 5.0) -> None:
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110 - polling a plain attribute
            await asyncio.sleep(0.02)
