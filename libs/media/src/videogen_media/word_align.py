"""Word timings measured on a narration's audio against its text, for any engine.

For voices that do not say when each word is spoken (espeak-ng, vendors' voices). The
method, measured in tests/bench/bench_word_timing.py and docs/voices.md:
1. Speech runs by energy: 10 ms frames, speech where the level is within 35 dB of the
   loud frames and above the noise floor; gaps under 30 ms are not pauses (a
   stop's silence), runs under 30 ms are clicks.
2. The runs laid end to end (the silences taken out), and the word boundaries placed on
   those frames by dynamic programming, at the least total cost of: each word's length
   against its weight (letters and syllables, videogen_text.spoken_words) at this
   narration's own pace; a boundary where there is no silence (cheaper at a dip of the
   level, where connected words meet); a word across a silence longer than a stop's
   closure (dear: pauses fall between words); a clause mark (",", ".") with no pause.
3. A word starts at its first frame of speech and ends at its last: never in a silence.
"""

from __future__ import annotations

import math
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from videogen_text.spoken_words import ends_clause, speaking_weight, spoken_words
from videogen_text.words import WordTiming

HOP_S = 0.01
WINDOW_S = 0.025
MIN_GAP_S = 0.03
MIN_RUN_S = 0.03
DYNAMIC_RANGE_DB = 35.0
SPREAD = 0.3  # a word's length around its weight, as a log ratio (fitted: see weights)
DIP_DB = 12.0  # a boundary this many dB below the run's median level is worth one SPREAD
GAP_COST = 300.0  # per second of silence inside one word beyond a closure
CLOSURE_S = 0.04  # the silence of a stop inside a word
CLAUSE_COST = 4.0  # a clause mark with no pause after it


class UnreadableAudio(ValueError):
    """Not a 16-bit PCM WAV."""


@dataclass(frozen=True, slots=True)
class Run:
    start: float
    end: float


def align_words(wav: Path, text: str) -> list[WordTiming]:
    """The text's words (videogen_text.spoken_words) timed on the WAV, in seconds."""
    words = spoken_words(text)
    if not words:
        return []
    levels = frame_levels(*_read_mono(wav))
    runs = speech_runs(levels)
    if not runs:  # nothing audible: spread over the whole file, flagged by the caller
        runs = [Run(0.0, max(HOP_S, len(levels) * HOP_S))]
    return _place(words, runs, levels)


def _read_mono(path: Path) -> tuple[np.ndarray, int]:
    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getsampwidth() != 2:
                raise UnreadableAudio(f"{path.name}: only 16-bit PCM WAV is supported")
            rate, channels = wav.getframerate(), wav.getnchannels()
            data = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    except (wave.Error, EOFError) as error:
        raise UnreadableAudio(f"{path.name}: {error}") from error
    samples = data.reshape(-1, channels).mean(axis=1) / 32768.0
    return samples, rate


def frame_levels(samples: np.ndarray, rate: int) -> np.ndarray:
    """The level in dB of each 10 ms frame (a 25 ms window centred on it)."""
    hop, window = max(1, round(rate * HOP_S)), max(1, round(rate * WINDOW_S))
    count = max(1, math.ceil(samples.size / hop))
    padded = np.concatenate([np.zeros(window // 2), samples, np.zeros(window)])
    energy = np.cumsum(np.concatenate([[0.0], padded**2]))
    starts = np.arange(count) * hop
    power = (energy[starts + window] - energy[starts]) / window
    return np.asarray(10 * np.log10(power + 1e-12))


def speech_runs(levels: np.ndarray) -> list[Run]:
    loud = float(np.percentile(levels, 95))
    floor = float(np.percentile(levels, 10))
    threshold = max(loud - DYNAMIC_RANGE_DB, floor + 10.0, -70.0)
    voiced = levels > threshold
    runs: list[list[int]] = []
    for index in np.flatnonzero(voiced):
        if runs and index - runs[-1][1] <= MIN_GAP_S / HOP_S:
            runs[-1][1] = int(index) + 1
        else:
            runs.append([int(index), int(index) + 1])
    return [
        Run(a * HOP_S, b * HOP_S) for a, b in runs if (b - a) * HOP_S >= MIN_RUN_S
    ]


def _place(words: list[str], runs: list[Run], levels: np.ndarray) -> list[WordTiming]:
    """Word boundaries on the speech's own frames (the runs laid end to end, silences
    out), by dynamic programming: each word's length fits its weight at this narration's
    pace; a boundary is cheap where the speech stops (a gap between runs: the longer, the
    cheaper) or dips, and dear without a pause after a clause mark."""
    frames = np.concatenate([
        np.arange(round(r.start / HOP_S), max(round(r.end / HOP_S), round(r.start / HOP_S) + 1))
        for r in runs
    ])
    frames = frames[frames < levels.size] if frames[-1] >= levels.size else frames
    count = max(frames.size, len(words))
    frames = np.concatenate([frames, np.full(count - frames.size, frames[-1])])
    weights = np.asarray([speaking_weight(w) for w in words])
    expected = weights * count / weights.sum()
    spoken = levels[frames]
    boundary = (spoken - float(np.median(spoken))) / DIP_DB  # negative at dips: a reward
    gaps = np.diff(frames) * HOP_S - HOP_S  # the silence before each frame but the first
    boundary[1:] -= np.maximum(0.0, gaps - CLOSURE_S) * GAP_COST
    paused = np.concatenate([[True], gaps > MIN_GAP_S])
    bounds = _boundaries(expected, boundary, paused, [ends_clause(w) for w in words])
    timings = []
    for word, a, b in zip(words, bounds, bounds[1:], strict=False):
        start, end = frames[min(a, count - 1)], frames[b - 1] + 1
        timings.append(WordTiming(word, round(start * HOP_S, 3), round(end * HOP_S, 3)))
    return timings


def _boundaries(
    expected: np.ndarray, boundary: np.ndarray, paused: np.ndarray, clause: list[bool]
) -> list[int]:
    """The frames where words start (and the end), at the least total cost."""
    count, n = boundary.size, expected.size
    best = np.full(count + 1, np.inf)
    best[0] = 0.0
    back = np.zeros((n, count + 1), dtype=np.int64)
    ends = np.arange(count + 1)
    for i, want in enumerate(expected):
        widest = min(count, int(np.ceil(want * 4)) + 2)
        lengths = np.arange(1, widest + 1)
        fit = np.log(lengths / max(want, 1.0)) ** 2 / SPREAD**2
        padded = np.concatenate([np.full(widest, np.inf), best])
        # candidates[e, d-1]: the word ending at frame e after d frames
        window = np.lib.stride_tricks.sliding_window_view(padded, widest)[: count + 1]
        candidates = window[:, ::-1][:, :widest] + fit
        choice = np.argmin(candidates, axis=1)
        total = candidates[ends, choice]
        if i < n - 1:
            at = np.concatenate([boundary, [np.inf]])  # a boundary at the end: none
            total = total + at + np.where(clause[i] & ~np.concatenate([paused, [False]]),
                                          CLAUSE_COST, 0.0)
            total[0] = np.inf
        back[i] = ends - (choice + 1)
        best = total
    bounds, end = [count], count
    for i in range(n - 1, -1, -1):
        end = int(back[i, end])
        bounds.append(end)
    return bounds[::-1]
