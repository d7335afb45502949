"""A studio script's editing rules as a pure decider: `decide_edit(command, state)`.

Every command is decided against the state its append will extend (the shared handler
appends with the folded version and decides again after a concurrent write), so two
concurrent edits are applied one after the other, each checked against what the other
left. Two reorders of one section: the second is validated against the first's result,
and since a reorder lists every sentence, it still matches unless the other one added or
removed a sentence (then it is `Invalid`, never a silent lost update).

Positions past the end of a section are CLAMPED to its end (move and insert alike); a
negative position is invalid. A command that would change nothing produces no event.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import assert_never
from uuid import UUID, uuid5

from videogen_contracts.errors import Conflict, Invalid, NotFound
from videogen_contracts.script.commands import (
    AcceptExpansion,
    DeleteSentence,
    MoveSentence,
    ReorderSections,
    ReorderSentences,
    StudioScriptCommand,
    UpdateSentence,
)
from videogen_contracts.script.events import (
    InsertedSentence,
    ScriptEvent,
    ScriptGenerationEnded,
    ScriptReplaced,
    SectionsReordered,
    SentenceDeleted,
    SentenceMoved,
    SentencesInserted,
    SentencesReordered,
    SentenceTextChanged,
    studio_script_id,
)
from videogen_text.segmentation import is_speakable

from script_service.domain.commands import EndGeneration, ReplaceScript
from script_service.domain.script import SENTENCES_MAX
from script_service.domain.script_state import Script, Section, Sentence

# The media service narrates sentences of up to 2,000 characters.
SENTENCE_MAX = 2_000
INSERT_MAX = 50

EditCommand = StudioScriptCommand | ReplaceScript | EndGeneration


def decide_edit(command: EditCommand, state: Script) -> list[ScriptEvent]:
    """The events an edit produces; raises NotFound / Invalid / Conflict instead."""
    match command:
        case ReorderSections():
            return _reorder_sections(command, state)
        case ReorderSentences():
            return _reorder_sentences(command, state)
        case MoveSentence():
            return _move(command, state)
        case UpdateSentence():
            return _update(command, state)
        case DeleteSentence():
            sentence = _sentence(state, command.sentence_id)
            return [
                SentenceDeleted(
                    **_ids(command.project_id), sentence_id=sentence.sentence_id,
                    section_id=sentence.section_id, deleted_at=command.now,
                )
            ]
        case AcceptExpansion():
            return _accept(command, state)
        case ReplaceScript():
            return _replace(command, state)
        case EndGeneration():
            if state.generating != command.job_id:
                return []  # already let go (a repeated step): nothing to do
            return [
                ScriptGenerationEnded(
                    **_ids(command.project_id), job_id=command.job_id, outcome=command.outcome,
                    ended_at=command.now,
                )
            ]
        case _:
            assert_never(command)


def check_sentence_text(text: str, field: str = "text") -> str:
    """The text as stored (trimmed); Invalid when there is nothing to narrate or too much."""
    text = text.strip()
    if not text:
        raise Invalid(field, f"{field} must not be blank")
    if len(text) > SENTENCE_MAX:
        raise Invalid(field, f"{field} must be at most {SENTENCE_MAX} characters (got {len(text)})")
    if not is_speakable(text):
        raise Invalid(field, f"{field} has nothing to say: it holds no letter or digit")
    return text


def _ids(project_id: UUID) -> dict[str, UUID]:
    return {"script_id": studio_script_id(project_id), "project_id": project_id}


def _section(
    state: Script, section_id: UUID, what: str = "section", field: str | None = None
) -> Section:
    section = state.section(section_id)
    if section is None:
        raise NotFound(f"{what} {section_id} not found in this project's script", field)
    return section


def _sentence(state: Script, sentence_id: UUID) -> Sentence:
    sentence = state.sentences.get(sentence_id)
    if sentence is None:
        raise NotFound(f"sentence {sentence_id} not found in this project's script")
    return sentence


def check_complete_order(
    field: str, given: Sequence[UUID], current: Sequence[UUID], what: str
) -> None:
    """`given` must be `current` reordered: every id once, none missing, none foreign."""
    if not given:
        raise Invalid(field, f"{field} must list every {what} in its new order; it is empty")
    seen: set[UUID] = set()
    known = set(current)
    for item in given:
        if item in seen:
            raise Invalid(field, f"{field} lists {what} {item} twice")
        if item not in known:
            raise Invalid(field, f"{field} lists {item}, which is not a {what} here")
        seen.add(item)
    missing = [str(item) for item in current if item not in seen]
    if missing:
        raise Invalid(field, f"{field} must list every {what}; missing: {', '.join(missing)}")


def _reorder_sections(command: ReorderSections, state: Script) -> list[ScriptEvent]:
    check_complete_order("section_ids", command.section_ids, state.section_ids, "section")
    if tuple(command.section_ids) == state.section_ids:
        return []
    return [
        SectionsReordered(
            **_ids(command.project_id), section_ids=list(command.section_ids),
            reordered_at=command.now,
        )
    ]


def _reorder_sentences(command: ReorderSentences, state: Script) -> list[ScriptEvent]:
    section = _section(state, command.section_id)
    check_complete_order(
        "sentence_ids", command.sentence_ids, section.sentence_ids, "sentence of this section"
    )
    if tuple(command.sentence_ids) == section.sentence_ids:
        return []
    return [
        SentencesReordered(
            **_ids(command.project_id), section_id=command.section_id,
            sentence_ids=list(command.sentence_ids), reordered_at=command.now,
        )
    ]


def _move(command: MoveSentence, state: Script) -> list[ScriptEvent]:
    sentence = _sentence(state, command.sentence_id)
    target = _section(state, command.target_section_id, "target section", "target_section_id")
    if command.position < 0:
        raise Invalid("position", f"position must be 0 or more (got {command.position})")
    others = [s for s in target.sentence_ids if s != sentence.sentence_id]
    position = min(command.position, len(others))  # past the end: clamped to the end
    if (
        sentence.section_id == target.section_id
        and target.sentence_ids.index(sentence.sentence_id) == position
    ):
        return []
    return [
        SentenceMoved(
            **_ids(command.project_id), sentence_id=sentence.sentence_id,
            from_section_id=sentence.section_id, to_section_id=target.section_id, position=position,
            moved_at=command.now,
        )
    ]


def _update(command: UpdateSentence, state: Script) -> list[ScriptEvent]:
    sentence = _sentence(state, command.sentence_id)
    text = check_sentence_text(command.text)
    if text == sentence.text:
        return []
    return [
        SentenceTextChanged(
            **_ids(command.project_id), sentence_id=sentence.sentence_id,
            section_id=sentence.section_id, text=text, revision=sentence.revision + 1,
            changed_at=command.now,
        )
    ]


def _accept(command: AcceptExpansion, state: Script) -> list[ScriptEvent]:
    section = _section(state, command.section_id)
    if not command.sentences:
        raise Invalid("sentences", "sentences must hold at least one sentence to insert")
    if len(command.sentences) > INSERT_MAX:
        raise Invalid("sentences", f"at most {INSERT_MAX} sentences can be inserted at once")
    texts = [check_sentence_text(t, f"sentences[{i}]") for i, t in enumerate(command.sentences)]
    if len(state.sentences) + len(texts) > SENTENCES_MAX:
        raise Invalid("sentences", f"a script holds at most {SENTENCES_MAX} sentences")
    if command.position is not None and command.position < 0:
        raise Invalid("position", f"position must be 0 or more (got {command.position})")
    end = len(section.sentence_ids)
    position = end if command.position is None else min(command.position, end)
    script_id = studio_script_id(command.project_id)
    inserted = [
        InsertedSentence(
            sentence_id=uuid5(script_id, f"{command.command_id}:inserted:{i}"), text=text
        )
        for i, text in enumerate(texts)
    ]
    return [
        SentencesInserted(
            **_ids(command.project_id), section_id=section.section_id, position=position,
            sentences=inserted, inserted_at=command.now,
        )
    ]


def _replace(command: ReplaceScript, state: Script) -> list[ScriptEvent]:
    if command.source == "quick" and state.generating is not None:
        raise Conflict(
            f"generation {state.generating} is writing this project's script; wait for it to finish"
        )
    if command.source == "generation" and state.generating != command.job_id:
        raise Conflict(f"generation {command.job_id} no longer holds this project's script")
    if not any(s.sentences for s in command.sections):
        raise Invalid("sections", "the new script has no sentence")
    return [
        ScriptReplaced(
            **_ids(command.project_id), source=command.source, job_id=command.job_id,
            language=command.language, sections=command.sections,
            provider_label=command.provider_label, usage=command.usage, replaced_at=command.now,
        )
    ]
