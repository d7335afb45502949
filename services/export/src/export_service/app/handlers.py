"""The Render and Export aggregates, declared on the decider kernel (videogen_eventstore.decider).

Used by the rpc entrypoint (`RenderTimeline`) and by the render worker (its own steps).
Why a repeat is harmless, twice over:
- event ids are `uuid5(command_id:index)` and worker command ids are deterministic per
  step (`export/<render>/completed`), so re-appending a step that a killed worker already
  stored is a no-op in the store, even racing a live twin;
- a command whose `command_id` is already in the stream returns the earlier result
  without deciding again (the process manager resends `render_timeline` with the same id).
A concurrent append (a progress report racing a completion) makes the loser reload and
decide again on the new state.
"""

from __future__ import annotations

from uuid import UUID

from videogen_contracts.export.events import RenderEvent, event_decoder, stream_id_for
from videogen_contracts.export.exports import ExportEvent, export_event_decoder, export_stream_id
from videogen_eventstore.api import EventStore
from videogen_eventstore.decider import Aggregate, AggregateCommands

from export_service.domain import export
from export_service.domain.commands import RenderCommand
from export_service.domain.export import Export
from export_service.domain.export_commands import ExportCommand
from export_service.domain.render import INITIAL, Render, decide, evolve

RENDER = Aggregate("render", stream_id_for, decide, evolve, INITIAL, event_decoder)


class RenderHandler(AggregateCommands[UUID, RenderCommand, Render, RenderEvent]):
    def __init__(self, store: EventStore) -> None:
        super().__init__(
            store, RENDER, key_of=lambda c: c.render_id, project_of=lambda c: c.project_id
        )


EXPORT = Aggregate(
    "export", export_stream_id, export.decide, export.evolve, export.INITIAL, export_event_decoder
)


class ExportHandler(AggregateCommands[UUID, ExportCommand, Export, ExportEvent]):
    """The editor's exports: `export_timeline` from the rpc table, the worker's steps."""

    def __init__(self, store: EventStore) -> None:
        super().__init__(
            store, EXPORT, key_of=lambda c: c.export_id, project_of=lambda c: c.project_id
        )
