"""Script events: the public, versioned record of a script (sections → sentences).

One aggregate, `Script`, on stream `script-<script_id>`. Section and sentence ids are
derived from the script id (uuid5), so drafting the same text again gives the same ids.
Tags are class names, stored as is and never renamed. A new field gets a default; a
breaking change bumps `schema_version` and adds an upcaster. Editing events (issue 4) join
the `ScriptEvent` union.
"""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

import msgspec

from videogen_contracts.project.events import Timestamp

SERVICE = "script"


def stream_id_for(script_id: UUID) -> str:
    """The Script aggregate's stream: `script-<uuid>`."""
    return f"script-{script_id}"


class ScriptSentence(msgspec.Struct, frozen=True, kw_only=True):
    sentence_id: UUID
    text: str
    # 0-based position inside its section.
    order: int


class ScriptSection(msgspec.Struct, frozen=True, kw_only=True):
    section_id: UUID
    title: str
    # 0-based position inside the script.
    order: int
    sentences: list[ScriptSentence]


class ScriptEventBase(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    # Not a field: the version of this event's payload schema, written to the envelope.
    schema_version: ClassVar[int] = 1

    script_id: UUID
    project_id: UUID


class ScriptDrafted(ScriptEventBase, frozen=True, tag="ScriptDrafted"):
    """A whole script, written at once (from text, or later from an outline)."""

    # The production that asked for it, if any; its process manager waits for this event.
    production_id: UUID | None
    language: str
    sections: list[ScriptSection]
    drafted_at: Timestamp


ScriptEvent = ScriptDrafted

EVENT_TYPES: tuple[type[ScriptEventBase], ...] = (ScriptDrafted,)

event_decoder: msgspec.json.Decoder[ScriptEvent] = msgspec.json.Decoder(ScriptEvent)


def event_type_name(event_type: type[ScriptEventBase]) -> str:
    """The tag stored in the envelope's `type` (the class name)."""
    return str(event_type.__struct_config__.tag)
