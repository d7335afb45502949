"""What a writer returned, made into script sections with deterministic ids.

A model's sentences are trimmed, those with nothing to say are dropped, and run-ons are cut
to what one scene carries (`drafting.bounded`). Ids are `uuid5(owner, "<key>:…")`: the same
written text under the same key (a command id, a job's section) always gets the same ids,
so a retried step stores the very same section.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID, uuid5

from videogen_contracts.script.events import ScriptSection, ScriptSentence
from videogen_text.segmentation import is_speakable

from script_service.domain.drafting import bounded, title_of

WORDS_PER_MINUTE = 150
TITLE_MAX = 200


def clean_sentences(sentences: Sequence[str]) -> list[str]:
    return [
        piece
        for sentence in sentences
        if is_speakable(sentence.strip())
        for piece in bounded(" ".join(sentence.split()))
    ]


def written_section(
    owner: UUID, key: str, order: int, title: str, sentences: Sequence[str]
) -> ScriptSection:
    """One section; its sentences cleaned (possibly none left: the caller decides)."""
    lines = clean_sentences(sentences)
    title = " ".join(title.split())[:TITLE_MAX] or (title_of(lines[0]) if lines else "Untitled")
    return ScriptSection(
        section_id=uuid5(owner, f"{key}:section:{order}"),
        title=title,
        order=order,
        sentences=[
            ScriptSentence(sentence_id=uuid5(owner, f"{key}:sentence:{order}:{i}"), text=t, order=i)
            for i, t in enumerate(lines)
        ],
    )


def written_sections(
    owner: UUID, key: str, drafts: Sequence[tuple[str, Sequence[str]]]
) -> list[ScriptSection]:
    """Sections in order; a section left without a sentence is dropped."""
    sections: list[ScriptSection] = []
    for title, sentences in drafts:
        section = written_section(owner, key, len(sections), title, sentences)
        if section.sentences:
            sections.append(section)
    return sections


def spoken_minutes(sections: Sequence[ScriptSection]) -> float:
    """How long the narration lasts at ~150 words per minute, to 0.1 minute."""
    words = sum(len(n.text.split()) for s in sections for n in s.sentences)
    return round(words / WORDS_PER_MINUTE, 1)


def sentence_count(sections: Sequence[ScriptSection]) -> int:
    return sum(len(s.sentences) for s in sections)
