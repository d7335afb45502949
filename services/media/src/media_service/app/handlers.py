"""The MediaPreparation aggregate, declared on the decider kernel (videogen_eventstore.decider).

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

from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.media.events import (
    MediaEvent,
    MediaPreparationRequested,
    event_decoder,
    stream_id_for,
)
from videogen_eventstore.api import EventStore
from videogen_eventstore.decider import Aggregate, AggregateCommands

from media_service.domain.commands import MediaCommand
from media_service.domain.preparation import INITIAL, Preparation, decide, evolve

PREPARATION = Aggregate(
    "media", stream_id_for, decide, evolve, INITIAL, event_decoder, max_retries=50
)


def decode_media_event(recorded: RecordedEvent) -> MediaEvent:
    return PREPARATION.decode(recorded)


def decode_events(recorded: Sequence[RecordedEvent]) -> list[MediaEvent]:
    return [PREPARATION.decode(r) for r in recorded]


class PreparationHandler(AggregateCommands[UUID, MediaCommand, Preparation, MediaEvent]):
    def __init__(self, store: EventStore) -> None:
        super().__init__(
            store, PREPARATION, key_of=lambda c: c.production_id, project_of=lambda c: c.project_id
        )

    async def request_of(self, production_id: UUID) -> MediaPreparationRequested | None:
        """The preparation's request (what a resumed job works from)."""
        for event in await self.history(production_id):
            if isinstance(event, MediaPreparationRequested):
                return event
        return None
