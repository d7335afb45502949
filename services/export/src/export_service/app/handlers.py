"""Load → fold → decide → append for the Render aggregate.

Used by the rpc entrypoint (`RenderTimeline`) and by the render worker (its own steps).
Why a repeat is harmless, twice over:
- event ids are `uuid5(command_id:index)` and worker command ids are deterministic per
  step (`export/<render>/completed`), so re-appending a step that a killed worker already
  stored is a no-op in the store, even racing a live twin;
- a command whose `command_id` is already in the stream returns the earlier result
  without deciding again (the process manager resends `render_timeline` with the same id).
Appends carry the version they decided on; a concurrent append (a progress event racing
a completion) makes the loser re-read and decide again on the new state.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID, uuid5

from videogen_contracts.envelope import EventMetadata, NewEvent, RecordedEvent, to_raw
from videogen_contracts.export.events import RenderEvent, event_decoder, stream_id_for
from videogen_contracts.replies import CommandAccepted
from videogen_eventstore.api import EventStore, WrongExpectedVersion

from export_service.domain.commands import RenderCommand
from export_service.domain.errors import Conflict
from export_service.domain.render import Render, decide, fold

# Fixed forever: changing it would give a repeated command new event ids.
EVENT_ID_NAMESPACE = UUID("9b3e61c4-27d8-4a0f-8e15-c6f2a7d40b89")


def event_id_for(command_id: str, index: int) -> UUID:
    return uuid5(EVENT_ID_NAMESPACE, f"{command_id}:{index}")


class RenderHandler:
    def __init__(self, store: EventStore, *, attempts: int = 50) -> None:
        self.store = store
        self.attempts = attempts

    async def load(self, render_id: UUID) -> Render:
        return fold(decode_events(await self.store.read_stream(stream_id_for(render_id))))

    async def handle(
        self, command: RenderCommand, *, correlation_id: str, causation_id: str | None = None
    ) -> CommandAccepted:
        """Decide and append; raises the domain's errors (NotFound, Conflict, Invalid)."""
        stream_id = stream_id_for(command.render_id)
        for _ in range(self.attempts):
            recorded = await self.store.read_stream(stream_id)
            earlier = earlier_result(stream_id, recorded, command.command_id)
            if earlier is not None:
                return earlier
            events = decide(command, fold(decode_events(recorded)))
            if not events:
                return current_result(stream_id, recorded)
            metadata = EventMetadata(
                correlation_id=correlation_id,
                causation_id=causation_id,
                command_id=command.command_id,
                project_id=str(events[0].project_id),
            )
            try:
                result = await self.store.append(
                    stream_id, to_new_events(command.command_id, events, metadata), len(recorded)
                )
            except WrongExpectedVersion:
                continue  # someone appended in between: decide again on the new state
            return CommandAccepted(
                stream_id=stream_id,
                stream_version=result.stream_version,
                global_position=result.global_position,
                duplicate=not result.written,
            )
        raise Conflict(f"{stream_id}: gave up after {self.attempts} concurrent appends")


def decode_events(recorded: Sequence[RecordedEvent]) -> list[RenderEvent]:
    return [event_decoder.decode(e.data) for e in recorded]


def to_new_events(
    command_id: str, events: Sequence[RenderEvent], metadata: EventMetadata
) -> list[NewEvent]:
    return [
        NewEvent(
            event_id=event_id_for(command_id, index),
            type=str(type(event).__struct_config__.tag),
            data=to_raw(event),
            metadata=metadata,
            schema_version=event.schema_version,
        )
        for index, event in enumerate(events)
    ]


def earlier_result(
    stream_id: str, recorded: Sequence[RecordedEvent], command_id: str
) -> CommandAccepted | None:
    mine = [e for e in recorded if e.metadata.command_id == command_id]
    if not mine:
        return None
    return CommandAccepted(
        stream_id=stream_id,
        stream_version=mine[-1].stream_version,
        global_position=mine[-1].global_position,
        duplicate=True,
    )


def current_result(stream_id: str, recorded: Sequence[RecordedEvent]) -> CommandAccepted:
    """Nothing to append: the reply names where the stream already is."""
    last = recorded[-1] if recorded else None
    return CommandAccepted(
        stream_id=stream_id,
        stream_version=last.stream_version if last else 0,
        global_position=last.global_position if last else 0,
        duplicate=True,
    )
