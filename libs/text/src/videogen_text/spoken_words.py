"""The words of a sentence as a voice says them, and how long each takes to say.

Shared by everything that times words: Piper's alignments (which word a phoneme belongs
to), the aligner (how to spread words over a run of speech) and the unvoiced placeholder
(how long a sentence would take to read). A "word" is written as in the sentence, its
punctuation attached; a token with no letter or digit ("—", "&") joins its neighbour, so
every word is something a voice says. Scripts written without spaces (Chinese, Japanese)
are cut into characters, each with the punctuation that follows it.
"""

from __future__ import annotations

import re
import unicodedata

# Scripts written without spaces between words: each character is a unit of speech.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_VOWELS = re.compile(
    r"[aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿœāēīōūăĕĭŏŭąęįųəɛɔ"
    r"аеёиоуыэюяєіїαεηιουωάέήίόύώ]+",
    re.IGNORECASE,
)
_CLAUSE_END = frozenset(",;:.!?\u2026\u3001\u3002\uff0c\uff1b\uff1a\uff01\uff1f\u061f\u060c")
_SENTENCE_END = frozenset(".!?\u2026\u3002\uff01\uff1f\u061f")
_CLOSING = "\"')]\u00bb\u201d\u2019"  # closing quotes and brackets after the mark


def _speaks(token: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in token)


def spoken_words(text: str) -> list[str]:
    """The sentence's words in order, as written (see the module's docstring)."""
    words: list[str] = []
    pending = ""  # leading marks with no word yet ("“", "—"): they join the next word
    for token in text.split():
        for unit in _units(token):
            if not _speaks(unit):
                if words:
                    words[-1] += unit
                else:
                    pending += unit
                continue
            words.append(pending + unit)
            pending = ""
    if pending and words:
        words[-1] += pending
    return words


def _units(token: str) -> list[str]:
    """A token cut into characters where its script has no spaces, else the token."""
    if not _UNSPACED.search(token):
        return [token]
    units: list[str] = []
    run = ""  # a run of characters of spaced scripts inside the token ("CD" in "CDを")
    for ch in token:
        if _UNSPACED.match(ch):
            if run:
                units.append(run)
                run = ""
            units.append(ch)
        elif not _speaks(ch) and units and not run:
            units[-1] += ch  # punctuation after a character belongs to it
        else:
            run += ch
    if run:
        units.append(run)
    return units


def syllables(word: str) -> float:
    """About how many syllables (or morae, for Japanese kana) the word takes to say."""
    letters = [ch for ch in word if unicodedata.category(ch)[0] == "L"]
    digits = sum(ch.isdigit() for ch in word)
    count = 1.6 * digits  # "1999" is said "nineteen ninety-nine"
    if _UNSPACED.search(word):
        return count + sum(1.0 if _UNSPACED.match(ch) else 0.5 for ch in letters) or 1.0
    vowels = _VOWELS.findall(word)
    if vowels:
        count += len(vowels)
    elif letters:
        # Scripts whose vowels are not written as letters (Arabic, Hebrew, Devanagari's
        # inherent vowel): about one syllable per two letters.
        count += max(1.0, len(letters) / 2)
    return max(count, 1.0)


def ends_clause(word: str) -> bool:
    """The word ends a clause or a sentence: a voice pauses after it."""
    stripped = word.rstrip(_CLOSING)
    return bool(stripped) and stripped[-1] in _CLAUSE_END


def ends_sentence(word: str) -> bool:
    stripped = word.rstrip(_CLOSING)
    return bool(stripped) and stripped[-1] in _SENTENCE_END


def speaking_weight(word: str) -> float:
    """About how long the word takes to say, relative to other words of its sentence.

    Fitted on Piper's own word timings (213 English words, tests/bench/
    bench_word_timing.py): onset to onset ≈ 0.053 s a letter + 0.058 s a syllable - 0.04 s
    (a median error of 23 %, against 29 % by syllables alone). Digits count as the
    syllables they are said with.
    """
    letters = sum(unicodedata.category(ch)[0] == "L" for ch in word)
    digits = sum(ch.isdigit() for ch in word)
    return max(0.05, 0.053 * (letters + 2 * digits) + 0.058 * syllables(word) - 0.04)
