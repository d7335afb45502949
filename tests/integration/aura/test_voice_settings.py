"""voiceSpec reaches the voice: real Piper (the wheel's voice), rate, pitch and pause each
change the audio in the way they promise."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from videogen_providers.tts.piper_model import default_voice_model
from videogen_providers.tts.piper_voice import load_voice, synthesize_to_wav

TEXT = "The quick brown fox jumps over the lazy dog, and then it rests in the sun."


@pytest.fixture(scope="module")
def voice() -> object:
    return load_voice(default_voice_model())


def speak(voice: object, tmp_path: Path, *, rate: float = 1.0, pitch: float = 1.0,
          pause_ms: int = 0) -> tuple[np.ndarray, int]:
    out = tmp_path / f"r{rate}-p{pitch}-{pause_ms}.wav"
    synthesize_to_wav(voice, TEXT, rate, pause_ms, out, pitch=pitch)  # type: ignore[arg-type]
    with wave.open(str(out)) as wav:
        rate_hz = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    return samples.astype(np.float64), rate_hz


def seconds(audio: tuple[np.ndarray, int]) -> float:
    return len(audio[0]) / audio[1]


def f0(audio: tuple[np.ndarray, int]) -> float:
    """Median fundamental frequency of the voiced frames (autocorrelation, 50 to 300 Hz)."""
    samples, rate = audio
    frame, found = 2048, []
    for start in range(0, len(samples) - frame, frame // 2):
        piece = samples[start:start + frame] / 32768
        if np.sqrt(np.mean(piece**2)) < 0.05:
            continue  # silence or a breath
        piece = piece - piece.mean()
        ac = np.correlate(piece, piece, "full")[frame - 1:]
        low, high = rate // 300, rate // 50
        found.append(rate / (low + int(np.argmax(ac[low:high]))))
    return float(np.median(found))


def test_a_slower_rate_gives_a_longer_narration(voice: object, tmp_path: Path) -> None:
    normal, slow, fast = (speak(voice, tmp_path, rate=r) for r in (1.0, 0.6, 1.6))
    assert seconds(slow) > seconds(normal) * 1.4
    assert seconds(fast) < seconds(normal) * 0.8


def test_pitch_moves_the_voice_and_keeps_roughly_the_length(
    voice: object, tmp_path: Path
) -> None:
    low, normal, high = (speak(voice, tmp_path, pitch=p) for p in (0.7, 1.0, 1.5))
    # Asked 0.7 and 1.5 times; measured 0.73 to 0.81 and 1.35 to 1.49 times over runs (Piper's
    # synthesis varies, and so does the autocorrelation estimate). Unchanged measures 1.0.
    assert f0(low) < f0(normal) * 0.87
    assert f0(high) > f0(normal) * 1.2
    for other in (low, high):
        assert abs(seconds(other) - seconds(normal)) < seconds(normal) * 0.2


def trailing_silence(audio: tuple[np.ndarray, int]) -> float:
    """Seconds of exact digital silence at the end."""
    samples, rate = audio
    sounding = np.flatnonzero(samples)
    return (len(samples) - (sounding[-1] + 1 if len(sounding) else 0)) / rate


def test_the_pause_is_added_after_the_sentence(voice: object, tmp_path: Path) -> None:
    plain, paused = speak(voice, tmp_path), speak(voice, tmp_path, pause_ms=800)
    # Piper's phoneme lengths vary from one synthesis to the next (its noise is random, by
    # a tenth of a second on a loaded machine), so the pause is measured where it is: as
    # the silence after the last sounding sample, not as a difference of two syntheses.
    assert trailing_silence(paused) - trailing_silence(plain) == pytest.approx(0.8, abs=0.02)
    # Added, not carved out of the speech: what sounds before it lasts as long as the plain
    # sentence does, within that same synthesis noise (one run spoke 0.23 s less with it).
    spoken, spoken_plain = (seconds(a) - trailing_silence(a) for a in (paused, plain))
    assert spoken == pytest.approx(spoken_plain, rel=0.2)
