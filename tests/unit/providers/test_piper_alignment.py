"""Phoneme spans → the sentence's words, when espeak-ng's phoneme words and the written
words do not match one to one ("of the" said as one, "1999" as three)."""

from __future__ import annotations

from videogen_providers.tts.piper_alignment import (
    PhonemeSpan,
    phoneme_ids,
    phoneme_spans,
    phoneme_words,
    word_timings,
)

ID_MAP = {"^": [1], "_": [0], "$": [2], " ": [3], ",": [8], "a": [14], "b": [15], "d": [17],
          "ð": [41], "ə": [59], "ʌ": [60], "v": [34], "n": [26]}


def spans_of(text: str, samples_each: int = 100) -> list[PhonemeSpan]:
    phonemes = list(text)
    ids, owners = phoneme_ids(phonemes, ID_MAP)
    return phoneme_spans(phonemes, owners, [samples_each] * len(ids), 0)


def test_ids_and_owners_follow_pipers_layout() -> None:
    ids, owners = phoneme_ids(["a", "b"], ID_MAP)
    assert ids == [1, 0, 14, 0, 15, 0, 2]
    assert owners == [-1, -1, 0, 0, 1, 1, 2]


def test_one_to_one() -> None:
    words = phoneme_words(spans_of("ab, da"))
    timings = word_timings("Ab, da.", words, 100)
    assert [(t.word, t.start, t.end) for t in timings] == [("Ab,", 2.0, 6.0), ("da.", 10.0, 14.0)]


def test_two_written_words_said_as_one_are_split() -> None:
    words = phoneme_words(spans_of("ʌvðə bad"))  # "of the bad": espeak says "ʌvðə"
    timings = word_timings("of the bad", words, 100, solo=["ʌv", "ðə", "bad"])
    assert [t.word for t in timings] == ["of", "the", "bad"]
    of, the, bad = timings
    assert of.start < of.end <= the.start < the.end < bad.start
    assert of.end - of.start == the.end - the.start  # two phonemes each


def test_one_written_word_said_as_several() -> None:
    words = phoneme_words(spans_of("nan nab ab"))  # "1999 ab"
    timings = word_timings("1999 ab", words, 100, solo=["nan nab", "ab"])
    assert [(t.word, t.start) for t in timings] == [("1999", 2.0), ("ab", 18.0)]
    assert timings[0].end == 16.0
