"""The service's three event-sourced aggregates, loaded and changed through one shape.

`Streams.run` is the shared handler (load → fold → decide → append with the folded
version, retried on a concurrent write; event ids from the command id, so a repeat is a
no-op); `Streams.load` folds a stream for a read; `new_events` builds the events of a
multi-stream append the same deterministic way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any, Generic, TypeVar
from uuid import UUID

import msgspec
from videogen_contracts.envelope import EventMetadata, NewEvent, RecordedEvent, to_raw
from videogen_contracts.replies import CommandAccepted
from videogen_contracts.script.events import event_decoder, stream_id_for, studio_script_id
from videogen_contracts.script.generation import generation_event_decoder, generation_stream_id
from videogen_contracts.script.outline import outline_event_decoder, outline_stream_id
from videogen_eventstore.api import NO_STREAM, EventStore, WrongExpectedVersion
from videogen_eventstore.command_handler import event_id_for, handle_command

from script_service.domain.editing import decide_edit
from script_service.domain.errors import Conflict
from script_service.domain.generation import INITIAL_RUN, decide_run, evolve_run
from script_service.domain.outline import INITIAL_OUTLINE, decide_outline, evolve_outline
from script_service.domain.script_state import INITIAL, evolve

# Concurrent writers of one stream (editors of one script) each win a round: enough for a
# burst of edits by a team on one project.
MAX_RETRIES = 25

C = TypeVar("C")
S = TypeVar("S")
E = TypeVar("E", bound=msgspec.Struct)


@dataclass(frozen=True)
class Aggregate(Generic[C, S, E]):
    name: str
    stream_of: Callable[[UUID], str]
    decide: Callable[[C, S], Sequence[E]]
    evolve: Callable[[S, E], S]
    initial: S
    decoder: msgspec.json.Decoder[Any]

    def decode(self, recorded: RecordedEvent) -> E:
        event: E = self.decoder.decode(recorded.data)
        return event

    def fold(self, recorded: Sequence[RecordedEvent]) -> S:
        return reduce(self.evolve, (self.decode(r) for r in recorded), self.initial)


def _studio_stream(project_id: UUID) -> str:
    return stream_id_for(studio_script_id(project_id))


SCRIPT = Aggregate("script", _studio_stream, decide_edit, evolve, INITIAL, event_decoder)
OUTLINE = Aggregate(
    "outline",
    outline_stream_id,
    decide_outline,
    evolve_outline,
    INITIAL_OUTLINE,
    outline_event_decoder,
)
RUN = Aggregate(
    "generation",
    generation_stream_id,
    decide_run,
    evolve_run,
    INITIAL_RUN,
    generation_event_decoder,
)


def encode_event(event: msgspec.Struct) -> tuple[str, msgspec.Raw]:
    return str(type(event).__struct_config__.tag), to_raw(event)


def new_events(
    events: Sequence[msgspec.Struct], command_id: str, metadata: EventMetadata, first: int = 0
) -> list[NewEvent]:
    """Events of `command_id`, numbered from `first` (unique across a multi-stream unit)."""
    metadata = msgspec.structs.replace(metadata, command_id=command_id)
    return [
        NewEvent(event_id=event_id_for(command_id, first + i), type=t, data=data, metadata=metadata)
        for i, (t, data) in enumerate(encode_event(e) for e in events)
    ]


def handled_by(recorded: Sequence[RecordedEvent], command_id: str) -> RecordedEvent | None:
    """The last event `command_id` appended to this stream, if it ran already."""
    mine = [r for r in recorded if r.metadata.command_id == command_id]
    return mine[-1] if mine else None


def version_of(recorded: Sequence[RecordedEvent]) -> int:
    return recorded[-1].stream_version if recorded else NO_STREAM


class Streams:
    def __init__(self, store: EventStore) -> None:
        self.store = store

    async def load(self, aggregate: Aggregate[C, S, E], key: UUID) -> tuple[S, list[RecordedEvent]]:
        recorded = await self.store.read_stream(aggregate.stream_of(key))
        return aggregate.fold(recorded), recorded

    async def run(
        self,
        aggregate: Aggregate[C, S, E],
        key: UUID,
        command: C,
        *,
        command_id: str,
        metadata: EventMetadata,
    ) -> CommandAccepted:
        """Apply `command` to the aggregate's stream; domain errors propagate."""
        stream_id = aggregate.stream_of(key)
        try:
            result = await handle_command(
                self.store,
                stream_id,
                command,
                decide=aggregate.decide,
                evolve=aggregate.evolve,
                initial=aggregate.initial,
                decode=aggregate.decode,
                encode_type=encode_event,
                metadata=metadata,
                command_id=command_id,
                max_retries=MAX_RETRIES,
            )
        except WrongExpectedVersion:
            # Each retry loses only to a write that succeeded, so this takes more than
            # MAX_RETRIES writers racing for one stream: say so rather than fail obscurely.
            raise Conflict(
                f"{stream_id} changed {MAX_RETRIES} times while this change was decided; try again"
            ) from None
        return CommandAccepted(
            stream_id=stream_id,
            stream_version=result.stream_version,
            global_position=result.global_position,
            duplicate=not result.written,
        )

    async def earlier(
        self, aggregate: Aggregate[C, S, E], key: UUID, command_id: str
    ) -> CommandAccepted | None:
        """The earlier result of `command_id` on this stream, if it ran already."""
        stream_id = aggregate.stream_of(key)
        done = handled_by(await self.store.read_stream(stream_id), command_id)
        if done is None:
            return None
        return CommandAccepted(
            stream_id=stream_id,
            stream_version=done.stream_version,
            global_position=done.global_position,
            duplicate=True,
        )


def metadata_for(project_id: UUID, correlation_id: str, causation_id: str | None) -> EventMetadata:
    return EventMetadata(
        correlation_id=correlation_id, causation_id=causation_id, project_id=str(project_id)
    )
