# ruff: noqa: RUF001, RUF002  (the point of this module is non-ASCII punctuation)
"""Text → paragraphs → sentences, for narration one sentence at a time.

A sentence ends at `.`, `!`, `?`, `…` or the CJK/fullwidth marks `。！？`, together with any
closing quotes or brackets after it, when what follows looks like the start of a new
sentence. The work is in the exceptions: abbreviations ("Dr.", "e.g.", "U.S."), decimals
("3.14"), ellipses inside a sentence ("and then... nothing"), and quotes whose own full
stop does not end the surrounding sentence ("He said 'Hi.' then left").
"""

from __future__ import annotations

import re
import unicodedata

# Abbreviations that never end a sentence when followed by more text (lower case, no dot).
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "vs", "etc", "e.g", "i.e",
    "cf", "al", "approx", "dept", "est", "fig", "gen", "gov", "inc", "ltd", "co", "corp", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no", "nos",
    "vol", "pp", "ed", "eds", "capt", "col", "lt", "sgt", "rev", "hon", "u.s", "u.k", "u.n",
    "a.m", "p.m", "ph.d", "b.a", "m.a",
})
# Titles that are always followed by a name, so even a capital after them continues.
_TITLES = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "capt", "col", "lt", "sgt", "rev",
    "hon", "gen", "gov",
})

_TERMINATORS = ".!?…。！？｡"
_CLOSERS = "\"'”’»)]}」』）】"
_CJK_TERMINATORS = "。！？｡"

# A candidate boundary: terminators (an ellipsis or a run like "?!"), then closers.
_BOUNDARY = re.compile(rf"(\.{{3,}}|[{re.escape(_TERMINATORS)}]+)([{re.escape(_CLOSERS)}]*)")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def split_paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs (sections); single newlines are plain spaces."""
    parts = (" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text))
    return [p for p in parts if p]


def split_sentences(paragraph: str, language: str = "en") -> list[str]:
    """Sentences of one paragraph, in order, stripped; nothing in the text is lost."""
    text = " ".join(paragraph.split())
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if _ends_sentence(text, match, start):
            piece = text[start:end].strip()
            if piece:
                sentences.append(piece)
            start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return _merge_unspeakable(sentences)


def _ends_sentence(text: str, match: re.Match[str], start: int) -> bool:
    marks, closers = match.group(1), match.group(2)
    rest = text[match.end() :]
    if not rest.strip():
        return True
    if marks[-1] in _CJK_TERMINATORS:
        # CJK full stops need no space after them and always end the sentence.
        return True
    if not rest.startswith(" "):
        # "3.14", "e.g.x", "U.S.A", "example.com": a mark inside a token ends nothing.
        return False
    following = rest.lstrip()
    first = following[0]
    if marks == ".":
        word = _word_before(text, match.start())
        if word in _TITLES or _is_initial(word):
            # Initials ("J. R. R. Tolkien") are read as part of a name; a sentence ending
            # in a lone capital letter ("Plan B. Then…") is rarer than a name.
            return False
        if word in _ABBREVIATIONS:
            # "e.g. the cat" continues; "… at 5 p.m. Then we left" starts anew.
            return first.isupper() and word not in {"e.g", "i.e", "cf", "vs"}
    if marks.startswith("...") or marks == "…":
        # An ellipsis ends a sentence only when a new one visibly starts.
        return _starts_sentence(first)
    if closers and not marks:
        return False
    if closers and first.islower():
        # He said 'Hi.' then left.  — the quote's stop belongs to the quote.
        return False
    return _starts_sentence(first) or not first.isalpha()


def _word_before(text: str, index: int) -> str:
    """The token right before a full stop, lower-cased, dots inside kept (e.g, u.s)."""
    begin = index
    while begin > 0 and (text[begin - 1].isalnum() or text[begin - 1] == "."):
        begin -= 1
    return text[begin:index].lower().lstrip(".")


def _is_initial(word: str) -> bool:
    """A single letter ("J. R. R. Tolkien") is an initial, not a sentence."""
    return len(word) == 1 and word.isalpha()


def _starts_sentence(char: str) -> bool:
    if char.isupper() or char.isdigit():
        return True
    # Scripts without case (CJK, Arabic, Hebrew, …): any letter may start a sentence.
    return char.isalpha() and not char.islower()


def is_speakable(text: str) -> bool:
    """True when the text has something a voice can say: a letter or a digit."""
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in text)


def _merge_unspeakable(sentences: list[str]) -> list[str]:
    """A piece with nothing to say ("!!!", "🙂.") joins the sentence before it."""
    merged: list[str] = []
    for sentence in sentences:
        if merged and not is_speakable(sentence):
            merged[-1] = f"{merged[-1]} {sentence}"
        else:
            merged.append(sentence)
    if len(merged) > 1 and not is_speakable(merged[0]):
        merged[1] = f"{merged[0]} {merged[1]}"
        merged.pop(0)
    return merged
