"""Load → fold → decide → append for the MediaPreparation aggregate, via the shared handler.

Used by the rpc entrypoint (`PrepareMedia`) and by the preparation worker (its own steps).
Why a repeat is harmless, twice over:
- event ids are `uuid5(command_id:index)` and worker command ids are deterministic per
  step (`media/<production>/narrated/<sentence>`), so re-appending a step that a killed
  worker already stored is a no-op in the store, even when it races a live twin;
- a command whose `command_id` is already in the stream returns the earlier result
  without deciding again (the process manager resends `prepare_media` with the same id),
  and a step the state already shows done decides nothing.
Appends demand the version they decided on; sentences narrated in parallel that finish
together make the loser reload and decide again, hence the generous retry budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import msgspec
from videogen_contracts.envelope import EventMetadata, RecordedEvent, to_raw
from videogen_contracts.media.events import (
    MediaEvent,
    MediaPreparationRequested,
    event_decoder,
    stream_id_for,
)
from videogen_contracts.replies import CommandAccepted
from videogen_eventstore.api import EventStore, WrongExpectedVersion
from videogen_eventstore.command_handler import handle_command

from media_service.domain.commands import MediaCommand
from media_service.domain.errors import Conflict
from media_service.domain.preparation import INITIAL, Preparation, decide, evolve, fold


def decode_media_event(recorded: RecordedEvent) -> MediaEvent:
    event: MediaEvent = event_decoder.decode(recorded.data)
    return event


def encode_media_event(event: MediaEvent) -> tuple[str, msgspec.Raw]:
    return str(type(event).__struct_config__.tag), to_raw(event)


def decode_events(recorded: Sequence[RecordedEvent]) -> list[MediaEvent]:
    return [decode_media_event(e) for e in recorded]


class PreparationHandler:
    def __init__(self, store: EventStore, *, max_retries: int = 50) -> None:
        self.store = store
        self.max_retries = max_retries

    async def load(self, production_id: UUID) -> Preparation:
        return fold(decode_events(await self.store.read_stream(stream_id_for(production_id))))

    async def request_of(self, production_id: UUID) -> MediaPreparationRequested | None:
        """The preparation's request (what a resumed job works from)."""
        for event in decode_events(await self.store.read_stream(stream_id_for(production_id))):
            if isinstance(event, MediaPreparationRequested):
                return event
        return None

    async def handle(
        self, command: MediaCommand, *, correlation_id: str, causation_id: str | None = None
    ) -> CommandAccepted:
        """Decide and append; the domain's errors (NotFound, Conflict, Invalid) propagate."""
        stream_id = stream_id_for(command.production_id)
        metadata = EventMetadata(
            correlation_id=correlation_id,
            causation_id=causation_id,
            # Routes every event to vg.media.<project_id>.<EventType>.
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
                decode=decode_media_event,
                encode_type=encode_media_event,
                metadata=metadata,
                command_id=command.command_id,
                max_retries=self.max_retries,
            )
        except WrongExpectedVersion as error:
            raise Conflict(f"{stream_id} is being changed concurrently") from error
        return CommandAccepted(
            stream_id=stream_id,
            stream_version=result.stream_version,
            global_position=result.global_position,
            # Nothing written: handled before (same command_id), or the step was done.
            duplicate=not result.written,
        )
