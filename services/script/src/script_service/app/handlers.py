"""Script commands: load → fold → decide → append, through the shared handler.

`handle_command` gives the guarantees: the append demands the version that was folded (a
concurrent writer makes us reload and decide again), and event ids derive from
`command_id`, so a resent command (the production process manager's redelivery) returns
its earlier result instead of appending twice.
"""

from __future__ import annotations

import msgspec
from videogen_contracts.envelope import EventMetadata, RecordedEvent, to_raw
from videogen_contracts.replies import CommandAccepted
from videogen_contracts.script.commands import ScriptCommand
from videogen_contracts.script.events import ScriptEvent, event_decoder, stream_id_for
from videogen_eventstore.api import EventStore
from videogen_eventstore.command_handler import handle_command

from script_service.domain.script import INITIAL, decide, evolve


def decode_script_event(recorded: RecordedEvent) -> ScriptEvent:
    return event_decoder.decode(recorded.data)


def encode_script_event(event: ScriptEvent) -> tuple[str, msgspec.Raw]:
    return str(type(event).__struct_config__.tag), to_raw(event)


class ScriptCommandHandler:
    def __init__(self, store: EventStore) -> None:
        self._store = store

    async def handle(
        self, command: ScriptCommand, *, correlation_id: str, causation_id: str | None
    ) -> CommandAccepted:
        """Apply `command`; domain errors (Conflict, Invalid) propagate."""
        stream_id = stream_id_for(command.script_id)
        metadata = EventMetadata(
            correlation_id=correlation_id,
            causation_id=causation_id,
            project_id=str(command.project_id),
        )
        result = await handle_command(
            self._store,
            stream_id,
            command,
            decide=decide,
            evolve=evolve,
            initial=INITIAL,
            decode=decode_script_event,
            encode_type=encode_script_event,
            metadata=metadata,
            command_id=command.command_id,
        )
        return CommandAccepted(
            stream_id=stream_id,
            stream_version=result.stream_version,
            global_position=result.global_position,
            duplicate=not result.written,
        )
