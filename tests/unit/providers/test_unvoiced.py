"""A sentence no voice can speak: silence of its reading time, its words spread over it."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from videogen_providers.tts.unvoiced import reading_time, write_unvoiced
from videogen_providers.tts.wav import parse_wav, wav_duration


def test_japanese_gets_silence_of_its_reading_time(tmp_path: Path) -> None:
    out = tmp_path / "ja.wav"
    words = write_unvoiced("東京は日本の首都です。", "ja", out)
    seconds = wav_duration(out)
    assert 1.5 < seconds < 3.5  # 16 morae at ~7.5 a second, not the 7 s of spelled kanji
    assert not parse_wav(out.read_bytes()).samples.any()
    assert (words.source, words.language, words.voice) == ("none", "ja", "")
    assert [w.word for w in words.words] == [*"東京は日本の首都で", "す。"]
    for a, b in itertools.pairwise(words.words):
        assert a.start < a.end == pytest.approx(b.start)
    assert words.words[-1].end <= seconds
    # A kanji takes longer to read than a kana.
    assert words.words[0].end - words.words[0].start > words.words[2].end - words.words[2].start


def test_reading_time_grows_with_the_text() -> None:
    short, long = "Salut.", "Les abeilles dansent pour montrer le chemin vers les fleurs."
    assert reading_time(short, "fr") == 1.0  # at least a second on screen
    assert 2.5 < reading_time(long, "fr") < 6.0
    chinese, japanese = "北京是中国的首都。", "東京は日本の首都です。"
    assert reading_time(chinese, "zh") < reading_time(japanese, "ja") + 1
