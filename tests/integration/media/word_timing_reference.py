"""A narration whose word times are known, and the word-onset errors measured on it.

The reference: each word spoken alone (real Piper, or real espeak-ng), cut to its sound
(the first and last 2 ms block within 40 dB of the clip's peak), and the clips laid end to
end with random pauses of 80-400 ms (a fixed seed): a word's onset is where its clip was
laid, by construction. Measured on it:
- the aligner (videogen_media.word_align) over the joined audio;
- Piper's alignments: each word's onset in its own clip, from the phoneme durations,
  against where its sound starts in that clip;
- and, with no reference possible, the agreement of Piper's alignments with the aligner on
  one sentence Piper speaks whole (connected speech: no pause between most words).
Shared by tests/integration/media/test_word_timing.py and tests/bench/bench_word_timing.py.
"""

from __future__ import annotations

import random
import subprocess
import tempfile
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from videogen_media.word_align import align_words
from videogen_text.words import WordTiming

SENTENCE = (
    "Honeybees visit bright flowers across green meadows every summer morning, "
    "carrying pollen back to their busy hive where thousands of workers dance "
    "and build golden combs together."
)
WORDS = tuple(SENTENCE.rstrip(".").split())
SEED = 15
PAUSES_S = (0.08, 0.40)
BLOCK_S = 0.002
TRIM_DB = 40.0


@dataclass(frozen=True, slots=True)
class Clip:
    samples: np.ndarray  # int16, the word's sound only
    rate: int
    lead_s: float  # where the sound started in the word's own synthesis
    aligned_onset_s: float | None  # the engine's own onset for the word in that synthesis


@dataclass(frozen=True, slots=True)
class Reference:
    wav: Path
    text: str
    onsets: list[float]
    clips: list[Clip]


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").copy(), rate


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype("<i2").tobytes())


def sound_bounds(samples: np.ndarray, rate: int) -> tuple[int, int]:
    """First and last sample of the sound: 2 ms blocks within 40 dB of the loudest."""
    block = max(1, round(rate * BLOCK_S))
    count = samples.size // block
    power = (samples[: count * block].astype(np.float64).reshape(count, block) ** 2).mean(axis=1)
    loud = np.flatnonzero(power > power.max() * 10 ** (-TRIM_DB / 10))
    return int(loud[0]) * block, (int(loud[-1]) + 1) * block


Speak = Callable[[str, Path], list[WordTiming] | None]


def build_reference(speak: Speak, workdir: Path, words: Sequence[str] = WORDS) -> Reference:
    """Each word spoken alone by `speak(word, wav) -> its timings or None`, joined."""
    clips = []
    for index, word in enumerate(words):
        path = workdir / f"word-{index}.wav"
        timings = speak(word, path)
        samples, rate = read_wav(path)
        start, end = sound_bounds(samples, rate)
        onset = timings[0].start if timings else None
        clips.append(Clip(samples[start:end], rate, start / rate, onset))
    rate = clips[0].rate
    rng = random.Random(SEED)
    parts, onsets, position = [np.zeros(round(0.2 * rate), np.int16)], [], round(0.2 * rate)
    for clip in clips:
        onsets.append(position / rate)
        pause = np.zeros(round(rng.uniform(*PAUSES_S) * rate), np.int16)
        parts += [clip.samples, pause]
        position += clip.samples.size + pause.size
    wav = workdir / "reference.wav"
    write_wav(wav, np.concatenate([*parts, np.zeros(round(0.3 * rate), np.int16)]), rate)
    return Reference(wav, " ".join(words), onsets, clips)


def aligner_errors(reference: Reference) -> list[float]:
    timings = align_words(reference.wav, reference.text)
    assert [t.word for t in timings] == reference.text.split()
    return [abs(t.start - known) for t, known in zip(timings, reference.onsets, strict=True)]


def alignment_errors(reference: Reference) -> list[float]:
    """Piper's own onset of each word against where its sound starts (its clip)."""
    return [
        abs(clip.aligned_onset_s - clip.lead_s)
        for clip in reference.clips
        if clip.aligned_onset_s is not None
    ]


def agreement(speak: Speak, workdir: Path, text: str) -> list[float]:
    """Onset differences between the engine's timings and the aligner's, one sentence."""
    wav = workdir / "sentence.wav"
    own = speak(text, wav)
    assert own is not None
    measured = align_words(wav, text)
    return [abs(a.start - b.start) for a, b in zip(own, measured, strict=True)]


def espeak_speaker(voice: str = "en-us") -> Speak:
    def speak(word: str, out: Path) -> list[WordTiming] | None:
        subprocess.run(["espeak-ng", "-v", voice, "-w", str(out), "--", word], check=True)
        return None  # espeak-ng says nothing of its timings

    return speak


def piper_speaker() -> Speak:
    from videogen_providers.tts.piper_model import default_voice_model
    from videogen_providers.tts.piper_voice import load_voice, synthesize_to_wav

    voice = load_voice(default_voice_model())

    def speak(text: str, out: Path) -> list[WordTiming] | None:
        return synthesize_to_wav(voice, text, 1.0, 0, out)

    return speak


def summary(errors: Sequence[float]) -> tuple[float, float]:
    """(median, p95) in milliseconds."""
    values = np.asarray(errors) * 1000
    return float(np.median(values)), float(np.percentile(values, 95))


def measure_all(sentences: Sequence[str] = (SENTENCE,)) -> dict[str, tuple[float, float]]:
    """Every figure, (median, p95) in ms, measured now on the real engines."""
    piper = piper_speaker()
    out: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="vg-word-timing-") as tmp:
        workdir = Path(tmp)
        (workdir / "piper").mkdir()
        (workdir / "espeak").mkdir()
        reference = build_reference(piper, workdir / "piper")
        out["aligner, Piper's words"] = summary(aligner_errors(reference))
        out["Piper alignments, words alone"] = summary(alignment_errors(reference))
        espeak = build_reference(espeak_speaker(), workdir / "espeak")
        out["aligner, espeak-ng's words"] = summary(aligner_errors(espeak))
        agreed = [e for text in sentences for e in agreement(piper, workdir, text)]
        out[f"Piper alignments vs aligner, {len(sentences)} sentence(s)"] = summary(agreed)
    return out
