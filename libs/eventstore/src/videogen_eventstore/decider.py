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

Ownership (issue 13): every event is stamped with its stream's owner, and an actor that
may not see a stream finds it empty and has its commands refused (ownership.py).

Several streams decided as one unit: multi_stream.py.
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
from .ownership import refuse_unless_visible, stamped, visible

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
    # False for a deployment-wide stream (the settings) that belongs to no user: its events
    # get no owner and every actor may see it and act on it.
    owned: bool = True

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
        event_id=event_id, type=str(type(event).__struct_config__.tag), data=to_raw(event),
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
        stream_id=stream_id, stream_version=mine[-1].stream_version,
        global_position=mine[-1].global_position, duplicate=True,
    )


def unchanged(stream_id: str, recorded: Sequence[RecordedEvent]) -> CommandAccepted:
    """A decision without events: nothing appended, the stream as it is."""
    position = recorded[-1].global_position if recorded else 0
    return CommandAccepted(
        stream_id=stream_id, stream_version=version_of(recorded), global_position=position,
        duplicate=True,
    )


def kept_changing(stream_id: str, retries: int) -> Conflict:
    # Each retry loses only to a write that succeeded, so this takes more than `retries`
    # writers racing for one stream: say so rather than fail obscurely.
    return Conflict(f"{stream_id} changed {retries} times while this change was decided; try again")


AnyAggregate = Aggregate[Any, Any, Any, Any]


class Streams:
    """Commands run against the aggregates of one event store; domain errors propagate."""

    def __init__(self, store: EventStore) -> None:
        self.store = store

    async def read(self, aggregate: Aggregate[K, C, S, E], key: K) -> list[RecordedEvent]:
        """The aggregate's stream as the current actor may see it (ownership.visible)."""
        recorded = await self.store.read_stream(aggregate.stream_of(key))
        return list(visible(recorded, aggregate.owned))

    async def load(self, aggregate: Aggregate[K, C, S, E], key: K) -> tuple[S, list[RecordedEvent]]:
        recorded = await self.read(aggregate, key)
        return aggregate.fold(recorded), recorded

    async def history(self, aggregate: Aggregate[K, C, S, E], key: K) -> list[E]:
        return [aggregate.decode(r) for r in await self.read(aggregate, key)]

    async def earlier(
        self, aggregate: Aggregate[K, C, S, E], key: K, command_id: str
    ) -> CommandAccepted | None:
        """The earlier result of `command_id` on this stream (check before slow work)."""
        return earlier_result(aggregate.stream_of(key), await self.read(aggregate, key), command_id)

    async def run(
        self, aggregate: Aggregate[K, C, S, E], key: K, command: C, *, command_id: str,
        metadata: EventMetadata,
    ) -> CommandAccepted:
        """Decide `command` on the aggregate's stream and append what it decided."""
        stream_id = aggregate.stream_of(key)
        for _ in range(aggregate.max_retries + 1):
            recorded = await self.store.read_stream(stream_id)
            refuse_unless_visible(
                stream_id, recorded, lambda: aggregate.decide(command, aggregate.initial),
                aggregate.owned,
            )
            earlier = earlier_result(stream_id, recorded, command_id)
            if earlier is not None:
                return earlier
            events = aggregate.decide(command, aggregate.fold(recorded))
            if not events:
                return unchanged(stream_id, recorded)
            new = new_events(
                events, command_id, stamped(metadata, recorded, aggregate.owned)
            )
            try:
                result = await self.store.append(stream_id, new, version_of(recorded))
            except WrongExpectedVersion:
                continue
            return _accepted(stream_id, result)
        raise kept_changing(stream_id, aggregate.max_retries)


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
        self, store: EventStore, aggregate: Aggregate[K, CI, S, E], key_of: Callable[[CI], K],
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
            correlation_id=correlation_id, causation_id=causation_id,
            project_id=str(project_id) if project_id else None,
        )
        return await self.streams.run(
            self.aggregate, self.key_of(command), command, command_id=command.command_id,
            metadata=metadata,
        )

    async def load(self, key: K) -> S:
        state, _ = await self.streams.load(self.aggregate, key)
        return state

    async def history(self, key: K) -> list[E]:
        return await self.streams.history(self.aggregate, key)


def _accepted(stream_id: str, result: AppendResult) -> CommandAccepted:
    return CommandAccepted(
        stream_id=stream_id, stream_version=result.stream_version,
        global_position=result.global_position,
        # Nothing written: a twin of this command appended the same events first.
        duplicate=not result.written,
    )
