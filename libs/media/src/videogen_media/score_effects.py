"""Whether the change measured in the box is the one the prompt asked for, per operation.

Each check measures the box before and after, and maps how far the measure moved onto the
scorer's 0..1 scale (`scaled`): a blur lowers sharpness (the Laplacian's variance), a
pixelation or censor too; a removal lowers detail (the mean gradient); grayscale drops
saturation; a tint moves the box's mean hue toward the named colour; brighten raises luma
and darken lowers it; a highlight or spotlight makes the box brighter than the rest; text
adds strong edges; a shape adds pixels of its colour.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from videogen_media import score_metrics as m

# How far a measure must move to score fair (0.30), good (0.60) and excellent (0.85).
DROP = (0.0, 0.15, 0.40, 0.65, 0.90)  # a share lost: sharpness, detail, saturation
LUMA = (0.0, 2.0, 6.0, 12.0, 25.0)  # luma levels gained (or lost), 0..255
EDGES = (0.0, 0.005, 0.02, 0.05, 0.10)  # share of the box on strong edges gained
COLOR = (0.0, 0.01, 0.03, 0.08, 0.15)  # share of the box near the colour gained
HUE = (0.0, 0.15, 0.40, 0.65, 0.90)  # share of the hue distance to the colour closed
CHANGE = (0.0, 1.5, 4.0, 8.0, 16.0)  # mean absolute RGB difference, 0..255


def scaled(value: float, anchors: Sequence[float]) -> float:
    """A measure onto the 0..1 scale: `anchors` are the values that score 0, 0.30 (fair),
    0.60 (good), 0.85 (excellent) and 1."""
    value = 0.0 if math.isnan(value) else value  # +inf (identical pixels) scores 1
    return float(np.interp(value, anchors, (0.0, 0.30, 0.60, 0.85, 1.0)))


@dataclass(frozen=True, slots=True)
class EffectCheck:
    fidelity: float
    words: str
    figures: dict[str, float]


@dataclass(frozen=True, slots=True)
class _Frames:
    before: Sequence[m.Image]
    after: Sequence[m.Image]
    inside: m.Mask
    outside: m.Mask

    def both(self, measure: Callable[[m.Image, m.Mask], float]) -> tuple[float, float]:
        """The measure on the box, averaged over the frames, before and after."""
        return (float(np.mean([measure(f, self.inside) for f in self.before])),
                float(np.mean([measure(f, self.inside) for f in self.after])))  # fmt: skip


def _luma_in(image: m.Image, mask: m.Mask) -> float:
    return m.mean_in(m.luma(image), mask)


def _drop(name: str, what: str, frames: _Frames, measure: Callable[[m.Image, m.Mask], float],
          expected: str) -> EffectCheck:  # fmt: skip
    before, after = frames.both(measure)
    drop = 1 - after / before if before > 1e-9 else 0.0
    words = (f"{what} in the box went from {before:.3g} to {after:.3g}"
             f" ({-100 * drop:+.0f}%), {expected}.")
    return EffectCheck(scaled(drop, DROP), words,
                       {f"{name}_before": before, f"{name}_after": after})  # fmt: skip


def _sharpness(image: m.Image, mask: m.Mask) -> float:
    return m.laplacian_variance(m.luma(image), mask)


def _detail(image: m.Image, mask: m.Mask) -> float:
    return m.detail(m.luma(image), mask)


def _edges(image: m.Image, mask: m.Mask) -> float:
    return m.edge_density(m.luma(image), mask)


def _saturation(image: m.Image, mask: m.Mask) -> float:
    return m.mean_in(m.saturation(image), mask)


def _luma_shift(frames: _Frames, sign: int, expected: str) -> EffectCheck:
    before, after = frames.both(_luma_in)
    rise = sign * (after - before)
    return EffectCheck(scaled(rise, LUMA),
                       f"Mean luma in the box went from {before:.1f} to {after:.1f}, {expected}.",
                       {"luma_before": before, "luma_after": after})  # fmt: skip


def _contrast(frames: _Frames) -> EffectCheck:
    def lift(images: Sequence[m.Image]) -> float:
        return float(np.mean([_luma_in(f, frames.inside) - _luma_in(f, frames.outside)
                              for f in images]))  # fmt: skip

    before, after = lift(frames.before), lift(frames.after)
    words = (f"The box's luma above the rest's went from {before:+.1f} to {after:+.1f},"
             " as a highlight should raise it.")
    return EffectCheck(scaled(after - before, LUMA), words,
                       {"lift_before": before, "lift_after": after})  # fmt: skip


def _tint(frames: _Frames, color: str) -> EffectCheck:
    target = m.hue_degrees(tuple(float(c) for c in m.parse_hex(color)))  # type: ignore[arg-type]
    before, after = frames.both(lambda f, mask: m.hue_distance(
        m.hue_degrees(m.mean_color(f, mask)), target))  # fmt: skip
    # A box already of that hue cannot move toward it: then only where it ends counts.
    closed = (before - after) / before if before >= 15 else 1 - after / 15
    words = (f"The box's mean hue went from {before:.0f} to {after:.0f} degrees away from"
             f" {color} (hue {target:.0f}), as a tint should close the gap.")
    return EffectCheck(scaled(closed, HUE), words,
                       {"hue_distance_before": before, "hue_distance_after": after})


def _shape(frames: _Frames, color: str) -> EffectCheck:
    rgb = m.parse_hex(color)
    before, after = frames.both(lambda f, mask: m.near_color(f, mask, rgb))
    words = (f"The share of the box near {color} went from {100 * before:.1f}% to"
             f" {100 * after:.1f}%, as a sprite of that colour should raise it.")
    return EffectCheck(scaled(after - before, COLOR), words,
                       {"color_share_before": before, "color_share_after": after})


def _rise(name: str, what: str, frames: _Frames, measure: Callable[[m.Image, m.Mask], float],
          expected: str) -> EffectCheck:  # fmt: skip
    before, after = frames.both(measure)
    words = f"{what} in the box went from {before:.3f} to {after:.3f}, {expected}."
    return EffectCheck(scaled(after - before, EDGES), words,
                       {f"{name}_before": before, f"{name}_after": after})  # fmt: skip


def effect_check(
    operation: str, color: str | None, before: Sequence[m.Image], after: Sequence[m.Image],
    inside: m.Mask, outside: m.Mask,
) -> EffectCheck:
    """How well the change in the box matches `operation` (a RegionOperation)."""
    frames = _Frames(before, after, inside, outside)
    match operation:
        case "blur" | "pixelate" | "censor":
            return _drop("sharpness", "Sharpness (Laplacian variance)", frames, _sharpness,
                         f"as a {operation} should lower it")  # fmt: skip
        case "remove":
            return _drop("detail", "Detail (mean gradient)", frames, _detail,
                         "as a removal should flatten it")  # fmt: skip
        case "grayscale":
            return _drop("saturation", "Saturation", frames, _saturation,
                         "as grayscale should drop it")  # fmt: skip
        case "brighten":
            return _luma_shift(frames, 1, "as brightening should raise it")
        case "darken":
            return _luma_shift(frames, -1, "as darkening should lower it")
        case "highlight" | "spotlight":
            return _contrast(frames)
        case "tint" if color:
            return _tint(frames, color)
        case "text":
            return _rise("edges", "The share of strong edges", frames, _edges,
                         "as drawn text should add them")  # fmt: skip
        case "shape" if color:
            return _shape(frames, color)
        case _:
            return _changed(frames, operation)


def _changed(frames: _Frames, operation: str) -> EffectCheck:
    """No colour to look for: only that the box changed can be measured."""
    pairs = zip(frames.before, frames.after, strict=True)
    change = float(np.mean([m.mean_abs_difference(b, a, frames.inside) for b, a in pairs]))
    words = (f"For {operation!r} with no colour named, only the amount of change in the box"
             f" is measured: {change:.1f}/255.")
    return EffectCheck(scaled(change, CHANGE), words, {"change_inside": change})
