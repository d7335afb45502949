"""Settings: the update command through the shared handler, and the snapshot query.

Both read the one settings stream; a query folds it fresh, so an answer right after an
update always shows that update (no read model to wait for).
"""

from __future__ import annotations

from functools import reduce

import msgspec
from videogen_contracts.envelope import EventMetadata, RecordedEvent, to_raw
from videogen_contracts.project.settings import (
    SETTINGS_STREAM,
    SettingsEvent,
    SettingsSnapshot,
    UpdateSettings,
    event_decoder,
)
from videogen_contracts.replies import CommandAccepted
from videogen_eventstore.api import EventStore, WrongExpectedVersion
from videogen_eventstore.command_handler import handle_command

from project_service.domain.errors import Conflict
from project_service.domain.settings import INITIAL, decide, evolve, snapshot


def decode_settings_event(recorded: RecordedEvent) -> SettingsEvent:
    event: SettingsEvent = event_decoder.decode(recorded.data)
    return event


def encode_settings_event(event: SettingsEvent) -> tuple[str, msgspec.Raw]:
    return str(type(event).__struct_config__.tag), to_raw(event)


class SettingsHandlers:
    def __init__(self, store: EventStore) -> None:
        self._store = store

    async def update(
        self, command: UpdateSettings, *, correlation_id: str, causation_id: str | None
    ) -> CommandAccepted:
        metadata = EventMetadata(correlation_id=correlation_id, causation_id=causation_id)
        try:
            result = await handle_command(
                self._store, SETTINGS_STREAM, command,
                decide=decide, evolve=evolve, initial=INITIAL,
                decode=decode_settings_event, encode_type=encode_settings_event,
                metadata=metadata, command_id=command.command_id,
            )
        except WrongExpectedVersion as error:
            raise Conflict("the settings are being changed concurrently; try again") from error
        return CommandAccepted(
            stream_id=SETTINGS_STREAM,
            stream_version=result.stream_version,
            global_position=result.global_position,
            duplicate=not result.written,
        )

    async def current(self) -> SettingsSnapshot:
        recorded = await self._store.read_stream(SETTINGS_STREAM)
        state = reduce(evolve, (decode_settings_event(r) for r in recorded), INITIAL)
        version = recorded[-1].stream_version if recorded else 0
        return snapshot(state, version)
