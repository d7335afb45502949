"""Script commands, sent over request/reply on `ns.command_subject("script", name)`.

Every command carries `command_id` (the idempotency key: a repeat is a no-op) and `now`
(set by the sender, so the decider never reads a clock).
"""

from __future__ import annotations

from uuid import UUID

import msgspec

from videogen_contracts.project.events import Timestamp


class DraftScriptFromText(msgspec.Struct, frozen=True, kw_only=True):
    """Turn plain text into a script: paragraphs become sections, split into sentences."""

    command_id: str
    now: Timestamp
    script_id: UUID
    project_id: UUID
    production_id: UUID | None = None
    text: str
    language: str = "en"


ScriptCommand = DraftScriptFromText

COMMANDS: dict[str, type[msgspec.Struct]] = {
    "draft_script_from_text": DraftScriptFromText,
}
