"""Plain text → sections → sentences, with ids derived from the script id.

Paragraphs (separated by a blank line) become sections; each is split into sentences by
`videogen_text.segmentation` (abbreviations, decimals, quotes, ellipses, CJK full stops;
pieces with nothing to say join a neighbour), a pure library function. Run-on sentences
are cut to a length one scene can carry. The ids are `uuid5(script_id, position)`, so
drafting the same text for the same script again (a retried command) gives the very same
ids.
"""

from __future__ import annotations

import re
from uuid import UUID, uuid5

from videogen_contracts.script.events import ScriptSection, ScriptSentence
from videogen_text.segmentation import is_speakable, split_paragraphs, split_sentences

TITLE_CHARS = 60
# A "sentence" longer than this (a run-on text without full stops) is cut into pieces:
# each piece is one narrated scene with one caption, and the media service refuses
# sentences over 2,000 characters.
SENTENCE_CHARS = 400
# Where to cut an over-long sentence, best first: after clause punctuation, then a space.
_CLAUSE_END = re.compile(r"[,;:\u3001\uff0c\uff1b\uff1a\u060c\u061b]\s*")


def bounded(sentence: str, limit: int = SENTENCE_CHARS) -> list[str]:
    """`sentence` in pieces of at most `limit` characters, cut at a clause or a word."""
    pieces = []
    rest = sentence
    while len(rest) > limit:
        window = rest[:limit]
        clauses = [m.end() for m in _CLAUSE_END.finditer(window)]
        cut = clauses[-1] if clauses and clauses[-1] > limit // 2 else window.rfind(" ") + 1
        if cut <= limit // 4:  # no boundary worth the name (CJK, one long token)
            cut = limit
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return [p for p in pieces if p]


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


def draft_sections(script_id: UUID, text: str, language: str) -> list[ScriptSection]:
    sections: list[ScriptSection] = []
    for paragraph in split_paragraphs(text):
        sentences = [
            piece
            for sentence in split_sentences(paragraph, language)
            # A paragraph of nothing but "🎉" or "...": nothing to narrate, no scene.
            if is_speakable(sentence)
            for piece in bounded(sentence)
        ]
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
