"""Keywords of a sentence for picking pictures: content words, their stems, synonyms and senses.

Pure functions over text (no I/O). The stemmer is Snowball's English one; words in other
scripts pass through unchanged, so a Japanese sentence simply finds no English keywords.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]

from videogen_text.keyword_senses import SENSES
from videogen_text.keyword_synonyms import SYNONYMS
from videogen_text.stopwords import STOPWORDS

# Letters with inner apostrophes ("don't", "earth's"); digits, hyphens and punctuation split
# words, so "solar-powered" gives "solar" and "powered".
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_ENGLISH = snowballstemmer.stemmer("english")

# Plurals Snowball does not fold onto their singular ("leaves" stems to "leav", "leaf" to "leaf").
_IRREGULAR: dict[str, str] = {
    "leaves": "leaf", "wolves": "wolf", "knives": "knife", "loaves": "loaf", "halves": "half",
    "shelves": "shelf", "thieves": "thief", "calves": "calf", "mice": "mouse", "geese": "goose",
    "teeth": "tooth", "feet": "foot", "children": "child", "men": "man", "women": "woman",
    "oxen": "ox", "fungi": "fungus", "cacti": "cactus", "larvae": "larva", "potatoes": "potato",
    "tomatoes": "tomato", "heroes": "hero", "volcanoes": "volcano", "lives": "life",
    "wives": "wife", "dwarves": "dwarf", "hooves": "hoof", "scarves": "scarf",
}


def content_words(text: str) -> list[str]:
    """The words of `text` in order, lower-cased, without stopwords or possessive 's."""
    words: list[str] = []
    for match in _WORD.finditer(text.replace("\u2019", "'").lower()):
        word = match.group()
        if word.endswith("'s"):
            word = word[:-2]
        if word and word not in STOPWORDS:
            words.append(word)
    return words


def _latin(word: str) -> bool:
    # Latin letters up to Latin Extended-B: Snowball English is meaningless on anything else.
    return all(ord(ch) < 0x250 for ch in word)


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """Snowball English stem of a lower-case word; words in other scripts are returned unchanged."""
    if not _latin(word):
        return word
    lowered = word.lower()
    return str(_ENGLISH.stemWord(_IRREGULAR.get(lowered, lowered)))


# A sense row with its cue words stemmed: (cue stems, words to picture).
_Sense = tuple[frozenset[str], tuple[str, ...]]


def _by_stem() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[_Sense, ...]]]:
    synonyms_by_stem: dict[str, tuple[str, ...]] = {}
    for key in sorted(SYNONYMS):  # sorted: two keys sharing a stem resolve the same way every run
        synonyms_by_stem.setdefault(stem(key), SYNONYMS[key])
    senses = {
        stem(word): tuple((frozenset(map(stem, cues)), pictured) for cues, pictured in rows)
        for word, rows in SENSES.items()
    }
    return synonyms_by_stem, senses


_SYNONYMS_BY_STEM, _SENSES_BY_STEM = _by_stem()


def synonyms(word: str) -> tuple[str, ...]:
    """Related words for common video topics, looked up by the word and then by its stem."""
    found = SYNONYMS.get(word.lower())
    if found is None:
        found = _SYNONYMS_BY_STEM.get(stem(word), ())
    return found


def sense(word: str, context: Collection[str]) -> tuple[str, ...] | None:
    """The words to picture for an ambiguous word, given the stems of the other words around it.

    None: the word is not ambiguous here (picture the word and its synonyms). A tuple replaces
    them: ("water", "river") for "bank" beside "river"; () when no picture fits that sense.
    """
    for cue_stems, pictured in _SENSES_BY_STEM.get(stem(word), ()):
        # A row without cues is the word's usual sense when no earlier row's cue is present.
        if not cue_stems or not cue_stems.isdisjoint(context):
            return pictured
    return None
