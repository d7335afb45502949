"""Drafting a production's script from text: `decide(DraftScriptFromText, state)`.

The state and `evolve` (shared with the studio editing rules of `editing.py`) are in
`script_state.py`, re-exported here.
"""

from __future__ import annotations

from typing import assert_never

from videogen_contracts.errors import Conflict, Invalid
from videogen_contracts.script.commands import DraftScriptFromText, ScriptCommand
from videogen_contracts.script.events import ScriptDrafted, ScriptEvent

from script_service.domain.drafting import draft_sections
from script_service.domain.script_state import INITIAL, Script, evolve, fold

__all__ = [
    "INITIAL",
    "LANGUAGE_MAX",
    "SENTENCES_MAX",
    "TEXT_MAX",
    "Script",
    "decide",
    "evolve",
    "fold",
]

# Above the gateway's configurable text limit (100,000 by default), and under what fits
# in one NATS message.
TEXT_MAX = 300_000
SENTENCES_MAX = 5_000  # what one media preparation takes
LANGUAGE_MAX = 35


def decide(command: ScriptCommand, state: Script) -> list[ScriptEvent]:
    """The events a command produces; raises Conflict / Invalid instead."""
    match command:
        case DraftScriptFromText():
            return _draft(command, state)
        case _:
            assert_never(command)


def _draft(command: DraftScriptFromText, state: Script) -> list[ScriptEvent]:
    if state.exists:
        raise Conflict(f"script {command.script_id} already exists")
    _check_text(command.text)
    if not command.language.strip() or len(command.language) > LANGUAGE_MAX:
        raise Invalid("language", f"language must be 1..{LANGUAGE_MAX} characters")
    sections = draft_sections(command.script_id, command.text, command.language)
    count = sum(len(s.sentences) for s in sections)
    if count == 0:
        raise Invalid("text", "text has nothing to speak: no sentence holds a letter or digit")
    if count > SENTENCES_MAX:
        raise Invalid("text", f"text has {count} sentences; at most {SENTENCES_MAX} are allowed")
    return [
        ScriptDrafted(
            script_id=command.script_id, project_id=command.project_id,
            production_id=command.production_id, language=command.language, sections=sections,
            drafted_at=command.now,
        )
    ]


def _check_text(text: str) -> None:
    if not text.strip():
        raise Invalid("text", "text must not be blank")
    if len(text) > TEXT_MAX:
        raise Invalid("text", f"text must be at most {TEXT_MAX} characters (got {len(text)})")
