"""The shared command handler, on the in-memory store, with a toy counter decider."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import msgspec
import pytest
from msgspec import Struct
from videogen_contracts.envelope import EventMetadata, RecordedEvent, to_raw
from videogen_eventstore.api import AppendResult, WrongExpectedVersion
from videogen_eventstore.command_handler import event_id_for, handle_command
from videogen_eventstore.memory import InMemoryEventStore


class Add(Struct, frozen=True):
    amount: int


class Added(Struct, frozen=True, tag_field="type", tag="Added"):
    amount: int


class LimitReached(Struct, frozen=True, tag_field="type", tag="LimitReached"):
    pass


CounterEvent = Added | LimitReached
LIMIT = 10


class OverLimit(Exception):
    pass


def decide(command: Add, total: int) -> list[CounterEvent]:
    if command.amount == 0:
        return []
    if total + command.amount > LIMIT:
        raise OverLimit(total)
    events: list[CounterEvent] = [Added(command.amount)]
    if total + command.amount == LIMIT:
        events.append(LimitReached())
    return events


def evolve(total: int, event: CounterEvent) -> int:
    return total + event.amount if isinstance(event, Added) else total


_decoder: msgspec.json.Decoder[CounterEvent] = msgspec.json.Decoder(CounterEvent)


def decode(recorded: RecordedEvent) -> CounterEvent:
    return _decoder.decode(recorded.data)


def encode_type(event: CounterEvent) -> tuple[str, msgspec.Raw]:
    return type(event).__name__, to_raw(event)


async def add(store: Any, amount: int, command_id: str, stream: str = "counter-1") -> AppendResult:
    return await handle_command(
        store,
        stream,
        Add(amount),
        decide=decide,
        evolve=evolve,
        initial=0,
        decode=decode,
        encode_type=encode_type,
        metadata=EventMetadata(correlation_id="corr-1"),
        command_id=command_id,
    )


async def total(store: InMemoryEventStore, stream: str = "counter-1") -> int:
    events = [decode(r) for r in await store.read_stream(stream)]
    return sum(e.amount for e in events if isinstance(e, Added))


async def test_given_no_events_when_add_then_added_with_derived_ids() -> None:
    store = InMemoryEventStore("counter")

    result = await add(store, 3, "cmd-1")

    assert (result.stream_version, result.written) == (1, True)
    [recorded] = await store.read_stream("counter-1")
    assert recorded.event_id == event_id_for("cmd-1", 0)
    assert recorded.type == "Added"
    assert recorded.metadata == EventMetadata(correlation_id="corr-1", command_id="cmd-1")


async def test_a_decision_of_several_events_is_appended_at_once() -> None:
    store = InMemoryEventStore("counter")
    await add(store, 4, "cmd-1")

    result = await add(store, 6, "cmd-2")

    assert result.stream_version == 3
    types = [r.type for r in await store.read_stream("counter-1")]
    assert types == ["Added", "Added", "LimitReached"]


async def test_the_same_command_twice_is_handled_once() -> None:
    store = InMemoryEventStore("counter")
    first = await add(store, 3, "cmd-1")

    again = await add(store, 3, "cmd-1")

    assert not again.written
    assert (again.stream_version, again.global_position) == (
        first.stream_version,
        first.global_position,
    )
    assert await total(store) == 3


async def test_a_repeat_is_not_decided_again_even_if_it_would_now_fail() -> None:
    store = InMemoryEventStore("counter")
    await add(store, 8, "cmd-1")

    # A second run of "add 8" would exceed the limit; its earlier success stands instead.
    again = await add(store, 8, "cmd-1")

    assert not again.written


async def test_domain_exceptions_propagate_and_nothing_is_written() -> None:
    store = InMemoryEventStore("counter")
    await add(store, 9, "cmd-1")

    with pytest.raises(OverLimit):
        await add(store, 5, "cmd-2")

    assert await total(store) == 9


async def test_a_decision_without_events_writes_nothing() -> None:
    store = InMemoryEventStore("counter")
    await add(store, 2, "cmd-1")

    result = await add(store, 0, "cmd-2")

    assert (result.written, result.stream_version) == (False, 1)


class InterleavingStore(InMemoryEventStore):
    """Yields after every read, so concurrent handlers all load before any appends."""

    conflicts = 0

    async def read_stream(self, stream_id: str, from_version: int = 1) -> list[RecordedEvent]:
        events = await super().read_stream(stream_id, from_version)
        await asyncio.sleep(0)
        return events

    async def append(
        self, stream_id: str, events: Sequence[Any], expected_version: int | None
    ) -> AppendResult:
        try:
            return await super().append(stream_id, events, expected_version)
        except WrongExpectedVersion:
            self.conflicts += 1
            raise


async def test_concurrent_commands_are_retried_on_conflict_and_none_is_lost() -> None:
    store = InterleavingStore("counter")

    results = await asyncio.gather(*(add(store, 1, f"cmd-{i}") for i in range(5)))

    assert all(r.written for r in results)
    assert await total(store) == 5
    assert store.conflicts >= 4


class ConflictingStore(InMemoryEventStore):
    """Every append loses the race (another writer always got there first)."""

    async def append(
        self, stream_id: str, events: Sequence[Any], expected_version: int | None
    ) -> AppendResult:
        raise WrongExpectedVersion(stream_id, expected_version, 99)


async def test_gives_up_after_max_retries() -> None:
    with pytest.raises(WrongExpectedVersion):
        await add(ConflictingStore("counter"), 1, "cmd-1")


async def test_the_decision_is_made_against_the_state_after_a_conflict() -> None:
    store = InterleavingStore("counter")
    await add(store, 5, "cmd-1")

    # Two commands that each fit alone but not together: one wins, the other re-decides
    # on the new total and is rejected by the decider.
    outcomes = await asyncio.gather(
        add(store, 5, "cmd-2"), add(store, 5, "cmd-3"), return_exceptions=True
    )

    assert sum(isinstance(o, OverLimit) for o in outcomes) == 1
    assert await total(store) == 10
    assert store.conflicts == 1


async def test_the_same_command_racing_itself_is_written_once() -> None:
    store = InterleavingStore("counter")

    results = await asyncio.gather(add(store, 3, "cmd-1"), add(store, 3, "cmd-1"))

    assert sorted(r.written for r in results) == [False, True]
    assert results[0].stream_version == results[1].stream_version == 1
    assert await total(store) == 3
