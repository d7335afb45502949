"""Each sentence in its own language, for real: Piper for English (its own word timings),
espeak-ng for Arabic (timed by the aligner), and no voice at all for Japanese with kanji
(espeak-ng would spell each kanji as "Chinese letter"): silence of its reading time. The
issue's case: neither is read by the English voice, and each one's audio fits its text."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest
from media_service.adapters.narrator import VoiceNarrator
from videogen_contracts.media.events import VoiceSettings
from videogen_providers.tts.espeak import espeak_path
from videogen_providers.tts.language import sentence_language
from videogen_providers.tts.unvoiced import reading_time
from videogen_providers.tts.voice_router import VoiceRouter
from videogen_providers.tts.voices import installed_catalogue
from videogen_providers.tts.wav import parse_wav, wav_duration
from videogen_text.spoken_words import spoken_words

pytestmark = pytest.mark.skipif(
    espeak_path() is None, reason="espeak-ng is not installed (apt-get install espeak-ng)"
)
ENGLISH = "Honeybees visit flowers in the sun, and they dance to share the way."
JAPANESE = "東京は日本の首都です。"
ARABIC = "القاهرة هي عاصمة مصر وأكبر مدنها."
JOE = VoiceSettings(voice="joe-us")


@pytest.fixture(scope="module")
async def narrator() -> AsyncIterator[VoiceNarrator]:
    narrator = VoiceNarrator(VoiceRouter(installed_catalogue(), workers=1))
    await narrator.start()
    yield narrator
    await narrator.aclose()


def assert_timed(words: list[tuple[str, float, float]], text: str, seconds: float) -> None:
    assert [w for w, _, _ in words] == spoken_words(text)
    for (_, start, end), (_, next_start, _) in itertools.pairwise(words):
        assert 0 <= start <= end <= next_start + 1e-6
    assert words[-1][2] <= seconds + 1e-6


async def test_mixed_text_each_sentence_in_its_own_voice(
    narrator: VoiceNarrator, tmp_path: Path
) -> None:
    languages = [sentence_language(t, "en") for t in (ENGLISH, JAPANESE, ARABIC)]
    assert languages == ["en", "ja", "ar"]
    assert narrator.speaker(JOE, "en") == "piper:en_US-joe-medium"
    assert narrator.speaker(JOE, "ja") is None, "no installed voice reads kanji"
    assert narrator.speaker(JOE, "ar") == "espeak:ar"

    english = await narrator.narrate(ENGLISH, JOE, "en", tmp_path / "en.wav")
    assert english.source == "piper-alignment"
    assert english.voice == "piper:en_US-joe-medium"
    assert_timed([(w.word, w.start, w.end) for w in english.words], ENGLISH,
                 wav_duration(tmp_path / "en.wav"))

    arabic = await narrator.narrate(ARABIC, JOE, "ar", tmp_path / "ar.wav")
    seconds = wav_duration(tmp_path / "ar.wav")
    assert (arabic.source, arabic.voice, arabic.language) == ("aligner", "espeak:ar", "ar")
    assert_timed([(w.word, w.start, w.end) for w in arabic.words], ARABIC, seconds)
    # Its length fits its text (the English voice took ~14 s over a sentence like it).
    assert 0.5 * reading_time(ARABIC, "ar") < seconds < 2 * reading_time(ARABIC, "ar")
    audio = parse_wav((tmp_path / "ar.wav").read_bytes())
    assert float(np.abs(audio.samples).max()) > 3000, "it is spoken"

    japanese = await narrator.narrate(JAPANESE, JOE, "ja", tmp_path / "ja.wav")
    seconds = wav_duration(tmp_path / "ja.wav")
    assert (japanese.source, japanese.voice) == ("none", "")
    assert 1.5 < seconds < 4.0, "about its reading time, not the 7 s of spelled kanji"
    assert not parse_wav((tmp_path / "ja.wav").read_bytes()).samples.any(), "silence"
    assert_timed([(w.word, w.start, w.end) for w in japanese.words], JAPANESE, seconds)


async def test_a_voice_is_chosen_only_where_it_reads_the_script(
    narrator: VoiceNarrator, tmp_path: Path
) -> None:
    # espeak-ng's Japanese voice reads kana but spells kanji, and Japanese is written with
    # kanji: no voice for Japanese, even for a sentence in kana alone.
    assert narrator.speaker(VoiceSettings(), "ja") is None
    kana = await narrator.narrate("とうきょうはにほんのしゅとです。", JOE, "ja", tmp_path / "k.wav")
    assert kana.source == "none"
    # Mandarin's default espeak-ng voice spells words like 北京 in English; the pinyin one
    # reads them. Hebrew, Hindi and Korean are read.
    assert narrator.speaker(VoiceSettings(), "zh") == "espeak:cmn-latn-pinyin"
    for language in ("he", "hi", "ko"):
        assert narrator.speaker(VoiceSettings(), language) == f"espeak:{language}"
    # A Korean sentence with hanja: the voice would spell them, so it is not voiced.
    hanja = await narrator.narrate("서울은 韓國의 수도입니다.", JOE, "ko", tmp_path / "h.wav")
    assert hanja.source == "none"
    hangul = await narrator.narrate("서울은 한국의 수도입니다.", JOE, "ko", tmp_path / "g.wav")
    assert (hangul.source, hangul.voice) == ("aligner", "espeak:ko")
