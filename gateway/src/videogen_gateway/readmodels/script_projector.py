"""The projection of the script service's stream: scripts, outlines and generation runs.

Same ordering, tracking and read-your-writes notification as every stream projection
(`StreamProjector`, projector.py); this class only says which read model an event changes.
Event types it does not know (a newer service's) still advance their stream's position.
"""

from __future__ import annotations

from typing import Any

import msgspec
from videogen_bus.consumer import PoisonMessage
from videogen_contracts.envelope import RecordedEvent, event_type_name
from videogen_contracts.script.events import EVENT_TYPES, event_decoder
from videogen_contracts.script.generation import (
    GENERATION_EVENT_TYPES,
    generation_event_decoder,
)
from videogen_contracts.script.outline import OUTLINE_EVENT_TYPES, outline_event_decoder
from videogen_gateway.readmodels.generations.readmodel import apply_generation_event
from videogen_gateway.readmodels.outlines.readmodel import apply_outline_event
from videogen_gateway.readmodels.projector import Connection, StreamProjector
from videogen_gateway.readmodels.scripts.projection import apply_script_event

SOURCE_SERVICE = "script"

SCRIPT_TYPES = frozenset(event_type_name(t) for t in EVENT_TYPES)
OUTLINE_TYPES = frozenset(str(t.__struct_config__.tag) for t in OUTLINE_EVENT_TYPES)
GENERATION_TYPES = frozenset(str(t.__struct_config__.tag) for t in GENERATION_EVENT_TYPES)


def _decode(decoder: msgspec.json.Decoder[Any], recorded: RecordedEvent) -> Any:
    try:
        return decoder.decode(recorded.data)
    except msgspec.DecodeError as error:
        # It will never decode, however often it is redelivered: dead-letter it.
        raise PoisonMessage(f"{recorded.type} {recorded.event_id}: {error}") from error


class ScriptProjector(StreamProjector):
    async def apply_event(self, conn: Connection, recorded: RecordedEvent) -> None:
        kind = recorded.type
        if kind in SCRIPT_TYPES:
            await apply_script_event(conn, self._q, _decode(event_decoder, recorded))
        elif kind in OUTLINE_TYPES:
            await apply_outline_event(conn, self._q, _decode(outline_event_decoder, recorded))
        elif kind in GENERATION_TYPES:
            event = _decode(generation_event_decoder, recorded)
            await apply_generation_event(conn, self._q, self._channel, event)
