"""Project commands: load → fold → decide → append, through the shared handler.

`handle_command` gives us the concurrency and idempotency guarantees: the append demands
the version that was folded (a concurrent writer makes us reload and decide again), and
event ids derive from `command_id`, so a resent command returns its earlier result instead
of appending twice.
"""

from __future__ import annotations

import msgspec
from videogen_contracts.envelope import EventMetadata, RecordedEvent, to_raw
from videogen_contracts.project.commands import ProjectCommand
from videogen_contracts.project.events import ProjectEvent, event_decoder, stream_id_for
from videogen_contracts.replies import CommandAccepted
from videogen_eventstore.api import EventStore, WrongExpectedVersion
from videogen_eventstore.command_handler import handle_command

from project_service.domain.errors import Conflict
from project_service.domain.project import INITIAL, decide, evolve


def decode_project_event(recorded: RecordedEvent) -> ProjectEvent:
    return event_decoder.decode(recorded.data)


def encode_project_event(event: ProjectEvent) -> tuple[str, msgspec.Raw]:
    return str(type(event).__struct_config__.tag), to_raw(event)


class ProjectCommandHandler:
    def __init__(self, store: EventStore) -> None:
        self._store = store

    async def handle(
        self, command: ProjectCommand, *, correlation_id: str, causation_id: str | None
    ) -> CommandAccepted:
        """Apply `command`; domain errors (NotFound, Conflict, Invalid) propagate."""
        stream_id = stream_id_for(command.project_id)
        metadata = EventMetadata(
            correlation_id=correlation_id,
            causation_id=causation_id,
            # Routes every event to vg.project.<project_id>.<EventType>.
            project_id=str(command.project_id),
        )
        try:
            result = await handle_command(
                self._store,
                stream_id,
                command,
                decide=decide,
                evolve=evolve,
                initial=INITIAL,
                decode=decode_project_event,
                encode_type=encode_project_event,
                metadata=metadata,
                command_id=command.command_id,
            )
        except WrongExpectedVersion as error:
            # Every retry lost the race to another writer: a lost update is never an
            # option, so the caller is told to try again (HTTP 409).
            raise Conflict(f"project {command.project_id} is being changed concurrently") from error
        return CommandAccepted(
            stream_id=stream_id,
            stream_version=result.stream_version,
            global_position=result.global_position,
            # Nothing written: the command was handled before (same command_id), or it
            # changes nothing (an update naming no field).
            duplicate=not result.written,
        )
