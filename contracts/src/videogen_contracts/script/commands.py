"""Script commands, sent over request/reply on `ns.command_subject("script", name)`.

Every command carries `command_id` (the idempotency key: a repeat is a no-op) and `now`
(set by the sender, so the decider never reads a clock). Studio commands name the
`project_id` whose one current script (`studio_script_id(project_id)`) they act on; the
gateway resolves it from its read model for routes that name only a section or sentence.

They answer with `CommandAccepted | CommandRejected` (replies.py). Requests that change
nothing (`expand_section`, `get_project_script`) are queries: see queries.py.

Commands that write with the project's brief carry `project_version`: the version of the
project's stream the sender has seen (the gateway's read model), so the answer waits until
the script service's copy of the brief and cast has caught up (a cast member added just
before "generate" reaches the prompt). `unavailable` if it does not catch up in time.
"""

from __future__ import annotations

from uuid import UUID

import msgspec

from videogen_contracts.project.events import Timestamp
from videogen_contracts.script.generation import GenerationMode


class DraftScriptFromText(msgspec.Struct, frozen=True, kw_only=True):
    """Turn plain text into a script: paragraphs become sections, split into sentences."""

    command_id: str
    now: Timestamp
    script_id: UUID
    project_id: UUID
    production_id: UUID | None = None
    text: str
    language: str = "en"


class QuickGenerate(msgspec.Struct, frozen=True, kw_only=True):
    """Write a whole script now and replace the project's sections (synchronous)."""

    command_id: str
    now: Timestamp
    project_id: UUID
    # None: the project's target duration, else 5 minutes.
    target_minutes: float | None = None
    # The project stream version the sender has seen (see the module doc); 0 = any.
    project_version: int = 0


class GenerateOutline(msgspec.Struct, frozen=True, kw_only=True):
    """Write an outline for review (synchronous); the reply's stream is `outline-<id>`."""

    command_id: str
    now: Timestamp
    project_id: UUID
    outline_id: UUID
    target_minutes: float | None = None
    # The project stream version the sender has seen (see the module doc); 0 = any.
    project_version: int = 0


class RegenerateOutlineSection(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    now: Timestamp
    outline_id: UUID
    # 0-based.
    section_index: int
    instructions: str | None = None
    # The project stream version the sender has seen (see the module doc); 0 = any.
    project_version: int = 0


class StartGeneration(msgspec.Struct, frozen=True, kw_only=True):
    """Queue a section-by-section run (asynchronous). Conflict while another one runs."""

    command_id: str
    now: Timestamp
    project_id: UUID
    job_id: UUID
    mode: GenerationMode = "auto"
    # Required with mode "from-outline" (the outline is approved by this command).
    outline_id: UUID | None = None
    # None: the outline's total ("from-outline"), else the project's target, else 5.
    target_minutes: float | None = None
    # The project stream version the sender has seen (see the module doc); 0 = any.
    project_version: int = 0


class AcceptExpansion(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    now: Timestamp
    project_id: UUID
    section_id: UUID
    sentences: list[str]
    # 0-based insertion index; None or past the end appends (clamped, never an error).
    position: int | None = None


class ReorderSections(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    now: Timestamp
    project_id: UUID
    # Exactly the script's sections, each once, in the new order.
    section_ids: list[UUID]


class ReorderSentences(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    now: Timestamp
    project_id: UUID
    section_id: UUID
    # Exactly the section's sentences, each once, in the new order.
    sentence_ids: list[UUID]


class MoveSentence(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    now: Timestamp
    project_id: UUID
    sentence_id: UUID
    target_section_id: UUID
    # 0-based index in the target section after the move; past the end is clamped to the
    # end (never an error); negative is invalid.
    position: int


class UpdateSentence(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    now: Timestamp
    project_id: UUID
    sentence_id: UUID
    text: str


class DeleteSentence(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    now: Timestamp
    project_id: UUID
    sentence_id: UUID


StudioScriptCommand = (
    AcceptExpansion | ReorderSections | ReorderSentences | MoveSentence | UpdateSentence
    | DeleteSentence
)

ScriptCommand = DraftScriptFromText

COMMANDS: dict[str, type[msgspec.Struct]] = {
    "draft_script_from_text": DraftScriptFromText, "quick_generate": QuickGenerate,
    "generate_outline": GenerateOutline, "regenerate_outline_section": RegenerateOutlineSection,
    "start_generation": StartGeneration, "accept_expansion": AcceptExpansion,
    "reorder_sections": ReorderSections, "reorder_sentences": ReorderSentences,
    "move_sentence": MoveSentence, "update_sentence": UpdateSentence,
    "delete_sentence": DeleteSentence,
}
