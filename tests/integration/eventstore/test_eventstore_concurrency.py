"""Many concurrent writers, rollbacks, one long transaction, and a tailing reader.

The reader follows `read_all` from its own checkpoint while the writers run. It must see
every committed event exactly once and nothing rolled back, even though one transaction
stays open for 2 s after taking a low global position (a reader that filtered on
`global_position > checkpoint` would skip that event for good), and conflicting appends to
one stream must be reported as `WrongExpectedVersion`.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field

import asyncpg
import pytest
from videogen_contracts.envelope import NewEvent, RecordedEvent
from videogen_eventstore.api import NO_STREAM, START, EventStore, WrongExpectedVersion, position_of
from videogen_eventstore.appending import append_to_stream
from videogen_eventstore.memory import InMemoryEventStore
from videogen_eventstore.postgres import PostgresEventStore
from videogen_eventstore.testing import make_event


class Rollback(Exception):
    pass


@dataclass
class World:
    store: EventStore
    writers: int
    events_per_writer: int
    # Postgres only: append inside a transaction that then rolls back / stays open.
    append_then_roll_back: Callable[[str, list[NewEvent], int], Awaitable[None]] | None = None
    hold_open: Callable[[asyncio.Event], Coroutine[None, None, tuple[NewEvent, int]]] | None = None


@dataclass
class Ledger:
    committed: set[uuid.UUID] = field(default_factory=set)
    rolled_back: set[uuid.UUID] = field(default_factory=set)


def _postgres_world(pool: asyncpg.Pool, schema: str) -> World:
    async def append_then_roll_back(stream: str, events: list[NewEvent], expected: int) -> None:
        try:
            async with pool.acquire() as conn, conn.transaction():
                await append_to_stream(conn, schema, stream, events, expected)
                raise Rollback
        except Rollback:
            pass

    async def hold_open(inserted: asyncio.Event) -> tuple[NewEvent, int]:
        """Returns the held event and how many events with a higher global position had
        committed (visible to any reader) while it was still open."""
        event = make_event("HeldOpen")
        async with pool.acquire() as conn, conn.transaction():
            result = await append_to_stream(conn, schema, "held-1", [event], NO_STREAM)
            inserted.set()
            await asyncio.sleep(2.0)
            overtaken: int = await pool.fetchval(
                f'SELECT count(*) FROM "{schema}".events WHERE global_position > $1',
                result.global_position,
            )
        return event, overtaken

    store = PostgresEventStore(pool, schema, "project")
    return World(store, 32, 200, append_then_roll_back, hold_open)


@pytest.fixture(params=["memory", "postgres"])
def world(request: pytest.FixtureRequest, schema: str) -> World:
    if request.param == "memory":
        return World(InMemoryEventStore("project"), 8, 50)
    return _postgres_world(request.getfixturevalue("pg_pool"), schema)


async def _writer(world: World, w: int, ledger: Ledger, rng: random.Random) -> None:
    """Appends `events_per_writer` committed events over a few streams of its own."""
    versions: dict[str, int] = {}
    written = 0
    while written < world.events_per_writer:
        stream = f"w{w}-{rng.randrange(4)}"
        expected = versions.get(stream, NO_STREAM)
        size = min(rng.choice((1, 1, 1, 1, 2, 3)), world.events_per_writer - written)
        events = [make_event(n=written + i) for i in range(size)]
        if world.append_then_roll_back is not None and rng.random() < 0.05:
            await world.append_then_roll_back(stream, events, expected)
            ledger.rolled_back.update(e.event_id for e in events)
            continue
        result = await world.store.append(stream, events, expected)
        versions[stream] = result.stream_version
        ledger.committed.update(e.event_id for e in events)
        written += size


async def _contest(store: EventStore, stream: str, ledger: Ledger) -> int:
    """Two writers, same stream, same expected version: exactly one may win."""
    a, b = make_event(), make_event()
    outcomes = await asyncio.gather(
        store.append(stream, [a], NO_STREAM),
        store.append(stream, [b], NO_STREAM),
        return_exceptions=True,
    )
    conflicts = [o for o in outcomes if isinstance(o, WrongExpectedVersion)]
    assert len(conflicts) == 1, outcomes
    assert conflicts[0].actual == 1
    winner = a if not isinstance(outcomes[0], BaseException) else b
    ledger.committed.add(winner.event_id)
    ledger.rolled_back.add(b.event_id if winner is a else a.event_id)
    return len(conflicts)


async def _tail(store: EventStore, writers_done: asyncio.Event) -> list[RecordedEvent]:
    seen: list[RecordedEvent] = []
    position = START
    while True:
        finished = writers_done.is_set()
        page = await store.read_all(position, limit=300)
        if page:
            seen += page
            position = position_of(page[-1])
        elif finished:
            return seen  # everything had committed before this last, empty read
        else:
            await asyncio.sleep(0.002)


async def test_tailing_reader_sees_every_committed_event_exactly_once(world: World) -> None:
    ledger = Ledger()
    done = asyncio.Event()
    reader = asyncio.create_task(_tail(world.store, done))
    held: asyncio.Task[tuple[NewEvent, int]] | None = None
    if world.hold_open is not None:
        inserted = asyncio.Event()
        held = asyncio.create_task(world.hold_open(inserted))
        await inserted.wait()

    rng = random.Random(20261122)
    writers = [_writer(world, w, ledger, random.Random(rng.random())) for w in range(world.writers)]
    contests = [_contest(world.store, f"contested-{i}", ledger) for i in range(20)]
    conflicts = await asyncio.gather(*writers, *contests)
    if held is not None:
        held_event, overtaken = await held
        ledger.committed.add(held_event.event_id)
        # Others committed past it in global_position while it was open: a reader going
        # by global_position alone would have moved beyond it and skipped it for good.
        assert overtaken > 100
    done.set()
    seen = await reader

    seen_ids = [e.event_id for e in seen]
    assert len(seen_ids) == len(set(seen_ids)), "an event was delivered twice"
    assert set(seen_ids) == ledger.committed, "an event was skipped (or invented)"
    assert not set(seen_ids) & ledger.rolled_back
    expected_count = world.writers * world.events_per_writer + 20 + (held is not None)
    assert len(ledger.committed) == expected_count
    assert sum(c for c in conflicts if c) == 20
    positions = [position_of(e) for e in seen]
    assert positions == sorted(positions)
