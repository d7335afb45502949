"""The decider kernel: one `Aggregate` declaration per aggregate, and `Streams`, which runs
commands against them (load → fold → decide → append at the folded version → retry).

Optimistic concurrency: the append demands the version that was folded. If another writer
got there first, we reload and decide again on the new state (the decider may now refuse
the command, which is the point), at most `max_retries` times; then the command is a
`Conflict`, for the caller to retry. A lost update is never an option.

Idempotency by `command_id`: event ids are `uuid5(command_id:index)` and the command id is
stamped into every event's metadata. A command delivered twice (a client retry, a
redelivered NATS request, a lost reply) either finds its events in the stream and returns
the earlier result without deciding again, or, racing its twin, makes an append the store
recognizes as a repeat (the same event ids) and turns into a no-op.

Several streams at once (`Streams.decide_across`, `run_together`): one decision over the
states of every stream, appended through an `AtomicAppender` (all or none), each stream at
the version it was read at, so a concurrent write to any one of them makes the whole unit
be decided again. Event ids are numbered across the unit, so each is deterministic.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any, Generic, Protocol, TypeVar

import msgspec
from videogen_contracts.envelope import EventMetadata, NewEvent, RecordedEvent, to_raw
from videogen_contracts.errors import Conflict
from videogen_contracts.replies import CommandAccepted

from .api import NO_STREAM, AppendResult, EventStore, WrongExpectedVersion
from .multi_stream import Append, AtomicAppender

K = TypeVar("K")
C = TypeVar("C")
S = TypeVar("S")
E = TypeVar("E", bound=msgspec.Struct)

# Fixed forever: changing it would change the event ids of re-delivered commands.
EVENT_ID_NAMESPACE = uuid.UUID("6f1d2a4e-6c1b-4e55-9d55-7a0c2b9e0d11")


def event_id_for(command_id: str, index: int) -> uuid.UUID:
    """The id of the `index`-th event a command produces: the same on every retry."""
    return uuid.uuid5(EVENT_ID_NAMESPACE, f"{command_id}:{index}")


@dataclass(frozen=True)
class Aggregate(Generic[K, C, S, E]):
    """What the kernel needs to know of one aggregate; its rules stay in the domain."""

    name: str
    stream_of: Callable[[K], str]
    decide: Callable[[C, S], Sequence[E]]
    evolve: Callable[[S, E], S]
    initial: S
    decoder: msgspec.json.Decoder[Any]
    # Appends lost to concurrent writers before the command is a Conflict: more for a
    # stream many writers race for (sentences narrated in parallel, a team's edits).
    max_retries: int = 5

    def decode(self, recorded: RecordedEvent) -> E:
        event: E = self.decoder.decode(recorded.data)
        return event

    def fold(self, recorded: Iterable[RecordedEvent]) -> S:
        return reduce(self.evolve, (self.decode(r) for r in recorded), self.initial)

    def decide_in_turn(self, commands: Iterable[C], state: S) -> list[E]:
        """The events of `commands`, each decided on the state the one before left."""
        events: list[E] = []
        for command in commands:
            decided = self.decide(command, state)
            state = reduce(self.evolve, decided, state)
            events.extend(decided)
        return events


def new_event(event: msgspec.Struct, event_id: uuid.UUID, metadata: EventMetadata) -> NewEvent:
    return NewEvent(
        event_id=event_id,
        type=str(type(event).__struct_config__.tag),
        data=to_raw(event),
        metadata=metadata,
        # As the event's class declares it: a v2 event stored as v1 would meet the wrong
        # upcaster on every later read.
        schema_version=int(getattr(event, "schema_version", 1)),
    )


def new_events(
    events: Sequence[msgspec.Struct], command_id: str, metadata: EventMetadata, first: int = 0
) -> list[NewEvent]:
    """The events of `command_id`, numbered from `first` (unique across a multi-stream unit)."""
    metadata = msgspec.structs.replace(metadata, command_id=command_id)
    return [
        new_event(event, event_id_for(command_id, first + i), metadata)
        for i, event in enumerate(events)
    ]


def version_of(recorded: Sequence[RecordedEvent]) -> int:
    return recorded[-1].stream_version if recorded else NO_STREAM


def earlier_result(
    stream_id: str, recorded: Sequence[RecordedEvent], command_id: str
) -> CommandAccepted | None:
    """The result `command_id` had on this stream, if it ran already."""
    mine = [r for r in recorded if r.metadata.command_id == command_id]
    if not mine:
        return None
    return CommandAccepted(
        stream_id=stream_id,
        stream_version=mine[-1].stream_version,
        global_position=mine[-1].global_position,
        duplicate=True,
    )


def _unchanged(stream_id: str, recorded: Sequence[RecordedEvent]) -> CommandAccepted:
    """A decision without events: nothing appended, the stream as it is."""
    position = recorded[-1].global_position if recorded else 0
    return CommandAccepted(
        stream_id=stream_id,
        stream_version=version_of(recorded),
        global_position=position,
        duplicate=True,
    )


def _gave_up(stream_id: str, retries: int) -> Conflict:
    # Each retry loses only to a write that succeeded, so this takes more than `retries`
    # writers racing for one stream: say so rather than fail obscurely.
    return Conflict(f"{stream_id} changed {retries} times while this change was decided; try again")


AnyAggregate = Aggregate[Any, Any, Any, Any]
Decision = Callable[[list[Any]], Sequence[Sequence[msgspec.Struct]]]


class Streams:
    """Commands run against the aggregates of one event store; domain errors propagate."""

    def __init__(self, store: EventStore) -> None:
        self.store = store

    async def load(self, aggregate: Aggregate[K, C, S, E], key: K) -> tuple[S, list[RecordedEvent]]:
        recorded = await self.store.read_stream(aggregate.stream_of(key))
        return aggregate.fold(recorded), recorded

    async def history(self, aggregate: Aggregate[K, C, S, E], key: K) -> list[E]:
        return [aggregate.decode(r) for r in await self.store.read_stream(aggregate.stream_of(key))]

    async def earlier(
        self, aggregate: Aggregate[K, C, S, E], key: K, command_id: str
    ) -> CommandAccepted | None:
        """The earlier result of `command_id` on this stream (check before slow work)."""
        stream_id = aggregate.stream_of(key)
        return earlier_result(stream_id, await self.store.read_stream(stream_id), command_id)

    async def run(
        self,
        aggregate: Aggregate[K, C, S, E],
        key: K,
        command: C,
        *,
        command_id: str,
        metadata: EventMetadata,
    ) -> CommandAccepted:
        """Decide `command` on the aggregate's stream and append what it decided."""
        stream_id = aggregate.stream_of(key)
        for _ in range(aggregate.max_retries + 1):
            recorded = await self.store.read_stream(stream_id)
            earlier = earlier_result(stream_id, recorded, command_id)
            if earlier is not None:
                return earlier
            events = aggregate.decide(command, aggregate.fold(recorded))
            if not events:
                return _unchanged(stream_id, recorded)
            new = new_events(events, command_id, metadata)
            try:
                result = await self.store.append(stream_id, new, version_of(recorded))
            except WrongExpectedVersion:
                continue
            return _accepted(stream_id, result)
        raise _gave_up(stream_id, aggregate.max_retries)

    async def decide_across(
        self,
        appender: AtomicAppender,
        targets: Sequence[tuple[AnyAggregate, Any]],
        decide: Decision,
        *,
        command_id: str,
        metadata: EventMetadata,
        reply_to: int = 0,
    ) -> CommandAccepted:
        """`decide` gets the state of every (aggregate, key), in order, and returns the
        events for each; the reply names the stream of `targets[reply_to]`."""
        stream_ids = [aggregate.stream_of(key) for aggregate, key in targets]
        retries = max(aggregate.max_retries for aggregate, _ in targets)
        for _ in range(retries + 1):
            logs = [await self.store.read_stream(s) for s in stream_ids]
            earlier = _earlier_in_unit(stream_ids, logs, command_id, reply_to)
            if earlier is not None:
                return earlier
            states = [agg.fold(log) for (agg, _), log in zip(targets, logs, strict=True)]
            appends = _unit(stream_ids, logs, decide(states), command_id, metadata)
            if not appends:
                return _unchanged(stream_ids[reply_to], logs[reply_to])
            try:
                results = await appender.append_all(appends)
            except WrongExpectedVersion:
                continue
            return _unit_reply(stream_ids[reply_to], logs[reply_to], appends, results)
        raise _gave_up(stream_ids[reply_to], retries)


@dataclass(frozen=True)
class Part:
    """Commands for one aggregate of a multi-stream unit, decided in turn on its state."""

    aggregate: AnyAggregate
    key: Any
    commands: Sequence[Any]


async def run_together(
    streams: Streams,
    appender: AtomicAppender,
    parts: Sequence[Part],
    *,
    command_id: str,
    metadata: EventMetadata,
) -> CommandAccepted:
    """Decide every part and append them all as one unit; the reply names the first part."""

    def decide(states: list[Any]) -> list[list[Any]]:
        return [
            part.aggregate.decide_in_turn(part.commands, state)
            for part, state in zip(parts, states, strict=True)
        ]

    return await streams.decide_across(
        appender,
        [(p.aggregate, p.key) for p in parts],
        decide,
        command_id=command_id,
        metadata=metadata,
    )


class HasCommandId(Protocol):
    @property
    def command_id(self) -> str: ...


CI = TypeVar("CI", bound=HasCommandId)


class AggregateCommands(Generic[K, CI, S, E]):
    """The commands of one aggregate, as the rpc table and the workers send them.

    Each command names its stream (`key_of`) and its project (`project_of`): the project id
    in the metadata routes every event to `vg.<service>.<project_id>.<EventType>`.
    """

    def __init__(
        self,
        store: EventStore,
        aggregate: Aggregate[K, CI, S, E],
        key_of: Callable[[CI], K],
        project_of: Callable[[CI], uuid.UUID] | None = None,
    ) -> None:
        self.streams = Streams(store)
        self.aggregate = aggregate
        self.key_of = key_of
        self.project_of = project_of

    async def handle(
        self, command: CI, *, correlation_id: str, causation_id: str | None = None
    ) -> CommandAccepted:
        project_id = self.project_of(command) if self.project_of else None
        metadata = EventMetadata(
            correlation_id=correlation_id,
            causation_id=causation_id,
            project_id=str(project_id) if project_id else None,
        )
        return await self.streams.run(
            self.aggregate,
            self.key_of(command),
            command,
            command_id=command.command_id,
            metadata=metadata,
        )

    async def load(self, key: K) -> S:
        state, _ = await self.streams.load(self.aggregate, key)
        return state

    async def history(self, key: K) -> list[E]:
        return await self.streams.history(self.aggregate, key)


def _accepted(stream_id: str, result: AppendResult) -> CommandAccepted:
    return CommandAccepted(
        stream_id=stream_id,
        stream_version=result.stream_version,
        global_position=result.global_position,
        # Nothing written: a twin of this command appended the same events first.
        duplicate=not result.written,
    )


def _earlier_in_unit(
    stream_ids: Sequence[str],
    logs: Sequence[Sequence[RecordedEvent]],
    command_id: str,
    reply_to: int,
) -> CommandAccepted | None:
    """A unit is appended whole or not at all: its command in any stream means it ran."""
    order = [reply_to, *(i for i in range(len(stream_ids)) if i != reply_to)]
    for i in order:
        earlier = earlier_result(stream_ids[i], logs[i], command_id)
        if earlier is not None:
            return earlier
    return None


def _unit(
    stream_ids: Sequence[str],
    logs: Sequence[Sequence[RecordedEvent]],
    decided: Sequence[Sequence[msgspec.Struct]],
    command_id: str,
    metadata: EventMetadata,
) -> list[Append]:
    appends: list[Append] = []
    numbered = 0
    for stream_id, log, events in zip(stream_ids, logs, decided, strict=True):
        if events:
            new = new_events(events, command_id, metadata, first=numbered)
            appends.append((stream_id, new, version_of(log)))
            numbered += len(events)
    return appends


def _unit_reply(
    stream_id: str,
    log: Sequence[RecordedEvent],
    appends: Sequence[Append],
    results: Sequence[AppendResult],
) -> CommandAccepted:
    by_stream = {append[0]: result for append, result in zip(appends, results, strict=True)}
    mine = by_stream.get(stream_id)
    return CommandAccepted(
        stream_id=stream_id,
        stream_version=mine.stream_version if mine else version_of(log),
        # The unit's last event: a reader that reached it sees every stream's change.
        global_position=max(r.global_position for r in results),
        duplicate=not any(r.written for r in results),
    )
