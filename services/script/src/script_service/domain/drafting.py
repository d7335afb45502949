"""Plain text → sections → sentences, with ids derived from the script id.

Paragraphs (separated by a blank line) become sections; each is split into sentences by a
real sentence segmenter (abbreviations, decimals, quotes, ellipses, CJK full stops), which the
decider receives as a function so the domain stays free of any library choice. The ids
are `uuid5(script_id, position)`, so drafting the same text for the same script again
(a retried command) gives the very same ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from uuid import UUID, uuid5

from videogen_contracts.script.events import ScriptSection, ScriptSentence

# (paragraph, language) → its sentences, in order, covering all of its text.
SentenceSplitter = Callable[[str, str], Sequence[str]]

TITLE_CHARS = 60
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def is_speakable(text: str) -> bool:
    """Letters or digits, in any script; punctuation, symbols and emoji alone are not."""
    return any(ch.isalnum() for ch in text)


def speakable_sentences(pieces: Sequence[str]) -> list[str]:
    """Whitespace collapsed, and pieces with nothing to say ("🎉", "…") joined to a neighbour.

    They are kept rather than dropped so the captions still show them.
    """
    sentences: list[str] = []
    pending = ""  # unspeakable pieces before the first speakable one
    for piece in pieces:
        flat = " ".join(piece.split())
        if not flat:
            continue
        if is_speakable(flat):
            sentences.append(f"{pending} {flat}".strip() if pending else flat)
            pending = ""
        elif sentences:
            sentences[-1] = f"{sentences[-1]} {flat}"
        else:
            pending = f"{pending} {flat}".strip()
    return sentences


def title_of(sentence: str) -> str:
    if len(sentence) <= TITLE_CHARS:
        return sentence
    cut = sentence[:TITLE_CHARS]
    space = cut.rfind(" ")
    if space > TITLE_CHARS // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def section_id_for(script_id: UUID, index: int) -> UUID:
    return uuid5(script_id, f"section:{index}")


def sentence_id_for(script_id: UUID, section_index: int, index: int) -> UUID:
    return uuid5(script_id, f"sentence:{section_index}:{index}")


def draft_sections(
    script_id: UUID, text: str, language: str, split: SentenceSplitter
) -> list[ScriptSection]:
    sections: list[ScriptSection] = []
    for paragraph in paragraphs(text):
        sentences = speakable_sentences(split(paragraph, language))
        if not sentences:
            continue
        index = len(sections)
        sections.append(
            ScriptSection(
                section_id=section_id_for(script_id, index),
                title=title_of(sentences[0]),
                order=index,
                sentences=[
                    ScriptSentence(
                        sentence_id=sentence_id_for(script_id, index, order), text=s, order=order
                    )
                    for order, s in enumerate(sentences)
                ],
            )
        )
    return sections
