"""The Script aggregate's state and `evolve`: sections in order, sentences in order.

A studio script is edited in place, so the state holds what the editing rules check: which
sections and sentences exist, their order, each sentence's text and revision, and which
generation run (if any) holds the script. Mappings are replaced, never mutated, so a state
once folded never changes under a decider.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import assert_never
from uuid import UUID

from videogen_contracts.script.events import (
    ScriptDrafted,
    ScriptEvent,
    ScriptGenerationEnded,
    ScriptGenerationStarted,
    ScriptReplaced,
    ScriptSection,
    ScriptSentence,
    SectionsReordered,
    SentenceDeleted,
    SentenceMoved,
    SentencesInserted,
    SentencesReordered,
    SentenceTextChanged,
)


@dataclass(frozen=True, slots=True)
class Sentence:
    sentence_id: UUID
    section_id: UUID
    text: str
    revision: int = 1


@dataclass(frozen=True, slots=True)
class Section:
    section_id: UUID
    title: str
    sentence_ids: tuple[UUID, ...]


@dataclass(frozen=True, slots=True)
class Script:
    # True once it has content (drafted or replaced); a run's lock alone does not count.
    exists: bool = False
    project_id: UUID | None = None
    language: str = "en"
    section_ids: tuple[UUID, ...] = ()
    sections: Mapping[UUID, Section] = field(default_factory=dict)
    sentences: Mapping[UUID, Sentence] = field(default_factory=dict)
    # The generation run that holds the script (queued or running), if any.
    generating: UUID | None = None

    def section(self, section_id: UUID) -> Section | None:
        return self.sections.get(section_id)

    def to_sections(self) -> list[ScriptSection]:
        """The script as the contract's sections, each with its ordered sentences."""
        return [
            ScriptSection(
                section_id=sid,
                title=self.sections[sid].title,
                order=order,
                sentences=[
                    ScriptSentence(sentence_id=n, text=self.sentences[n].text, order=i)
                    for i, n in enumerate(self.sections[sid].sentence_ids)
                ],
            )
            for order, sid in enumerate(self.section_ids)
        ]


INITIAL = Script()


def evolve(state: Script, event: ScriptEvent) -> Script:
    match event:
        case ScriptDrafted() | ScriptReplaced():
            return _with_sections(state, event.project_id, event.language, event.sections)
        case SectionsReordered():
            return replace(state, section_ids=tuple(event.section_ids))
        case SentencesReordered():
            section = state.sections[event.section_id]
            return _with_section(state, replace(section, sentence_ids=tuple(event.sentence_ids)))
        case SentenceMoved():
            return _moved(state, event)
        case SentenceTextChanged():
            sentence = replace(
                state.sentences[event.sentence_id], text=event.text, revision=event.revision
            )
            return replace(state, sentences={**state.sentences, event.sentence_id: sentence})
        case SentenceDeleted():
            section = state.sections[event.section_id]
            kept = tuple(s for s in section.sentence_ids if s != event.sentence_id)
            state = _with_section(state, replace(section, sentence_ids=kept))
            sentences = {k: v for k, v in state.sentences.items() if k != event.sentence_id}
            return replace(state, sentences=sentences)
        case SentencesInserted():
            return _inserted(state, event)
        case ScriptGenerationStarted():
            return replace(state, project_id=event.project_id, generating=event.job_id)
        case ScriptGenerationEnded():
            held = state.generating == event.job_id
            return replace(state, generating=None) if held else state
        case _:
            assert_never(event)


def fold(events: Iterable[ScriptEvent], state: Script = INITIAL) -> Script:
    for event in events:
        state = evolve(state, event)
    return state


def _with_sections(
    state: Script, project_id: UUID, language: str, sections: list[ScriptSection]
) -> Script:
    ordered = sorted(sections, key=lambda s: s.order)
    by_id = {}
    sentences = {}
    for section in ordered:
        lines = sorted(section.sentences, key=lambda n: n.order)
        by_id[section.section_id] = Section(
            section.section_id, section.title, tuple(n.sentence_id for n in lines)
        )
        for line in lines:
            sentences[line.sentence_id] = Sentence(line.sentence_id, section.section_id, line.text)
    return replace(
        state, exists=True, project_id=project_id, language=language,
        section_ids=tuple(s.section_id for s in ordered), sections=by_id, sentences=sentences,
    )


def _with_section(state: Script, section: Section) -> Script:
    return replace(state, sections={**state.sections, section.section_id: section})


def _moved(state: Script, event: SentenceMoved) -> Script:
    source = state.sections[event.from_section_id]
    state = _with_section(
        state,
        replace(
            source, sentence_ids=tuple(s for s in source.sentence_ids if s != event.sentence_id)
        ),
    )
    target = state.sections[event.to_section_id]
    ids = list(target.sentence_ids)
    ids.insert(event.position, event.sentence_id)
    state = _with_section(state, replace(target, sentence_ids=tuple(ids)))
    sentence = replace(state.sentences[event.sentence_id], section_id=event.to_section_id)
    return replace(state, sentences={**state.sentences, event.sentence_id: sentence})


def _inserted(state: Script, event: SentencesInserted) -> Script:
    section = state.sections[event.section_id]
    ids = list(section.sentence_ids)
    ids[event.position : event.position] = [s.sentence_id for s in event.sentences]
    state = _with_section(state, replace(section, sentence_ids=tuple(ids)))
    added = {
        s.sentence_id: Sentence(s.sentence_id, event.section_id, s.text) for s in event.sentences
    }
    return replace(state, sentences={**state.sentences, **added})
