"""The decider kernel on the in-memory store, with a toy counter decider: one stream, several
streams as one unit, idempotency by command id, and retries on a concurrent write."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, ClassVar

import msgspec
import pytest
from msgspec import Struct
from videogen_contracts.envelope import EventMetadata, NewEvent
from videogen_contracts.errors import Conflict
from videogen_contracts.replies import CommandAccepted
from videogen_eventstore.api import AppendResult, WrongExpectedVersion
from videogen_eventstore.decider import Aggregate, AggregateCommands, Streams, event_id_for
from videogen_eventstore.memory import InMemoryEventStore
from videogen_eventstore.multi_stream import (
    Append,
    InMemoryAtomicAppender,
    Part,
    decide_across,
    run_together,
)
from videogen_eventstore.testing import InterleavingStore


class Add(Struct, frozen=True):
    amount: int


class Added(Struct, frozen=True, tag_field="type", tag="Added"):
    amount: int


class LimitReached(Struct, frozen=True, tag_field="type", tag="LimitReached"):
    schema_version: ClassVar[int] = 2


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


COUNTER = Aggregate(
    "counter",
    lambda key: f"counter-{key}",
    decide,
    evolve,
    0,
    msgspec.json.Decoder(CounterEvent),
)
METADATA = EventMetadata(correlation_id="corr-1")


async def add(store: Any, amount: int, command_id: str, key: int = 1) -> CommandAccepted:
    return await Streams(store).run(
        COUNTER, key, Add(amount), command_id=command_id, metadata=METADATA
    )


async def total(store: InMemoryEventStore, key: int = 1) -> int:
    state, _ = await Streams(store).load(COUNTER, key)
    return state


async def test_given_no_events_when_add_then_added_with_derived_ids() -> None:
    store = InMemoryEventStore("counter")

    result = await add(store, 3, "cmd-1")

    assert result == CommandAccepted(stream_id="counter-1", stream_version=1, global_position=1)
    [recorded] = await store.read_stream("counter-1")
    assert recorded.event_id == event_id_for("cmd-1", 0)
    assert recorded.type == "Added"
    assert recorded.metadata == EventMetadata(correlation_id="corr-1", command_id="cmd-1")


def test_event_ids_are_fixed_forever() -> None:
    # Changing the namespace (or the format) would change the ids of redelivered commands.
    assert str(event_id_for("cmd-1", 0)) == "eb41b076-3890-5a9b-8d8d-8e479d45b3ba"


async def test_a_decision_of_several_events_is_appended_at_once() -> None:
    store = InMemoryEventStore("counter")
    await add(store, 4, "cmd-1")

    result = await add(store, 6, "cmd-2")

    assert result.stream_version == 3
    types = [r.type for r in await store.read_stream("counter-1")]
    assert types == ["Added", "Added", "LimitReached"]


async def test_each_event_keeps_the_schema_version_its_class_declares() -> None:
    store = InMemoryEventStore("counter")

    await add(store, 10, "cmd-1")

    versions = [(r.type, r.schema_version) for r in await store.read_stream("counter-1")]
    assert versions == [("Added", 1), ("LimitReached", 2)]


async def test_the_same_command_twice_is_handled_once() -> None:
    store = InMemoryEventStore("counter")
    first = await add(store, 3, "cmd-1")

    again = await add(store, 3, "cmd-1")

    assert again.duplicate
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

    assert again.duplicate


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

    assert (result.duplicate, result.stream_version) == (True, 1)


async def test_concurrent_commands_are_retried_on_conflict_and_none_is_lost() -> None:
    store = InterleavingStore("counter")

    results = await asyncio.gather(*(add(store, 1, f"cmd-{i}") for i in range(5)))

    assert not any(r.duplicate for r in results)
    assert await total(store) == 5
    assert store.conflicts >= 4


class ConflictingStore(InMemoryEventStore):
    """Every append loses the race (another writer always got there first)."""

    appends = 0

    async def append(
        self, stream_id: str, events: Sequence[NewEvent], expected_version: int | None
    ) -> AppendResult:
        self.appends += 1
        raise WrongExpectedVersion(stream_id, expected_version, 99)


async def test_gives_up_after_max_retries_with_a_conflict() -> None:
    store = ConflictingStore("counter")

    with pytest.raises(Conflict, match="counter-1 changed 5 times"):
        await add(store, 1, "cmd-1")

    assert store.appends == COUNTER.max_retries + 1


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

    assert sorted(r.duplicate for r in results) == [False, True]
    assert results[0].stream_version == results[1].stream_version == 1
    assert await total(store) == 3


# --- several streams as one unit ------------------------------------------------------------


async def transfer(
    store: InMemoryEventStore,
    command_id: str,
    amounts: tuple[int, int] = (3, 4),
    appender: Any = None,
) -> CommandAccepted:
    parts = [Part(COUNTER, 1, [Add(amounts[0])]), Part(COUNTER, 2, [Add(amounts[1]), Add(1)])]
    return await run_together(
        Streams(store),
        appender or InMemoryAtomicAppender(store),
        parts,
        command_id=command_id,
        metadata=METADATA,
    )


async def test_a_unit_appends_to_every_stream_with_ids_numbered_across_it() -> None:
    store = InMemoryEventStore("counter")

    reply = await transfer(store, "unit-1")

    assert (reply.stream_id, reply.stream_version, reply.duplicate) == ("counter-1", 1, False)
    assert reply.global_position == 3  # the unit's last event
    one, two = await store.read_stream("counter-1"), await store.read_stream("counter-2")
    assert [r.event_id for r in one] == [event_id_for("unit-1", 0)]
    assert [r.event_id for r in two] == [event_id_for("unit-1", 1), event_id_for("unit-1", 2)]
    assert (await total(store, 1), await total(store, 2)) == (3, 5)


async def test_the_commands_of_a_part_are_decided_in_turn() -> None:
    store = InMemoryEventStore("counter")

    # 9 then 1 reaches the limit only when the second is decided on the first's state.
    await transfer(store, "unit-1", amounts=(1, 9))

    assert [r.type for r in await store.read_stream("counter-2")] == [
        "Added",
        "Added",
        "LimitReached",
    ]
    assert [r.schema_version for r in await store.read_stream("counter-2")] == [1, 1, 2]


async def test_a_repeated_unit_returns_its_first_result_and_appends_nothing() -> None:
    store = InMemoryEventStore("counter")
    first = await transfer(store, "unit-1")

    again = await transfer(store, "unit-1")

    assert again == msgspec.structs.replace(first, global_position=1, duplicate=True)
    assert len(await store.read_all()) == 3


async def test_a_unit_is_decided_again_after_a_concurrent_write() -> None:
    store = InMemoryEventStore("counter")
    appender = InMemoryAtomicAppender(store)
    raced = False

    class RacedAppender:
        async def append_all(self, appends: Sequence[Append]) -> list[AppendResult]:
            nonlocal raced
            if not raced:  # another writer adds 5 to counter-2 between our read and append
                raced = True
                await add(store, 5, "other", key=2)
            return await appender.append_all(appends)

    # 4 + 1 fitted when decided; on the new state (5) it reaches the limit.
    await transfer(store, "unit-1", appender=RacedAppender())

    assert [r.type for r in await store.read_stream("counter-2")] == [
        "Added",
        "Added",
        "Added",
        "LimitReached",
    ]
    assert await total(store, 1) == 3


async def test_a_unit_that_keeps_losing_is_a_conflict() -> None:
    with pytest.raises(Conflict, match="counter-1"):
        await transfer(ConflictingStore("counter"), "unit-1")


async def test_decide_across_replies_for_the_stream_it_names() -> None:
    store = InMemoryEventStore("counter")

    def both(states: list[Any]) -> list[list[CounterEvent]]:
        return [decide(Add(2), states[0]), decide(Add(5), states[1])]

    reply = await decide_across(
        Streams(store),
        InMemoryAtomicAppender(store),
        [(COUNTER, 1), (COUNTER, 2)],
        both,
        command_id="u",
        metadata=METADATA,
        reply_to=1,
    )

    assert (reply.stream_id, reply.stream_version, reply.global_position) == ("counter-2", 1, 2)


# --- the commands of one aggregate, keyed and routed from the command ---------------------


class Bump(Struct, frozen=True):
    command_id: str
    counter: int
    amount: int


def decide_bump(command: Bump, total: int) -> list[CounterEvent]:
    return decide(Add(command.amount), total)


async def test_aggregate_commands_key_route_and_stamp_the_command() -> None:
    store = InMemoryEventStore("counter")
    bumps = AggregateCommands(
        store,
        Aggregate("counter", COUNTER.stream_of, decide_bump, evolve, 0, COUNTER.decoder),
        key_of=lambda command: command.counter,
    )

    reply = await bumps.handle(Bump("b-1", 7, 4), correlation_id="corr", causation_id="cause")

    assert reply.stream_id == "counter-7"
    assert await bumps.load(7) == 4
    assert await bumps.history(7) == [Added(4)]
    [recorded] = await store.read_stream("counter-7")
    assert recorded.metadata == EventMetadata(
        correlation_id="corr", causation_id="cause", command_id="b-1"
    )
