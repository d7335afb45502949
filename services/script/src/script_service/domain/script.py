"""The Script aggregate as a pure decider: `decide(command, state)` and `evolve`.

The state holds what decisions need: whether the script exists, and (for the editing
commands of issue 4) which sections and sentences it has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import assert_never
from uuid import UUID

from videogen_contracts.script.commands import DraftScriptFromText, ScriptCommand
from videogen_contracts.script.events import ScriptDrafted, ScriptEvent

from script_service.domain.drafting import draft_sections
from script_service.domain.errors import Conflict, Invalid

# Above the gateway's configurable text limit (100,000 by default), and under what fits
# in one NATS message.
TEXT_MAX = 300_000
SENTENCES_MAX = 5_000  # what one media preparation takes
LANGUAGE_MAX = 35


@dataclass(frozen=True, slots=True)
class Script:
    exists: bool = False
    sections: frozenset[UUID] = field(default_factory=frozenset)
    sentences: frozenset[UUID] = field(default_factory=frozenset)


INITIAL = Script()


def evolve(state: Script, event: ScriptEvent) -> Script:
    match event:
        case ScriptDrafted():
            return Script(
                exists=True,
                sections=frozenset(s.section_id for s in event.sections),
                sentences=frozenset(n.sentence_id for s in event.sections for n in s.sentences),
            )
        case _:
            assert_never(event)


def fold(events: Iterable[ScriptEvent], state: Script = INITIAL) -> Script:
    for event in events:
        state = evolve(state, event)
    return state


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
            script_id=command.script_id,
            project_id=command.project_id,
            production_id=command.production_id,
            language=command.language,
            sections=sections,
            drafted_at=command.now,
        )
    ]


def _check_text(text: str) -> None:
    if not text.strip():
        raise Invalid("text", "text must not be blank")
    if len(text) > TEXT_MAX:
        raise Invalid("text", f"text must be at most {TEXT_MAX} characters (got {len(text)})")
