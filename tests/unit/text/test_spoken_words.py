"""The words a voice says, as written, and their weights."""

from __future__ import annotations

from videogen_text.spoken_words import (
    ends_clause,
    speaking_weight,
    spoken_words,
    syllables,
)


def test_words_keep_their_punctuation_and_marks_join_a_word() -> None:
    assert spoken_words("The fox, in 1999 — jumps “high”.") == [
        "The", "fox,", "in", "1999—", "jumps", "“high”."
    ]
    assert spoken_words("— hi") == ["—hi"]
    assert spoken_words("!!! …") == []


def test_unspaced_scripts_are_cut_into_characters() -> None:
    assert spoken_words("わたしはCDを。") == ["わ", "た", "し", "は", "CD", "を。"]


def test_weights() -> None:
    assert syllables("a") == 1
    assert syllables("banana") == 3
    assert syllables("1999") > 5
    assert speaking_weight("extraordinary") > 3 * speaking_weight("at")
    assert ends_clause("morning,")
    assert ends_clause("“done.”")
    assert not ends_clause("dog")
