"""Offline visuals: keywords per sentence, a palette from them, a procedural background.

The keywords are the doc's "video search queries" (a stock provider searches with them).
The palette follows words whose colour everyone agrees on ("ocean" → blues, "fire" →
reds) and is otherwise derived from a hash of the keywords, so the same sentence always
looks the same. The background is an ffmpeg source chain, usable as a lavfi input or
inside a filter graph.

Why the moving background is drawn small and slow: the `gradients` source costs ~4 ms per
720p frame here, and x264 pays for every changed pixel. Drawn at a fifth of the size,
6 times a second, and scaled up, a slow drift costs about what a still costs (measured:
30 s of 720p30 in 2.05 s vs 1.98 s for a plain colour; full-size at 30 fps took 5.3 s).
"""

from __future__ import annotations

import colorsys
import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from videogen_text.stopwords import STOPWORDS

MAX_KEYWORDS = 3
GradientStyle = Literal["linear", "radial", "circular", "spiral", "square"]
STYLES: tuple[GradientStyle, ...] = ("linear", "radial")
MOTION_FPS = 6
MOTION_SCALE = 5

# Letters, with an inner apostrophe (straight or U+2019) kept: "river's", "don't".
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")
# Hue (degrees) for words whose colour everyone agrees on.
_HUES = {
    "fire": 10, "lava": 12, "volcano": 15, "red": 0, "blood": 355, "sun": 45,
    "sunset": 25, "sunrise": 35, "gold": 48, "desert": 38, "sand": 40, "autumn": 28,
    "forest": 125, "tree": 120, "trees": 120, "grass": 100, "leaf": 110, "spring": 95,
    "jungle": 130, "ocean": 205, "sea": 200, "water": 195, "river": 190, "rain": 210,
    "sky": 200, "ice": 185, "snow": 190, "winter": 200, "night": 235, "space": 250,
    "stars": 245, "galaxy": 265, "city": 220, "stone": 30, "rock": 25, "mountain": 215,
    "mountains": 215, "flower": 320, "flowers": 320, "love": 340, "coffee": 25,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Background:
    """A procedural background: its colours (mid, accent, dark), a style, a seed."""

    palette: tuple[str, ...]
    style: GradientStyle
    seed: int
    motion: bool = True


def keywords_of(text: str, limit: int = MAX_KEYWORDS) -> list[str]:
    """Up to `limit` content words, most frequent and longest first; CJK runs count whole."""
    words = [w.lower() for w in _WORD.findall(text)]
    content = [w for w in words if w not in STOPWORDS and (len(w) > 2 or not w.isascii())]
    counts = Counter(content)
    ranked = sorted(counts, key=lambda w: (-counts[w], -len(w), content.index(w)))
    return [w[:24] for w in ranked[:limit]] or [w[:24] for w in words[:1]]


def palette_for(keywords: Sequence[str]) -> tuple[str, str, str]:
    """Three colours, deterministic in the keywords: a mid tone, a lighter accent, a dark base."""
    # "forests" is coloured like "forest".
    known = [_HUES[k] for w in keywords for k in (w, w.removesuffix("s")) if k in _HUES]
    digest = hashlib.sha256(" ".join(keywords).encode()).digest()
    hue = known[0] if known else digest[0] * 360 // 256
    shift = 20 + digest[1] % 40
    return (_hex(hue, 0.55, 0.38), _hex((hue + shift) % 360, 0.65, 0.58), _hex(hue, 0.45, 0.12))


def background_for(text: str, index: int, *, motion: bool = True) -> Background:
    """The background of the `index`-th sentence; styles alternate so neighbours differ."""
    keywords = keywords_of(text)
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")
    return Background(palette_for(keywords), STYLES[index % len(STYLES)], seed, motion)


def background_still(bg: Background, width: int, height: int, fps: int) -> str:
    """An ffmpeg source chain yielding ONE yuv420p frame of the background, unmoving.

    The source gets a short duration: `trim` alone would discard frames it keeps drawing.
    """
    drawn = _gradients(bg, f"{width}x{height}", f"{fps}:d=0.1", "0")
    return f"{drawn},trim=end_frame=1,format=yuv420p"


def background_source(bg: Background, width: int, height: int, fps: int, frames: int) -> str:
    """An ffmpeg source chain yielding exactly `frames` yuv420p frames of `width`x`height`."""
    if not bg.motion:
        # One frame drawn and converted once, then held: a still costs almost nothing.
        return (
            f"{background_still(bg, width, height, fps)},"
            f"loop=loop={max(0, frames - 1)}:size=1,setpts=N/{fps}/TB"
        )
    return (
        f"{_drifting(bg, width, height)},scale={width}:{height}:flags=bilinear,setsar=1,"
        f"fps={fps},trim=end_frame={frames},setpts=N/{fps}/TB"
    )


def drift_ticks(fps: int) -> int:
    """Output frames per drawn frame of a drifting background (5 at 30 fps)."""
    return max(1, round(fps / MOTION_FPS))


def background_drift_small(bg: Background, width: int, height: int, fps: int, frames: int) -> str:
    """The drifting background at a fifth of the size, repeated to `fps`, `frames` long.

    For the renderer's held-frame path: it keeps one frame in `drift_ticks(fps)` (plus any
    where a caption changes) and scales only those up.
    """
    return f"{_drifting(bg, width, height)},fps={fps},trim=end_frame={frames},setpts=N/{fps}/TB"


def _drifting(bg: Background, width: int, height: int) -> str:
    """The drift as drawn: a fifth of the size, MOTION_FPS frames a second, yuv420p."""
    small = f"{max(16, width // MOTION_SCALE // 2 * 2)}x{max(16, height // MOTION_SCALE // 2 * 2)}"
    return f"{_gradients(bg, small, str(MOTION_FPS), '0.004')},format=yuv420p"


def _gradients(bg: Background, size: str, rate: str, speed: str) -> str:
    stops = ":".join(f"c{i}=0x{c.removeprefix('#')}" for i, c in enumerate(bg.palette))
    return (
        f"gradients=s={size}:r={rate}:n={len(bg.palette)}:{stops}"
        f":seed={bg.seed}:type={bg.style}:speed={speed}"
    )


def _hex(hue_degrees: float, saturation: float, lightness: float) -> str:
    r, g, b = colorsys.hls_to_rgb(hue_degrees / 360, lightness, saturation)
    return "#{:02x}{:02x}{:02x}".format(*(round(c * 255) for c in (r, g, b)))
