"""kill -9 the NATS server in the middle of a burst, restart it, lose and duplicate nothing.

Several writers append 2,000 events while the relay publishes them. Half-way, the test's own
nats-server is killed with SIGKILL and, a moment later, restarted on the same port and data
directory. The relay must wait the outage out and re-publish from its checkpoint; the
stream's duplicate window (Nats-Msg-Id = event_id) must drop what it publishes twice; and a
durable consumer running through it all must end up with every event.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path

import asyncpg
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.js import JetStreamContext
from videogen_bus.connection import connect
from videogen_bus.headers import MSG_ID
from videogen_bus.streams import ensure_stream
from videogen_contracts.subjects import Namespace
from videogen_eventstore.api import NO_STREAM
from videogen_eventstore.migrations import migrate, quote_ident
from videogen_eventstore.postgres import PostgresEventStore
from videogen_eventstore.relay import Relay
from videogen_eventstore.testing import make_event
from videogen_local.infra import Server, start_nats

SERVICE = "project"
WRITERS = 8
EVENTS_PER_WRITER = 250
TOTAL = WRITERS * EVENTS_PER_WRITER


async def _write(store: PostgresEventStore, w: int, appended: set[str]) -> None:
    for i in range(EVENTS_PER_WRITER):
        event = make_event(n=i, project_id=f"p{w}")
        await store.append(f"w-{w}", [event], NO_STREAM if i == 0 else i)
        appended.add(str(event.event_id))
        if i % 25 == 0:
            await asyncio.sleep(0.05)  # spread the burst so the kill lands in the middle


async def _subscribe(
    js: JetStreamContext, ns: Namespace, seen: set[str], stop: asyncio.Event
) -> None:
    """A durable pull consumer that keeps going through the outage (at-least-once)."""
    while not stop.is_set():
        try:
            sub = await js.pull_subscribe(
                ns.stream_subjects(SERVICE),
                durable=ns.durable("test", "sub"),
                stream=ns.stream_name(SERVICE),
            )
            while not stop.is_set():
                with contextlib.suppress(nats.errors.TimeoutError):
                    for msg in await sub.fetch(200, timeout=0.5):
                        seen.add((msg.headers or {})[MSG_ID])
                        await msg.ack()
        except (nats.errors.Error, OSError):
            await asyncio.sleep(0.1)  # server down: try again


async def _eventually(condition: Callable[[], bool], within: float) -> None:
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110 - polling plain state
            await asyncio.sleep(0.02)


async def test_relay_survives_a_nats_kill_mid_burst(
    pg_url: str, schema: str, ns: Namespace, own_nats: Server, tmp_path: Path
) -> None:
    pool = await asyncpg.create_pool(pg_url, min_size=2, max_size=WRITERS + 4)
    await migrate(pool, schema)
    nc: Client = await connect(own_nats.url, "fault-test", reconnect_time_wait=0.1)
    js = nc.jetstream()
    await ensure_stream(js, ns, SERVICE)
    store = PostgresEventStore(pool, schema, SERVICE)
    relay = Relay(pool, schema, SERVICE, js, ns, batch=100, publish_timeout=0.5, max_backoff=0.5)
    stop = asyncio.Event()
    appended: set[str] = set()
    seen: set[str] = set()
    tasks = [
        asyncio.create_task(relay.run(stop)),
        asyncio.create_task(_subscribe(js, ns, seen, stop)),
    ]
    restarted: Server | None = None
    try:
        writers = asyncio.gather(*(_write(store, w, appended) for w in range(WRITERS)))
        await _eventually(lambda: relay.published >= TOTAL // 4, within=20)
        own_nats.kill()
        killed_at, appended_at_kill = relay.published, len(appended)
        # Longer than the relay's publish timeout: publishes buffered by the client, or sent
        # to the dying server, go unacknowledged and the relay must retry from its checkpoint.
        await asyncio.sleep(1.5)
        restarted = start_nats(tmp_path / "nats", port=own_nats.port)
        await writers
        await asyncio.wait_for(relay.caught_up(), 30)
        await _eventually(lambda: len(seen) >= TOTAL, within=30)

        assert killed_at < TOTAL, "the kill should land in the middle of the burst"
        assert relay.failures > 0, "the relay should have noticed the outage"
        print(
            f"killed after {killed_at} published / {appended_at_kill} appended;"
            f" {relay.failures} failed batches, {relay.duplicates} duplicates dropped"
        )
        info = await js.stream_info(ns.stream_name(SERVICE))
        assert info.state.messages == TOTAL  # exactly once in the stream
        assert seen == appended
        assert len(appended) == TOTAL
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        with contextlib.suppress(nats.errors.Error):
            await nc.close()
        if restarted is not None:
            restarted.stop()
        await pool.execute(f"DROP SCHEMA {quote_ident(schema)} CASCADE")
        await pool.close()
