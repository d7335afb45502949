"""The offline variant scorer: it measures a variant against its original, it never guesses.

Both clips are decoded at the same moments (`samples` frames spread over the variant, and
the original at `source_start_s` plus the same offsets), at full size, as RGB. Then:

- **visual quality**: SSIM (luma) and PSNR (RGB) *outside* the box, a margin around it
  left out (the feathered edge and SSIM's 7x7 window straddle it): the rest of the frame
  must be untouched. A spotlight darkens the rest by design, so for it the outside is
  first matched in gain to the original (what is left to measure is whether its picture
  survived).
- **against the original**: the amount of change *inside* the box (mean absolute RGB
  difference, and SSIM there): an edit that changes nothing there edits nothing.
- **against the prompt**: whether the measured change is the one asked for (`_PROMPT`).

Each figure is mapped onto one scale, 0..1, and the ratings are its words with the figure:
"excellent (0.93)" (≥ 0.85), "good" (≥ 0.60), "fair" (≥ 0.30), "poor". `details` names
every figure measured. Blocking (decoding and numpy): run it in a worker thread.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
from PIL import Image as PILImage

from videogen_media import score_metrics as m
from videogen_media.frames import grab_rgb, video_facts
from videogen_media.score_effects import CHANGE, effect_check, scaled

Basis = Literal["prompt", "original"]
SCALE = ((0.85, "excellent"), (0.60, "good"), (0.30, "fair"), (0.0, "poor"))
DEFAULT_SAMPLES = 5
# Operations that change the frame outside the box on purpose.
CHANGES_OUTSIDE = frozenset({"spotlight"})


class BoxLike(Protocol):
    @property
    def x(self) -> int: ...
    @property
    def y(self) -> int: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Measurement:
    """Doc 002's score fields, and the figures they were made from."""

    overall_rating: str
    details: str
    fidelity_to_prompt: str
    visual_quality: str
    figures: dict[str, float]


def rating(figure: float) -> str:
    """A 0..1 figure in words: 'good (0.72)'."""
    value = min(1.0, max(0.0, figure if math.isfinite(figure) else 0.0))
    word = next(word for floor, word in SCALE if value >= floor)
    return f"{word} ({value:.2f})"


def score_variant(
    original: Path, variant: Path, *, source_start_s: float, box: BoxLike, operation: str,
    color: str | None, compare_to: Basis, samples: int = DEFAULT_SAMPLES,
) -> Measurement:
    """Measure `variant` (the edited range as a clip) against `original` (the source)."""
    duration = max(video_facts(variant).duration, 1e-3)
    offsets = [duration * (i + 0.5) / samples for i in range(samples)]
    after = grab_rgb(variant, offsets)
    before = grab_rgb(original, [source_start_s + t for t in offsets])
    after = [_same_size(a, b) for a, b in zip(after, before, strict=True)]
    return measure_frames(
        before, after, box=box, operation=operation, color=color, compare_to=compare_to,
        span=(offsets[0], offsets[-1]),
    )


def measure_frames(
    before: Sequence[m.Image], after: Sequence[m.Image], *, box: BoxLike, operation: str,
    color: str | None, compare_to: Basis, span: tuple[float, float] = (0.0, 0.0),
) -> Measurement:
    """The score of frames already decoded (pairs of the same size)."""
    inside, outside = masks(before[0].shape[:2], box)
    figures = _outside_figures(before, after, outside, matched=operation in CHANGES_OUTSIDE)
    figures |= _inside_figures(before, after, inside)
    quality = min(scaled(figures["ssim_outside"], (0.80, 0.90, 0.95, 0.98, 1.0)),
                  scaled(figures["psnr_outside"], (20.0, 25.0, 30.0, 35.0, 45.0)))
    lead = (f"Compared with the {'original' if compare_to == 'original' else 'prompt'} over "
            f"{len(before)} frames ({span[0]:.2f}-{span[1]:.2f} s of the clip): "
            + _outside_words(figures, operation) + " " + _inside_words(figures))
    if compare_to == "original":
        fidelity = scaled(figures["change_inside"], CHANGE)
        tail = "The fidelity figure is the amount of change inside the box."
    else:
        check = effect_check(operation, color, before, after, inside, outside)
        figures |= check.figures
        fidelity, tail = check.fidelity, check.words
    overall = (fidelity + quality) / 2
    figures |= {"fidelity": fidelity, "quality": quality, "overall": overall}
    return Measurement(
        overall_rating=rating(overall), details=f"{lead} {tail}",
        fidelity_to_prompt=rating(fidelity), visual_quality=rating(quality), figures=figures,
    )


def masks(shape: tuple[int, ...], box: BoxLike) -> tuple[m.Mask, m.Mask]:
    """(inside the box, outside it and its margin), clipped to the frame."""
    height, width = shape[0], shape[1]
    inside = np.zeros((height, width), dtype=bool)
    x0, y0 = max(0, box.x), max(0, box.y)
    x1, y1 = min(width, box.x + box.width), min(height, box.y + box.height)
    inside[y0:y1, x0:x1] = True
    margin = m.WINDOW + max(4, round(0.02 * min(width, height)))
    near = np.zeros_like(inside)
    near[max(0, y0 - margin):y1 + margin, max(0, x0 - margin):x1 + margin] = True
    return inside, ~near


def _same_size(image: m.Image, like: m.Image) -> m.Image:
    if image.shape == like.shape:
        return image
    height, width = like.shape[:2]
    resized = PILImage.fromarray(image).resize((width, height), PILImage.Resampling.BILINEAR)
    return np.asarray(resized, dtype=np.uint8)


def _mean(values: Sequence[float]) -> float:
    finite = [v for v in values if math.isfinite(v)]
    return sum(finite) / len(finite) if finite else math.inf


def _per_frame(
    before: Sequence[m.Image], after: Sequence[m.Image],
    measure: Callable[[m.Image, m.Image], float],
) -> float:
    return _mean([measure(b, a) for b, a in zip(before, after, strict=True)])


def _gain_matched(image: m.Image, like: m.Image, mask: m.Mask) -> m.Image:
    gain = np.asarray(m.mean_color(like, mask)) / np.maximum(m.mean_color(image, mask), 1.0)
    return np.asarray(np.clip(image.astype(np.float64) * gain, 0, 255), dtype=np.uint8)


def _outside_figures(
    before: Sequence[m.Image], after: Sequence[m.Image], outside: m.Mask, *, matched: bool
) -> dict[str, float]:
    if matched:
        after = [_gain_matched(a, b, outside) for b, a in zip(before, after, strict=True)]
    if not outside.any():  # the box (and its margin) covers the frame
        return {"ssim_outside": 1.0, "psnr_outside": math.inf}
    return {
        "ssim_outside": _per_frame(
            before, after, lambda b, a: m.mean_in(m.ssim_map(m.luma(b), m.luma(a)), outside)),
        "psnr_outside": _per_frame(before, after, lambda b, a: m.psnr(b, a, outside)),
    }  # fmt: skip


def _inside_figures(
    before: Sequence[m.Image], after: Sequence[m.Image], inside: m.Mask
) -> dict[str, float]:
    return {
        "change_inside": _per_frame(
            before, after, lambda b, a: m.mean_abs_difference(b, a, inside)),
        "ssim_inside": _per_frame(
            before, after, lambda b, a: m.mean_in(m.ssim_map(m.luma(b), m.luma(a)), inside)),
    }  # fmt: skip


def _outside_words(figures: dict[str, float], operation: str) -> str:
    psnr = figures["psnr_outside"]
    shown = "identical" if math.isinf(psnr) else f"{psnr:.1f} dB"
    matched = (" after matching its gain (a spotlight darkens it)"
               if operation in CHANGES_OUTSIDE else "")
    return (f"outside the box{matched} SSIM {figures['ssim_outside']:.3f} and PSNR {shown}"
            f" (1.000 and 35 dB or more: the rest of the frame is untouched);")


def _inside_words(figures: dict[str, float]) -> str:
    return (f"inside the box the mean change is {figures['change_inside']:.1f}/255 and SSIM"
            f" {figures['ssim_inside']:.3f}.")

