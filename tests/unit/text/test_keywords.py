"""keywords: content words in order without stopwords, Snowball stems, synonyms, senses."""

from __future__ import annotations

import pytest
from videogen_text.keyword_senses import SENSES
from videogen_text.keyword_synonyms import SYNONYMS
from videogen_text.keywords import content_words, sense, stem, synonyms
from videogen_text.stopwords import STOPWORDS


def test_content_words_keep_order_lower_case_and_drop_stopwords() -> None:
    assert content_words("The Honeybees visit the flowers in the sun.") == [
        "honeybees", "visit", "flowers", "sun",
    ]


def test_content_words_split_hyphens_digits_and_drop_possessives() -> None:
    assert content_words("Earth's solar-powered 3rd probe, isn't it?") == [
        "earth", "solar", "powered", "rd", "probe",
    ]
    assert content_words("It\u2019s the Moon\u2019s light") == ["moon", "light"]


def test_content_words_of_nothing_and_of_stopwords_only() -> None:
    assert content_words("") == []
    assert content_words("  ... !!! 42 ") == []
    assert content_words("and then it was there") == []
    assert not set(content_words(" ".join(sorted(STOPWORDS)))) & STOPWORDS


def test_content_words_in_other_scripts_are_whole_runs() -> None:
    assert content_words("Пчёлы летят") == ["пчёлы", "летят"]
    assert content_words("東京は日本の首都です。") == ["東京は日本の首都です"]


@pytest.mark.parametrize(
    ("word", "expected"),
    [("flowers", "flower"), ("running", "run"), ("bees", "bee"), ("sunny", "sunni"),
     ("leaves", "leaf"), ("mice", "mous"), ("children", "child"), ("Cooking", "cook")],
)
def test_stem_is_snowball_english_with_irregular_plurals(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_stem_leaves_other_scripts_unchanged() -> None:
    for word in ("пчёлы", "首都", "القمر", "שמש"):
        assert stem(word) == word


def test_synonyms_by_word_and_by_stem() -> None:
    assert {"insect", "honey"} <= set(synonyms("bee"))
    assert {"sunny", "solar", "sunlight"} <= set(synonyms("sun"))
    assert synonyms("bees") == synonyms("bee")  # no "bees" key: found through the stem
    assert synonyms("Sun") == synonyms("sun")
    assert synonyms("xylophonist") == ()


def test_synonym_tables_are_clean() -> None:
    for word, related in SYNONYMS.items():
        assert word == word.lower(), word
        assert " " not in word, word
        assert related, word
        assert word not in related, word
    for word, rows in SENSES.items():
        assert rows, word
        assert all(cues for cues, _ in rows[:-1]), f"{word}: only the last row may be cue-less"


def test_sense_picks_the_meaning_from_the_other_words() -> None:
    assert sense("bank", {stem("river"), stem("muddy")}) == ("water",)
    assert sense("bank", {stem("interest"), stem("money")}) is None  # the usual sense: as is
    assert sense("mouse", {stem("keyboard")}) == ("computer-mouse",)
    assert sense("mouse", {stem("cheese")}) == ("animal", "paw")
    assert sense("banks", {stem("rivers")}) == ("water",)  # inflected forms too
    assert sense("fall", set()) == ()  # nothing to picture in its usual sense
    assert sense("sun", {stem("river")}) is None
