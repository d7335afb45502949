"""EBU R128 loudness: ffmpeg's measurement of a written file, and the numpy side of the mix.

`measure_loudness` is the number a report quotes: ffmpeg's `ebur128=peak=true` on the file
as written (so the AAC encoder's own overshoot is in it). The rest is BS.1770-4 in numpy for
the soundtrack's first pass (measure the narration, then one gain) and a true-peak limiter,
so the mix reaches its target without a second ffmpeg pass.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from videogen_media.audio_pipe import pipe_ffmpeg
from videogen_media.ffmpeg_path import ffmpeg_executable

Samples = npt.NDArray[np.float32]
RATE = 48_000
SILENT_LUFS = -70.0  # BS.1770's absolute gate: what ebur128 reports for silence
_BLOCK, _STEP = 19_200, 4_800  # 400 ms gating blocks, 75 % overlap, at 48 kHz
# BS.1770-4 K-weighting at 48 kHz: a high shelf (+4 dB above ~1.5 kHz), then a high-pass.
_SHELF = (
    (1.53512485958697, -2.69169618940638, 1.19839281085285),
    (-1.69065929318241, 0.73248077421585),
)
_HIGHPASS = ((1.0, -2.0, 1.0), (-1.99004745483398, 0.99007225036621))


@dataclass(frozen=True, slots=True)
class Loudness:
    integrated_lufs: float
    true_peak_dbtp: float
    loudness_range_lu: float


_SUMMARY_VALUE = {
    "integrated_lufs": re.compile(r"^\s*I:\s+(\S+) LUFS", re.M),
    "loudness_range_lu": re.compile(r"^\s*LRA:\s+(\S+) LU", re.M),
    "true_peak_dbtp": re.compile(r"^\s*Peak:\s+(\S+) dBFS", re.M),
}


def parse_ebur128_summary(stderr: str) -> Loudness:
    """The figures of ebur128's closing summary (the last one in `stderr`)."""
    at = stderr.rfind("Summary:")
    if at < 0:
        raise ValueError("ffmpeg printed no ebur128 summary")
    summary, found = stderr[at:], {}
    for name, pattern in _SUMMARY_VALUE.items():
        match = pattern.search(summary)
        if match is None and name == "true_peak_dbtp":
            found[name] = math.nan  # measured without peak=true
        elif match is None:
            raise ValueError(f"the ebur128 summary has no {name}")
        else:
            found[name] = float(match.group(1))  # float() reads ffmpeg's "-inf" for silence
    return Loudness(**found)


def _require_file(path: Path) -> None:
    if not path.is_file():
        raise FileNotFoundError(f"no audio file at {path}")


async def measure_loudness(path: Path, *, ffmpeg_exe: str | None = None) -> Loudness:
    """Integrated loudness, true peak (4x oversampled) and loudness range of a file's audio."""
    _require_file(path)
    argv = [ffmpeg_exe or ffmpeg_executable(), "-hide_banner", "-nostats", "-nostdin",
            "-i", str(path), "-map", "0:a:0", "-filter:a", "ebur128=peak=true:framelog=verbose",
            "-f", "null", "-"]  # fmt: skip
    # framelog=verbose: the per-frame lines stay below the log level, only the summary prints.
    _, stderr = await pipe_ffmpeg(argv)
    return parse_ebur128_summary(stderr)


def fast_size(n: int) -> int:
    """The smallest 2^a·3^b·5^c ≥ n: FFT sizes pocketfft handles fastest (a power of two
    can be a third longer than needed)."""
    best, p5 = 1 << max(1, (n - 1).bit_length()), 1
    while p5 < 2 * n:
        p35 = p5
        while p35 < 2 * n:
            size = p35 << max(0, (-(-n // p35) - 1).bit_length())
            best = min(best, size) if size >= n else best
            p35 *= 3
        p5 *= 5
    return best


@functools.lru_cache(maxsize=4)
def _k_response(size: int) -> npt.NDArray[np.complex128]:
    """The K-weighting filters' exact frequency response on an rfft grid of `size`.

    In real arithmetic (numpy's complex temporaries cost five times as much at this size):
    with z = e^{-iw}, each biquad is (b0 + b1 z + b2 z^2) / (1 + a1 z + a2 z^2)."""
    w = 2 * np.pi * np.fft.rfftfreq(size)
    c, s = np.cos(w), np.sin(w)
    c2, s2 = 2 * c * c - 1, 2 * s * c
    re, im = np.ones_like(w), np.zeros_like(w)
    for (b0, b1, b2), (a1, a2) in (_SHELF, _HIGHPASS):
        nr, ni = b0 + b1 * c + b2 * c2, -(b1 * s + b2 * s2)
        dr, di = 1 + a1 * c + a2 * c2, -(a1 * s + a2 * s2)
        norm = dr * dr + di * di
        hr, hi = (nr * dr + ni * di) / norm, (ni * dr - nr * di) / norm
        re, im = re * hr - im * hi, re * hi + im * hr
    response = np.empty(len(w), dtype=np.complex128)
    response.real, response.imag = re, im
    return response


def k_weighted_power(samples: Samples) -> npt.NDArray[np.float64]:
    """Per-sample K-weighted power summed over channels (L and R weigh 1 in BS.1770).

    The two biquads are applied as their exact frequency response on one FFT of the whole
    signal, padded by a second of silence so the filters' tails (the high-pass decays within
    ~0.2 s) never wrap round: the same result as running the IIR, at numpy speed.
    """
    frames = samples.reshape(len(samples), -1)
    size = fast_size(len(frames) + RATE)
    response = _k_response(size)
    power = np.zeros(len(frames))
    for channel in frames.T:
        weighted = np.fft.irfft(np.fft.rfft(channel, size) * response, size)[: len(frames)]
        power += weighted * weighted
    return power


def block_powers(power: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Mean power of each 400 ms gating block (100 ms apart), from 100 ms chunk sums."""
    if len(power) < _BLOCK:
        return np.array([power.mean()]) if len(power) else np.zeros(0)
    chunks = len(power) // _STEP
    sums = power[: chunks * _STEP].reshape(chunks, _STEP).sum(axis=1)
    per = _BLOCK // _STEP
    return np.asarray(np.convolve(sums, np.ones(per), mode="valid") / _BLOCK, dtype=np.float64)


def gated_lufs(blocks: npt.NDArray[np.float64]) -> float:
    """BS.1770-4 integrated loudness from block powers: absolute gate -70, relative -10 LU."""
    loud = blocks[blocks > 10 ** ((SILENT_LUFS + 0.691) / 10)]
    if not len(loud):
        return -math.inf
    relative = loud.mean() * 0.1
    return float(-0.691 + 10 * np.log10(loud[loud > relative].mean()))


def integrated_lufs(samples: Samples) -> float:
    """Integrated loudness of (n,) mono or (n, channels) samples at 48 kHz."""
    return gated_lufs(block_powers(k_weighted_power(samples)))


def _oversampling_kernel(factor: int = 4, taps_per_phase: int = 12) -> npt.NDArray[np.float64]:
    n = factor * taps_per_phase
    t = (np.arange(n) - (n - 1) / 2) / factor
    return np.sinc(t) * np.kaiser(n, 8.0)


_KERNEL = _oversampling_kernel()


def true_peak_envelope(mono: Samples, factor: int = 4) -> npt.NDArray[np.float64]:
    """Per-sample peak of the 4x oversampled signal (inter-sample peaks included)."""
    peak = np.abs(mono).astype(np.float64)
    for phase in range(1, factor):
        taps = _KERNEL[phase::factor]
        between = np.convolve(mono, taps, mode="full")[len(taps) // 2 : len(taps) // 2 + len(mono)]
        np.maximum(peak, np.abs(between), out=peak)
    return peak


def running_min(values: npt.NDArray[np.float64], half: int) -> npt.NDArray[np.float64]:
    """Minimum over the centred window [i-half, i+half] (van Herk/Gil-Werman, vectorised)."""
    width = 2 * half + 1
    padded = np.pad(values, (half, half), constant_values=np.inf)
    blocks = -(-len(padded) // width)
    grid = np.pad(padded, (0, blocks * width - len(padded)), constant_values=np.inf).reshape(
        blocks, width
    )
    prefix = np.minimum.accumulate(grid, axis=1).ravel()
    suffix = np.minimum.accumulate(grid[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.minimum(suffix[: len(values)], prefix[width - 1 : width - 1 + len(values)])


def running_mean(values: npt.NDArray[np.float64], half: int) -> npt.NDArray[np.float64]:
    width = 2 * half + 1
    total = np.concatenate(([0.0], np.cumsum(np.pad(values, (half, half), mode="edge"))))
    return np.asarray((total[width:] - total[:-width]) / width, dtype=np.float64)


_TICK = 48  # the limiter's curve is computed per 1 ms tick, then interpolated


def _tick_peaks(mono: Samples, ceiling: float, max_gain: float) -> npt.NDArray[np.float64]:
    """The true peak of each 1 ms tick, at unit gain: the 4x oversampled envelope where a
    tick's samples come within 6 dB of the ceiling at `max_gain` (an inter-sample peak 6 dB
    over its samples does not occur in speech or music), the sample peak elsewhere."""
    ticks = -(-len(mono) // _TICK)
    padded = np.zeros(ticks * _TICK, dtype=np.float32)
    padded[: len(mono)] = mono
    peaks: npt.NDArray[np.float64] = (
        np.abs(padded).reshape(ticks, _TICK).max(axis=1).astype(np.float64)
    )
    near = np.flatnonzero(peaks * max_gain > ceiling / 2)
    if len(near):
        breaks = np.flatnonzero(np.diff(near) > 2)
        for first, last in zip(near[np.r_[0, breaks + 1]], near[np.r_[breaks, -1]], strict=True):
            lo, hi = int(first), int(last) + 1
            # A tick of context each side, so the interpolation filter sees real neighbours.
            start, stop = max(0, lo - 1) * _TICK, min(ticks, hi + 1) * _TICK
            envelope = true_peak_envelope(padded[start:stop]).reshape(-1, _TICK).max(axis=1)
            peaks[max(0, lo - 1) : min(ticks, hi + 1)] = envelope
    return peaks


def _tick_curve(
    peaks: npt.NDArray[np.float64], gain: float, ceiling: float, half: int
) -> npt.NDArray[np.float64]:
    """Per tick, the limiter's gain: never above what any sample of this tick or its two
    neighbours needs. The minimum over +-(half+1) ticks, then the mean over +-half ticks,
    is at each tick a mean of minima that all include the tick and both neighbours, so a
    straight line between two ticks' values stays under every need of the samples between
    them: the ceiling holds at every sample, with `half`-tick attack and release ramps."""
    need = np.minimum(1.0, ceiling / np.maximum(peaks * gain, 1e-12))
    if need.min() >= 1.0:
        return need
    curve: npt.NDArray[np.float64] = np.minimum(
        1.0, running_mean(running_min(need, half + 1), half)
    )
    return curve


def _sample_curve(curve: npt.NDArray[np.float64], length: int) -> Samples:
    centres = np.arange(len(curve)) * _TICK + (_TICK - 1) / 2
    return np.interp(np.arange(length), centres, curve).astype(np.float32)


def limiter_gain(mono: Samples, ceiling_db: float, *, hold_s: float = 0.01) -> Samples:
    """A look-ahead gain curve that keeps the true peak of `mono * gain` under the ceiling,
    with `hold_s` attack and release ramps (10 ms: smooth enough that speech does not
    distort, short enough to leave the rest untouched)."""
    ceiling, half = 10 ** (ceiling_db / 20), max(1, round(hold_s * RATE / _TICK))
    peaks = _tick_peaks(mono, ceiling, 1.0)
    return _sample_curve(_tick_curve(peaks, 1.0, ceiling, half), len(mono))


def normalise(
    mono: Samples,
    target_lufs: float,
    *,
    ceiling_db: float,
    measured_lufs: float | None = None,
    channels: int = 2,
    hold_s: float = 0.01,
) -> tuple[Samples, float]:
    """`mono` at `target_lufs` (played as `channels` identical channels), true peak under the
    ceiling. Returns the samples and the gain applied, in dB (0 for silence).

    One measurement (`measured_lufs`, ffmpeg's, when the caller has it; else BS.1770 here),
    one gain, then the limiter. The limiter takes a little loudness off the peaks; the gain
    is raised by what it took, estimated from the gated energy with and without the
    limiter's curve (the loss is broadband, so plain energy tells it within a tenth of a
    LU), until the two agree; the written file is measured by ffmpeg afterwards all the same.
    """
    if measured_lufs is None:
        measured_lufs = integrated_lufs(mono) + 10 * math.log10(channels)
    if not math.isfinite(measured_lufs) or measured_lufs <= SILENT_LUFS:
        return mono.copy(), 0.0
    ceiling, half = 10 ** (ceiling_db / 20), max(1, round(hold_s * RATE / _TICK))
    ticks_per_chunk, chunks = _STEP // _TICK, len(mono) // _STEP
    counted = mono[: chunks * _STEP]
    energy = (
        (counted * counted).reshape(chunks * ticks_per_chunk, _TICK).sum(axis=1, dtype=np.float64)
    )
    before = _gated_from_chunks(energy.reshape(chunks, ticks_per_chunk).sum(axis=1))
    gain_db = target_lufs - measured_lufs
    # Room for the loss the limiter may take (rarely over 1 dB on speech).
    max_gain = 10 ** ((gain_db + 3) / 20)
    peaks = _tick_peaks(mono, ceiling, max_gain)
    loss, gain = 0.0, 10 ** (gain_db / 20)
    for _ in range(4):
        gain = 10 ** ((gain_db + loss) / 20)
        if gain > max_gain:  # never seen on speech; a pathological input
            max_gain = gain * 1.4
            peaks = _tick_peaks(mono, ceiling, max_gain)
        curve = _tick_curve(peaks, gain, ceiling, half)
        kept = energy * curve[: len(energy)] ** 2
        taken = before - _gated_from_chunks(kept.reshape(chunks, ticks_per_chunk).sum(axis=1))
        if not math.isfinite(taken) or abs(taken - loss) < 0.05:
            break  # (not finite: under 100 ms of signal, nothing to gate)
        loss = taken
    limited = (
        mono * np.float32(gain) * _sample_curve(_tick_curve(peaks, gain, ceiling, half), len(mono))
    )
    return limited, 20 * math.log10(gain)


def _gated_from_chunks(sums: npt.NDArray[np.float64]) -> float:
    per = _BLOCK // _STEP
    blocks = np.convolve(sums, np.ones(per), mode="valid") / _BLOCK if len(sums) >= per else sums
    return gated_lufs(np.asarray(blocks, dtype=np.float64))
