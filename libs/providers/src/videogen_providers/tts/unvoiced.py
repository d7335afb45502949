"""A sentence no installed voice can speak: silence of its reading time, never mumbling.

An English voice reading Japanese spells each kanji as "Chinese letter"; espeak-ng's
Japanese voice does the same for kanji. Rather than that, the sentence gets silence as
long as a reader would take over it (its caption stays up that long), its words spread
over it by their syllables, and the quality report says it was not voiced
(`SentenceWords.source == "none"`).

Reading rates, in syllables (morae for Japanese) per second, from typical speech rates:
Japanese ~7.5 morae/s with a kanji read as two morae and a kana as one; Mandarin ~5
syllables/s, one a character; Korean ~6 syllables/s, one a hangul block; every other
language ~4.5 syllables/s by videogen_text.spoken_words.syllables.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from videogen_text.spoken_words import spoken_words, syllables
from videogen_text.words import SentenceWords, WordTiming

from videogen_providers.tts.wav import PcmAudio, write_wav_atomically

SAMPLE_RATE = 22_050
LEAD_S = 0.1
_RATES = {"ja": 7.5, "zh": 5.0, "yue": 5.0, "ko": 6.0}
DEFAULT_RATE = 4.5
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")


def reading_units(word: str, language: str) -> float:
    """Syllables (or morae) a reader says for `word`."""
    if language == "ja":
        return max(1.0, 2.0 * len(_HAN.findall(word)) + len(_KANA.findall(word))
                   + (syllables(word) if not (_HAN.search(word) or _KANA.search(word)) else 0))
    if language in ("zh", "yue") and _HAN.search(word):
        return float(len(_HAN.findall(word)))
    if language == "ko" and _HANGUL.search(word):
        return float(len(_HANGUL.findall(word)))
    return syllables(word)


def reading_time(text: str, language: str) -> float:
    """Seconds a reader takes over the sentence (at least one)."""
    rate = _RATES.get(language, DEFAULT_RATE)
    units = sum(reading_units(w, language) for w in spoken_words(text))
    return max(1.0, units / rate + 2 * LEAD_S)


def write_unvoiced(text: str, language: str, out: Path) -> SentenceWords:
    """Write silence of the sentence's reading time to `out` (a WAV, whole or not at all)
    and return its words spread over it (source "none": nothing was spoken)."""
    seconds = reading_time(text, language)
    samples = np.zeros(round(seconds * SAMPLE_RATE), dtype=np.int16)
    write_wav_atomically(out, PcmAudio(samples, SAMPLE_RATE, 1))
    words = spoken_words(text)
    units = [reading_units(w, language) for w in words]
    span, total = seconds - 2 * LEAD_S, sum(units) or 1.0
    timings, start = [], LEAD_S
    for word, unit in zip(words, units, strict=True):
        end = start + span * unit / total
        timings.append(WordTiming(word, round(start, 4), round(end, 4)))
        start = end
    return SentenceWords(source="none", words=timings, language=language, voice="")
