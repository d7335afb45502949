"""The music bed under the narration: an upload, a packaged track, or synthesised chords.

The procedural bed is honest background, not a composition: per mood, four chords of a
common progression held for several seconds each, played by soft additive pads (a few
harmonics, two oscillators detuned by a few cents for a slow chorus), a sine bass an octave
down, for the brighter moods a quiet arpeggio of bell-like sine plucks, and a multi-tap
echo for space. Chords cross-fade over 1.5 s with complementary raised-cosine windows (the
windows sum to one, so the level never dips or clicks); one pass of the progression is
synthesised once per mood and process, exactly periodic, and tiled to any length.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import math
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from videogen_media.loudness import RATE, Samples, integrated_lufs

MusicKind = Literal["upload", "package", "procedural"]


@dataclass(frozen=True, slots=True)
class MusicBed:
    source: MusicKind
    path: Path | None = None  # the upload (or a chosen packaged track); None: found by mood
    mood: str = "calm"


@dataclass(frozen=True, slots=True)
class _Mood:
    chords: tuple[tuple[int, ...], ...]  # MIDI notes; the first of each is the bass
    chord_s: float  # how long each chord is held
    harmonics: int  # the pads' brightness
    pluck_bpm: float | None = None  # an arpeggio of eighth notes, or none
    pulse: float = 0.0  # depth of an eighth-note swell on the pads (energetic moods)


# Close voicings that move by step between chords (smooth voice leading, no leaps), with no
# semitone inside a chord: a pad sustains every interval it holds, and a minor second beats.
MOODS: dict[str, _Mood] = {
    # I maj7 - vi7 - IV maj9 - V7 in C, six seconds a chord: unhurried, warm.
    "calm": _Mood(
        ((36, 60, 64, 67, 71), (45, 60, 64, 67, 69), (41, 57, 60, 64, 67), (43, 62, 65, 67, 71)),
        6.0,
        4,
    ),
    # F add9 - C/E - Dm7 - Bb maj7 with a gentle arpeggio: light, friendly.
    "bright": _Mood(
        ((41, 65, 67, 69, 72), (40, 64, 67, 72, 74), (38, 62, 65, 69, 72), (46, 62, 65, 69, 74)),
        4.0,
        5,
        96.0,
    ),
    # i - VI - III - VII in D minor, an eighth-note swell and arpeggio: forward motion.
    "energetic": _Mood(
        ((38, 62, 65, 69, 72), (46, 62, 65, 70, 74), (41, 60, 65, 69, 72), (36, 60, 64, 67, 72)),
        3.2,
        5,
        112.0,
        0.35,
    ),
    # i - VI - III - v in A minor, low and dark, slow changes: documentary.
    "reflective": _Mood(
        ((33, 57, 60, 64, 71), (41, 57, 60, 65, 69), (36, 55, 60, 64, 67), (40, 55, 59, 64, 67)),
        7.5,
        3,
    ),
}
MOOD_ALIASES = {
    "playful": "bright", "happy": "bright", "friendly": "bright", "fun": "bright",
    "bold": "energetic", "exciting": "energetic", "dramatic": "energetic", "upbeat": "energetic",
    "documentary": "reflective", "serious": "reflective", "dark": "reflective",
    "nostalgic": "reflective",
    "clean": "calm", "tender": "calm", "warm": "calm", "neutral": "calm",
}  # fmt: skip
_XFADE_S = 1.5
# Everything in the bed lies below 3 kHz: it is synthesised at 12 kHz and brought to 48 kHz
# by zero-padding its spectrum (exact band-limited interpolation of a periodic signal, so
# the loop stays seamless), four times less work than synthesising at 48 kHz.
_SYNTH_RATE = 12_000
_ECHO_TAPS = (
    (0.083, 0.30),
    (0.127, 0.26),
    (0.191, 0.22),
    (0.263, 0.18),
    (0.347, 0.14),
    (0.431, 0.10),
)


def mood_name(mood: str) -> str:
    """The procedural mood a look's or caller's mood word plays as (unknown words: calm)."""
    key = mood.strip().lower()
    return key if key in MOODS else MOOD_ALIASES.get(key, "calm")


def _hz(note: int) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def _window(length: int, fade: int) -> npt.NDArray[np.float64]:
    # sin² up, flat, cos² down: overlapping neighbours sum to exactly one.
    ramp = np.sin(np.linspace(0, np.pi / 2, fade, endpoint=False)) ** 2
    return np.concatenate((ramp, np.ones(length - 2 * fade), 1 - ramp))


def _partials(phase: npt.NDArray[np.float64], count: int) -> npt.NDArray[np.float64]:
    """Σ sin(kθ)/k^1.6 by Chebyshev recurrence: one sin and one cos, however many partials."""
    s1, c = np.sin(phase), np.cos(phase)
    total, s_prev, s_k = s1.copy(), np.zeros_like(s1), s1
    for k in range(2, count + 1):
        s_prev, s_k = s_k, 2 * c * s_k - s_prev
        total += s_k / k**1.6
    return total


@functools.lru_cache(maxsize=8)
def _loop(mood: str) -> Samples:
    """One pass of the mood's progression, (n, 2) float32, exactly periodic."""
    spec = MOODS[mood]
    rng = np.random.default_rng(sum(map(ord, mood)))
    hop, fade = round(spec.chord_s * _SYNTH_RATE), round(_XFADE_S * _SYNTH_RATE)
    total = hop * len(spec.chords)
    loop = np.zeros((total, 2))
    t = np.arange(hop + fade) / _SYNTH_RATE
    window = _window(hop + fade, fade)
    for index, (bass, *voices) in enumerate(spec.chords):
        chord = np.zeros((len(t), 2))
        for voice, note in enumerate(voices):
            for detune, pan in ((-4.0, 0.25 + 0.1 * voice), (4.0, 0.75 - 0.1 * voice)):
                hz = _hz(note) * 2 ** (detune / 1200)
                tone = _partials(2 * np.pi * hz * t + rng.uniform(0, 2 * np.pi), spec.harmonics)
                chord[:, 0] += tone * (1 - pan) * 0.22
                chord[:, 1] += tone * pan * 0.22
        low = np.sin(2 * np.pi * _hz(bass) * t) + 0.2 * np.sin(4 * np.pi * _hz(bass) * t)
        chord += (0.5 * low)[:, None]
        # A slow breath through each chord (one swell per chord), never below 80 %.
        chord *= (0.9 - 0.1 * np.cos(2 * np.pi * t / (spec.chord_s + _XFADE_S)))[:, None]
        if spec.pulse:
            eighth = spec.pluck_bpm / 30 if spec.pluck_bpm else 4.0
            chord *= (1 - spec.pulse * np.sin(np.pi * eighth * t) ** 2)[:, None]
        if spec.pluck_bpm:
            chord += _arpeggio(tuple(voices), spec.pluck_bpm, len(t), index)
        # Circular placement: the last chord's tail wraps onto the start, so the loop tiles
        # without a seam.
        at = (index * hop - fade // 2) % total
        placed = chord * window[:, None]
        end = at + len(placed)
        loop[at : min(end, total)] += placed[: total - at]
        if end > total:
            loop[: end - total] += placed[total - at :]
    wet = np.zeros_like(loop)
    for i, (delay, gain) in enumerate(_ECHO_TAPS):
        # Taps alternate sides (a wide, soft room); np.roll keeps the loop periodic.
        wet[:, i % 2] += gain * np.roll(loop[:, 1 - i % 2], round(delay * _SYNTH_RATE))
    factor = RATE // _SYNTH_RATE
    spectrum = np.fft.rfft(loop + wet, axis=0)
    padded = np.zeros((total * factor // 2 + 1, 2), dtype=complex)
    padded[: len(spectrum)] = spectrum
    mixed = np.fft.irfft(padded, total * factor, axis=0) * factor
    normalised: Samples = (mixed * (0.5 / np.abs(mixed).max())).astype(np.float32)
    return normalised


def _arpeggio(
    voices: tuple[int, ...], bpm: float, length: int, chord: int
) -> npt.NDArray[np.float64]:
    """Bell-like sine plucks on the chord's tones an octave up, one per eighth note."""
    step = round(_SYNTH_RATE * 30 / bpm)
    note_len = min(length, round(1.2 * _SYNTH_RATE))
    t = np.arange(note_len) / _SYNTH_RATE
    attack = np.minimum(1.0, t / 0.008)  # an 8 ms rise: no click at the onset
    envelope = (
        attack * np.exp(-t / 0.35) * np.minimum(1.0, (note_len - 1 - np.arange(note_len)) / 240)
    )
    order = (0, 1, 2, 3, 2, 1)
    out = np.zeros((length, 2))
    for n, at in enumerate(range(0, length - note_len, step)):
        hz = _hz(voices[order[(n + chord) % len(order)] % len(voices)] + 12)
        tone = (np.sin(2 * np.pi * hz * t) + 0.25 * np.sin(4 * np.pi * hz * t)) * envelope * 0.12
        pan = 0.35 if n % 2 else 0.65
        out[at : at + note_len, 0] += tone * (1 - pan)
        out[at : at + note_len, 1] += tone * pan
    return out


def fade_edges(samples: Samples, fade_in_s: float, fade_out_s: float) -> Samples:
    """Raised-cosine fade in at the start and out to silence at the very end (in place)."""
    n = len(samples)
    for seconds, edge in ((fade_in_s, slice(0, None)), (fade_out_s, slice(None, None, -1))):
        count = min(n // 2, round(seconds * RATE))
        if count:
            ramp = np.sin(np.linspace(0, np.pi / 2, count)) ** 2
            view = samples[edge]
            view[:count] *= ramp.astype(np.float32).reshape(-1, *([1] * (samples.ndim - 1)))
    return samples


def procedural_samples(mood: str, seconds: float) -> Samples:
    """`seconds` of the mood's bed, (n, 2) float32 at 48 kHz, without fades."""
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"a music bed needs a positive length, not {seconds!r}")
    loop = _loop(mood_name(mood))
    count = round(seconds * RATE)
    return np.resize(loop, (count, 2)) if count > len(loop) else loop[:count].copy()


@functools.lru_cache(maxsize=8)
def procedural_loudness(mood: str) -> float:
    """Integrated loudness of the mood's bed (LUFS; the loop's, which any tiling shares)."""
    return integrated_lufs(_loop(mood_name(mood)))


def procedural_bed(mood: str, seconds: float, out: Path) -> Path:
    """A WAV (48 kHz stereo, 16 bit) of `seconds` of synthesised chords, faded in and out."""
    bed = fade_edges(procedural_samples(mood, seconds), 2.0, 3.0)
    pcm = np.clip(bed * 32767, -32768, 32767).astype("<i2")
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(pcm.tobytes())
    return out


# Packages known to ship music, with the licences that let us play it in a user's video.
# immich-memories-music: tracks generated with ACE-Step 1.5 by the immich-memories authors,
# released under MIT (LICENSE-MUSIC in its wheel), one folder per mood.
_PACKAGES = (("immich-memories-music", "immich_memories_music", "tracks"),)
ALLOWED_LICENCES = frozenset({"MIT", "CC0-1.0", "CC-BY-4.0", "Apache-2.0", "BSD-3-Clause"})
_PACKAGE_MOODS = {
    "calm": "calm",
    "bright": "happy",
    "energetic": "energetic",
    "reflective": "nostalgic",
}


def _licence(distribution: str) -> str | None:
    meta = importlib.metadata.metadata(distribution)
    licence: str | None = meta["License-Expression"] or meta["License"]
    return licence


def packaged_music_package() -> tuple[str, Path] | None:
    """(distribution, tracks folder) of the first installed music package we may use."""
    for distribution, module, folder in _PACKAGES:
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            continue
        if _licence(distribution) not in ALLOWED_LICENCES:
            continue
        tracks = Path(spec.origin).parent / folder
        if tracks.is_dir():
            return distribution, tracks
    return None


def find_packaged_music(mood: str = "calm") -> Path | None:
    """A track for the mood from an installed package whose licence allows it; None if none.

    The choice is stable (the first track of the mood's folder by name, acoustic before
    electronic), so the same production always gets the same music.
    """
    found = packaged_music_package()
    if found is None:
        return None
    tracks = found[1]
    folder = tracks / _PACKAGE_MOODS.get(mood_name(mood), "calm")
    candidates = sorted(folder.glob("*.opus")) or sorted(tracks.glob("*/*.opus"))
    return candidates[0] if candidates else None
