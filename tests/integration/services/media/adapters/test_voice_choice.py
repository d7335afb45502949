"""voiceSpec.voiceName picks the voice, for real: Piper's and espeak-ng's voices sound
different (measured on the WAVs), the language picks when no name is given or when the
named voice does not speak the sentence's language, and a name that is not installed is
refused, naming the installed voices."""

from __future__ import annotations

import itertools
import uuid
import wave
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest
from media_service.adapters.narrator import VoiceNarrator
from media_service.workers.ports import StageFailed
from videogen_contracts.media.events import VoiceSettings
from videogen_providers.tts.espeak import espeak_path
from videogen_providers.tts.voice_router import VoiceRouter
from videogen_providers.tts.voices import installed_catalogue

from tests.integration.aura.test_voice_settings import TEXT, f0

pytestmark = [pytest.mark.aura, pytest.mark.skipif(
    espeak_path() is None, reason="espeak-ng is not installed (apt-get install espeak-ng)"
)]



@pytest.fixture(scope="module")
async def narrator() -> AsyncIterator[VoiceNarrator]:
    narrator = VoiceNarrator(VoiceRouter(installed_catalogue(), workers=0))
    await narrator.start()
    yield narrator
    await narrator.aclose()


async def speak(
    narrator: VoiceNarrator, tmp_path: Path, name: str | None, language: str = "en"
) -> tuple[np.ndarray, int]:
    out = tmp_path / f"{uuid.uuid4().hex}.wav"
    await narrator.narrate(TEXT, VoiceSettings(voice=name), language, out)
    with wave.open(str(out)) as wav:
        rate = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    return samples.astype(np.float64), rate


def band_levels(audio: tuple[np.ndarray, int], bands: int = 32) -> np.ndarray:
    """The long-term spectrum in log-spaced bands from 100 Hz to 8 kHz, in dB of the total:
    a voice's timbre, whatever its loudness."""
    samples, rate = audio
    frame, power = 1024, np.zeros(513)
    for start in range(0, len(samples) - frame, frame // 2):
        power += np.abs(np.fft.rfft(samples[start:start + frame] * np.hanning(frame))) ** 2
    freqs = np.fft.rfftfreq(frame, 1 / rate)
    edges = np.geomspace(100, 8000, bands + 1)
    energy = np.array([power[(freqs >= lo) & (freqs < hi)].sum()
                       for lo, hi in itertools.pairwise(edges)])
    return np.asarray(10 * np.log10(energy / energy.sum()))


def spectral_distance(a: tuple[np.ndarray, int], b: tuple[np.ndarray, int]) -> float:
    """Mean absolute difference of the band levels, in dB."""
    return float(np.mean(np.abs(band_levels(a) - band_levels(b))))


async def test_two_voices_sound_different(narrator: VoiceNarrator, tmp_path: Path) -> None:
    joe = await speak(narrator, tmp_path, "joe-us")
    joe_again = await speak(narrator, tmp_path, "joe-us")
    espeak = await speak(narrator, tmp_path, "espeak:en-us")
    german = await speak(narrator, tmp_path, "espeak:de", "de")
    # Piper varies a little from one synthesis to the next; another voice, far more.
    same = spectral_distance(joe, joe_again)
    assert spectral_distance(joe, espeak) > max(2.0, 4 * same)
    assert spectral_distance(espeak, german) > max(1.0, 2 * same)
    # Both are voices (a male speaker's fundamental), not noise or silence.
    for audio in (joe, espeak, german):
        assert 60 < f0(audio) < 200


async def test_who_speaks_follows_the_name_else_the_language(narrator: VoiceNarrator) -> None:
    def speaker(name: str | None, language: str = "en") -> str:
        return narrator.speaker(VoiceSettings(voice=name), language)

    assert speaker(None) == speaker("joe-us") == speaker("JOE-US") == "piper:en_US-joe-medium"
    assert speaker("espeak:en-us") == "espeak:en-us"
    assert speaker(None, "de") == "espeak:de", "espeak-ng for a language Piper cannot speak"
    # The job's voice speaks the sentences of its own language; a German sentence in a
    # job voiced by joe-us is read by a German voice, not by the English one.
    assert speaker("joe-us", "en-GB") == "piper:en_US-joe-medium"
    assert speaker("joe-us", "de") == "espeak:de"
    assert speaker("espeak:fr-fr", "fr") == "espeak:fr-fr"


async def test_the_language_voice_is_the_one_that_speaks(
    narrator: VoiceNarrator, tmp_path: Path
) -> None:
    by_language = await speak(narrator, tmp_path, None, "de")
    named = await speak(narrator, tmp_path, "espeak:de", "de")
    piper = await speak(narrator, tmp_path, "joe-us")
    assert spectral_distance(by_language, named) < spectral_distance(by_language, piper) / 4


async def test_a_voice_that_is_not_installed_fails_naming_the_installed_ones(
    narrator: VoiceNarrator, tmp_path: Path
) -> None:
    with pytest.raises(StageFailed, match="unknown voice 'nobody'") as failed:
        await narrator.narrate(TEXT, VoiceSettings(voice="nobody"), "en", tmp_path / "x.wav")
    assert "joe-us" in failed.value.reason
    assert "espeak:de" in failed.value.reason
    assert not (tmp_path / "x.wav").exists()
