"""Several streams appended as one unit, on both atomic appenders: all or nothing, and
units racing for the same streams are each decided on what the other wrote."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import asyncpg
import msgspec
import pytest
from videogen_contracts.envelope import EventMetadata
from videogen_eventstore.api import NO_STREAM, EventStore, WrongExpectedVersion
from videogen_eventstore.decider import Aggregate, Streams
from videogen_eventstore.memory import InMemoryEventStore
from videogen_eventstore.multi_stream import (
    AtomicAppender,
    InMemoryAtomicAppender,
    Part,
    PostgresAtomicAppender,
    run_together,
)
from videogen_eventstore.postgres import PostgresEventStore
from videogen_eventstore.testing import make_event


class Take(msgspec.Struct, frozen=True):
    count: int


class Taken(msgspec.Struct, frozen=True, tag_field="type", tag="Taken"):
    count: int


def take(command: Take, left: int) -> list[Taken]:
    if command.count > left:
        raise ValueError(f"only {left} left")
    return [Taken(command.count)]


# A stock of 10 per stream; each unit takes from two streams at once.
STOCK = Aggregate(
    "stock",
    lambda key: f"stock-{key}",
    take,
    lambda left, event: left - event.count,
    10,
    msgspec.json.Decoder(Taken),
    max_retries=20,
)


@dataclass
class World:
    store: EventStore
    appender: AtomicAppender


@pytest.fixture(params=["memory", "postgres"])
def world(request: pytest.FixtureRequest, pg_pool: asyncpg.Pool, schema: str) -> World:
    if request.param == "memory":
        store = InMemoryEventStore("stock")
        return World(store, InMemoryAtomicAppender(store))
    return World(
        PostgresEventStore(pg_pool, schema, "stock"), PostgresAtomicAppender(pg_pool, schema)
    )


async def test_a_conflict_on_any_stream_appends_to_none(world: World) -> None:
    await world.store.append("b", [make_event()], NO_STREAM)

    with pytest.raises(WrongExpectedVersion):
        await world.appender.append_all(
            [("a", [make_event()], NO_STREAM), ("b", [make_event()], NO_STREAM)]
        )

    assert await world.store.read_stream("a") == []
    assert len(await world.store.read_stream("b")) == 1


async def test_racing_units_are_each_decided_once_on_what_the_others_wrote(world: World) -> None:
    streams = Streams(world.store)

    async def unit(i: int) -> None:
        parts = [Part(STOCK, 1, [Take(1)]), Part(STOCK, 2, [Take(2)])]
        await run_together(
            streams,
            world.appender,
            parts,
            command_id=f"unit-{i}",
            metadata=EventMetadata(correlation_id="corr"),
        )

    await asyncio.gather(*(unit(i) for i in range(5)))
    await unit(0)  # a repeat: its first result, nothing appended

    one, _ = await streams.load(STOCK, 1)
    two, _ = await streams.load(STOCK, 2)
    assert (one, two) == (5, 0)
    assert [r.stream_version for r in await world.store.read_stream("stock-2")] == [1, 2, 3, 4, 5]
