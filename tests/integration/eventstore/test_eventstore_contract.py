"""The EventStore contract, run on both stores: in-memory and real PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec
import pytest
from videogen_eventstore.api import (
    ANY,
    NO_STREAM,
    START,
    EventStore,
    Position,
    WrongExpectedVersion,
    position_of,
)
from videogen_eventstore.errors import DuplicateEventId
from videogen_eventstore.memory import InMemoryEventStore
from videogen_eventstore.postgres import PostgresEventStore
from videogen_eventstore.testing import make_event


@pytest.fixture(params=["memory", "postgres"])
def store(request: pytest.FixtureRequest, schema: str) -> EventStore:
    if request.param == "memory":
        return InMemoryEventStore("project")
    return PostgresEventStore(request.getfixturevalue("pg_pool"), schema, "project")


async def test_append_then_read_stream_round_trips_every_field(store: EventStore) -> None:
    event = make_event("ProjectCreated", n=7, project_id="p1", causation_id="cause")

    result = await store.append("project-1", [event], NO_STREAM)

    assert result.written
    assert result.stream_version == 1
    [got] = await store.read_stream("project-1")
    assert got.service == "project"
    assert (got.stream_id, got.stream_version) == ("project-1", 1)
    assert got.global_position == result.global_position
    assert (got.event_id, got.type, got.schema_version) == (event.event_id, "ProjectCreated", 1)
    assert got.metadata == event.metadata
    assert msgspec.json.decode(got.data) == msgspec.json.decode(event.data)
    assert isinstance(got.recorded_at, datetime)
    assert got.recorded_at.tzinfo is not None


async def test_a_batch_gets_consecutive_versions_and_read_stream_can_start_later(
    store: EventStore,
) -> None:
    await store.append("s", [make_event(n=1)], NO_STREAM)
    result = await store.append("s", [make_event(n=i) for i in (2, 3, 4)], 1)

    assert result.stream_version == 4
    events = await store.read_stream("s")
    assert [e.stream_version for e in events] == [1, 2, 3, 4]
    assert [msgspec.json.decode(e.data)["n"] for e in events] == [1, 2, 3, 4]
    assert result.global_position == events[-1].global_position
    assert [e.stream_version for e in await store.read_stream("s", from_version=3)] == [3, 4]
    assert await store.read_stream("unknown") == []


async def test_expected_version_conflicts_are_detected(store: EventStore) -> None:
    await store.append("s", [make_event(), make_event()], NO_STREAM)

    with pytest.raises(WrongExpectedVersion) as stale:
        await store.append("s", [make_event()], 1)
    with pytest.raises(WrongExpectedVersion) as exists:
        await store.append("s", [make_event()], NO_STREAM)
    with pytest.raises(WrongExpectedVersion) as missing:
        await store.append("other", [make_event()], 3)

    assert (stale.value.expected, stale.value.actual) == (1, 2)
    assert (exists.value.expected, exists.value.actual) == (NO_STREAM, 2)
    assert (missing.value.stream_id, missing.value.actual) == ("other", 0)
    assert len(await store.read_stream("s")) == 2
    assert await store.read_stream("other") == []


async def test_any_skips_the_version_check(store: EventStore) -> None:
    await store.append("s", [make_event()], ANY)
    result = await store.append("s", [make_event()], ANY)

    assert result.stream_version == 2


async def test_repeating_an_append_is_an_idempotent_no_op(store: EventStore) -> None:
    single = make_event()
    batch = [make_event(), make_event()]
    first = await store.append("s", [single], NO_STREAM)
    second = await store.append("s", batch, 1)

    # Repeated with the (now stale) expected versions the first attempts used.
    again_single = await store.append("s", [single], NO_STREAM)
    again_batch = await store.append("s", batch, 1)

    assert not again_single.written
    assert (again_single.stream_version, again_single.global_position) == (
        first.stream_version,
        first.global_position,
    )
    assert not again_batch.written
    assert (again_batch.stream_version, again_batch.global_position) == (
        second.stream_version,
        second.global_position,
    )
    assert len(await store.read_stream("s")) == 3


async def test_reusing_event_ids_otherwise_is_an_error(store: EventStore) -> None:
    a, b = make_event(), make_event()
    await store.append("s", [a, b], NO_STREAM)

    with pytest.raises(DuplicateEventId):
        await store.append("elsewhere", [a], ANY)
    with pytest.raises(DuplicateEventId):
        await store.append("s", [a, make_event()], ANY)
    twice = make_event()
    with pytest.raises(DuplicateEventId):
        await store.append("s", [twice, twice], ANY)
    with pytest.raises(ValueError, match="nothing to append"):
        await store.append("s", [], ANY)

    assert len(await store.read_stream("s")) == 2
    assert await store.read_stream("elsewhere") == []


async def test_read_all_returns_events_of_all_streams_in_commit_order(store: EventStore) -> None:
    ids = []
    for i in range(6):
        event = make_event(n=i)
        ids.append(event.event_id)
        await store.append(f"s-{i % 3}", [event], ANY)

    everything = await store.read_all(START, limit=100)

    assert [e.event_id for e in everything] == ids
    positions = [position_of(e) for e in everything]
    assert positions == sorted(positions)
    assert len(set(positions)) == len(positions)
    page = await store.read_all(positions[1], limit=2)
    assert [e.event_id for e in page] == ids[2:4]
    assert await store.read_all(positions[-1]) == []


async def test_read_all_pages_through_a_big_batch(store: EventStore) -> None:
    events = [make_event(n=i) for i in range(25)]
    await store.append("big", events, NO_STREAM)

    seen: list[uuid.UUID] = []
    position = START
    while page := await store.read_all(position, limit=10):
        seen += [e.event_id for e in page]
        position = position_of(page[-1])

    assert seen == [e.event_id for e in events]


async def test_head_is_the_position_of_the_last_visible_event(store: EventStore) -> None:
    assert await store.head() == START

    await store.append("a", [make_event()], NO_STREAM)
    await store.append("b", [make_event(), make_event()], NO_STREAM)

    [*_, last] = await store.read_all(START)
    head = await store.head()
    assert head == position_of(last)
    assert head > Position(0, 0)
