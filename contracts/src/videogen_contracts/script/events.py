"""Script events: the public, versioned record of a script (sections → sentences).

One aggregate, `Script`, on stream `script-<script_id>`. A text2video production drafts
its own script (`script_id` = the production id, `ScriptDrafted`). A studio project has ONE
current script, `script_id = studio_script_id(project_id)`, written by quick-generate or a
generation run (`ScriptReplaced`) and edited in place (the other events). Section and
sentence ids are derived (uuid5), so a retried command gives the same ids.

Tags are class names, stored as is and never renamed. A new field gets a default; a
breaking change bumps `schema_version` and adds an upcaster. The Outline and GenerationRun
aggregates of the same service are in `outline.py` and `generation.py`.
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args
from uuid import UUID, uuid5

import msgspec

from videogen_contracts.project.events import Timestamp

SERVICE = "script"


def stream_id_for(script_id: UUID) -> str:
    """The Script aggregate's stream: `script-<uuid>`."""
    return f"script-{script_id}"


def studio_script_id(project_id: UUID) -> UUID:
    """The id of a studio project's one current script: `uuid5(project_id, "studio")`."""
    return uuid5(project_id, "studio")


class LLMUsage(msgspec.Struct, frozen=True, kw_only=True):
    """What one writer call cost (retries included), so cost can be reported per event."""

    prompt_tokens: int
    completion_tokens: int
    model: str
    # "offline" or "openai"; `provider_label` on the event says which model wrote it.
    provider: str


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


class ScriptReplaced(ScriptEventBase, frozen=True, kw_only=True, tag="ScriptReplaced"):
    """A studio script's sections, all replaced at once (quick-generate or a finished run).

    Sentences start at revision 1. Whatever the script held before is gone.
    """

    source: Literal["quick", "generation"]
    # The generation run that wrote it (source == "generation").
    job_id: UUID | None = None
    language: str = "en"
    sections: list[ScriptSection]
    # "offline" or "openai:<model>": who wrote the text.
    provider_label: str
    usage: LLMUsage | None = None
    replaced_at: Timestamp


class SectionsReordered(ScriptEventBase, frozen=True, kw_only=True, tag="SectionsReordered"):
    # Every section of the script, in its new order (position = index).
    section_ids: list[UUID]
    reordered_at: Timestamp


class SentencesReordered(ScriptEventBase, frozen=True, kw_only=True, tag="SentencesReordered"):
    section_id: UUID
    # Every sentence of the section, in its new order (position = index).
    sentence_ids: list[UUID]
    reordered_at: Timestamp


class SentenceMoved(ScriptEventBase, frozen=True, kw_only=True, tag="SentenceMoved"):
    sentence_id: UUID
    from_section_id: UUID
    to_section_id: UUID
    # 0-based index in the target section AFTER the move (already clamped to its end);
    # the sentences at and after it shift down by one.
    position: int
    moved_at: Timestamp


class SentenceTextChanged(ScriptEventBase, frozen=True, kw_only=True, tag="SentenceTextChanged"):
    """New text: the sentence's narration and visual are stale until the next render."""

    sentence_id: UUID
    section_id: UUID
    text: str
    # Starts at 1 (written); every text change adds one.
    revision: int
    changed_at: Timestamp


class SentenceDeleted(ScriptEventBase, frozen=True, kw_only=True, tag="SentenceDeleted"):
    sentence_id: UUID
    section_id: UUID
    deleted_at: Timestamp


class InsertedSentence(msgspec.Struct, frozen=True, kw_only=True):
    sentence_id: UUID
    text: str


class SentencesInserted(ScriptEventBase, frozen=True, kw_only=True, tag="SentencesInserted"):
    """Sentences added to a section (accepted AI expansion), revision 1."""

    section_id: UUID
    # 0-based index of the first inserted sentence (already clamped to the section's end);
    # the sentences at and after it shift down by len(sentences).
    position: int
    sentences: list[InsertedSentence]
    inserted_at: Timestamp


class ScriptGenerationStarted(
    ScriptEventBase, frozen=True, kw_only=True, tag="ScriptGenerationStarted"
):
    """A generation run now holds the project's script: one run at a time per project."""

    job_id: UUID
    started_at: Timestamp


class ScriptGenerationEnded(
    ScriptEventBase, frozen=True, kw_only=True, tag="ScriptGenerationEnded"
):
    """The run let go of the script (after its `ScriptReplaced`, or because it failed)."""

    job_id: UUID
    outcome: Literal["completed", "failed"]
    ended_at: Timestamp


ScriptEvent = (
    ScriptDrafted | ScriptReplaced | SectionsReordered | SentencesReordered | SentenceMoved
    | SentenceTextChanged | SentenceDeleted | SentencesInserted | ScriptGenerationStarted
    | ScriptGenerationEnded
)

EVENT_TYPES: tuple[type[ScriptEventBase], ...] = get_args(ScriptEvent)

event_decoder: msgspec.json.Decoder[ScriptEvent] = msgspec.json.Decoder(ScriptEvent)
