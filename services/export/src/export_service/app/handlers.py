"""Render commands: load → fold → decide → append, through the shared command handler.

Used by the rpc entrypoint (`RenderTimeline`) and by the render worker (its own steps).
Why a repeat is harmless, twice over (see videogen_eventstore.command_handler):
- event ids are `uuid5(command_id:index)` and worker command ids are deterministic per
  step (`export/<render>/completed`), so re-appending a step that a killed worker already
  stored is a no-op in the store, even racing a live twin;
- a command whose `command_id` is already in the stream returns the earlier result
  without deciding again (the process manager resends `render_timeline` with the same id).
A concurrent append (a progress report racing a completion) makes the loser reload and
decide again on the new state.
"""

from __future__ import annotations

from functools import reduce
from uuid import UUID

import msgspec
from videogen_contracts.envelope import EventMetadata, RecordedEvent, to_raw
from videogen_contracts.export.events import RenderEvent, event_decoder, stream_id_for
from videogen_contracts.replies import CommandAccepted
from videogen_eventstore.api import EventStore, WrongExpectedVersion
from videogen_eventstore.command_handler import handle_command

from export_service.domain.commands import RenderCommand
from export_service.domain.errors import Conflict
from export_service.domain.render import INITIAL, Render, decide, evolve


def decode_render_event(recorded: RecordedEvent) -> RenderEvent:
    event: RenderEvent = event_decoder.decode(recorded.data)
    return event


def encode_render_event(event: RenderEvent) -> tuple[str, msgspec.Raw]:
    return str(type(event).__struct_config__.tag), to_raw(event)


class RenderHandler:
    def __init__(self, store: EventStore) -> None:
        self.store = store

    async def load(self, render_id: UUID) -> Render:
        recorded = await self.store.read_stream(stream_id_for(render_id))
        return reduce(evolve, (decode_render_event(r) for r in recorded), INITIAL)

    async def handle(
        self, command: RenderCommand, *, correlation_id: str, causation_id: str | None = None
    ) -> CommandAccepted:
        """Decide and append; raises the domain's errors (NotFound, Conflict, Invalid)."""
        stream_id = stream_id_for(command.render_id)
        metadata = EventMetadata(
            correlation_id=correlation_id,
            causation_id=causation_id,
            # Routes every event to vg.export.<project_id>.<EventType>.
            project_id=str(command.project_id),
        )
        try:
            result = await handle_command(
                self.store,
                stream_id,
                command,
                decide=decide,
                evolve=evolve,
                initial=INITIAL,
                decode=decode_render_event,
                encode_type=encode_render_event,
                metadata=metadata,
                command_id=command.command_id,
            )
        except WrongExpectedVersion as error:
            raise Conflict(f"render {command.render_id} is being changed concurrently") from error
        return CommandAccepted(
            stream_id=stream_id,
            stream_version=result.stream_version,
            global_position=result.global_position,
            # Nothing written: handled before (same command_id), or nothing to record.
            duplicate=not result.written,
        )
