"""Where every layer of a scene is, and how it looks, on every frame: pure frame arithmetic.

A layer appears at `enter_at`, spends `enter_s` entering (its look: `layer_frames`; its
motion: a rise or a slide, eased out), and drifts slowly all along. Positions are whole
pixels, so a frame changes only when some layer moves by a pixel or changes its look.

Why the drift ARRIVES at the designed position (offset 0 on the scene's last frame) instead
of leaving it: the last frame of every scene is then exactly its still, so a transition
into the next scene can start from that still, also across segments (`previous_still`),
with no jump.

Why drift positions are recomputed only on "update frames" (frames that change anyway:
entrances, transitions, caption changes; else 3 a second): every frame that differs costs
a trip through the graph (overlays, libass) and an x264 frame with changed blocks. Steps
shared with the frames that change anyway cost nothing, and three drifting layers step
together rather than on three times as many frames; at the slow speeds used (a few px/s)
a step is one pixel, which reads as smooth motion.

Travel is capped (a long scene must not carry a layer into the caption band), and a speed
floor keeps every scene moving at least once every 2 s (nothing static for longer).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from videogen_media.scene_types import Entrance, Layer

DRIFT_HZ = 3  # drift steps when nothing else changes; 1 px a step up to 3 px/s
MAX_TRAVEL = 0.04  # of the frame's short side, over a whole scene
MIN_SPEED = 0.75  # px/s: a step at least every 1.3 s
DEFAULT_DRIFT = 4.0  # px/s at 720 p, given to the largest layer when none drifts
RISE = 0.045  # of the frame height: how far a "rise" comes from
SLIDE = 0.08  # of the frame width: how far a slide comes from
POP_PAD = 0.1  # of the layer's size, each side: room for the pop's overshoot
Offset = tuple[int, int]


@dataclass(frozen=True, slots=True)
class LayerMotion:
    """One layer's timing on its scene, in scene-local frames."""

    appear: int  # the first frame it shows on
    entering: int  # frames of entrance look (0: it appears whole)
    velocity: tuple[float, float]  # px/s, after the cap and the floor
    enter: Entrance
    pad: Offset = (0, 0)  # the pop's canvas margin: the layer is drawn at (x, y) - pad

    @property
    def settled(self) -> int:
        return self.appear + self.entering


def entrance_progress(j: int, entering: int) -> float:
    """How far into its entrance the layer is on its j-th entrance frame (never 0 or 1)."""
    return (j + 1) / (entering + 1)


def ease_out(p: float) -> float:
    q = 1.0 - p
    return 1.0 - q * q * q


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def plan_layers(
    layers: Sequence[Layer],
    sizes: Sequence[tuple[int, int]],
    frames: int,
    fps: int,
    size: tuple[int, int],
) -> list[LayerMotion]:
    """Timing and drift of every layer (`sizes`: their pictures') of a `frames`-long scene."""
    moving = any(layer.drift != (0.0, 0.0) for layer in layers)
    default = _default_drifter(layers) if not moving else None
    scale = min(size) / 720
    motions = []
    for index, layer in enumerate(layers):
        appear = min(frames - 1, max(0, round(layer.enter_at * fps)))
        entering = 0 if layer.enter == "none" else max(1, round(layer.enter_s * fps))
        entering = min(entering, max(0, frames - 1 - appear))
        drift = layer.drift if index != default else (0.0, -DEFAULT_DRIFT * scale)
        seconds = max(1, frames - 1 - appear) / fps
        motions.append(
            LayerMotion(
                appear,
                entering,
                capped_velocity(drift, seconds, MAX_TRAVEL * min(size)),
                layer.enter,
                _pop_pad(sizes[index]) if layer.enter == "pop" else (0, 0),
            )
        )
    return motions


def _default_drifter(layers: Sequence[Layer]) -> int | None:
    """The layer that drifts when the design gave none a drift (the first one, say the icon)."""
    return 0 if layers else None


def _pop_pad(size: tuple[int, int]) -> Offset:
    w, h = size
    return (math.ceil(w * POP_PAD / 2) * 2, math.ceil(h * POP_PAD / 2) * 2)


def capped_velocity(
    drift: tuple[float, float], seconds: float, travel: float
) -> tuple[float, float]:
    speed = math.hypot(*drift)
    if speed == 0:
        return (0.0, 0.0)
    target = max(MIN_SPEED, min(speed, travel / seconds))
    return (drift[0] * target / speed, drift[1] * target / speed)


def drift_tick(fps: int) -> int:
    return max(1, round(fps / DRIFT_HZ))


def drift_offset(velocity: float, at: int, last: int, fps: int) -> int:
    """The drift as of update frame `at`: 0 on the scene's `last` frame."""
    return round_half_up(velocity * (at - last) / fps)


def update_frames(frames: int, forced: set[int], fps: int) -> list[int]:
    """The frames on which drift positions are recomputed: those that change anyway
    (entrances, the transition, caption changes), the last frame (the still), and, where
    nothing changes for a tick, one frame a tick."""
    tick = drift_tick(fps)
    out: list[int] = []
    for f in range(frames):
        if f in forced or f == frames - 1 or not out or f - out[-1] >= tick:
            out.append(f)
    return out


def latest(updates: Sequence[int], frames: int) -> list[int]:
    """For every frame, the last update frame at or before it."""
    out, k = [], 0
    for f in range(frames):
        while k + 1 < len(updates) and updates[k + 1] <= f:
            k += 1
        out.append(updates[k])
    return out


def entrance_offset(motion: LayerMotion, f: int, size: tuple[int, int]) -> Offset:
    """The rise or slide still to go on frame f (0 once settled)."""
    if not motion.appear <= f < motion.settled:
        return (0, 0)
    rest = 1.0 - ease_out(entrance_progress(f - motion.appear, motion.entering))
    w, h = size
    if motion.enter == "rise":
        return (0, round_half_up(RISE * h * rest))
    if motion.enter == "slide_left":  # it slides in towards the left: it comes from the right
        return (round_half_up(SLIDE * w * rest), 0)
    if motion.enter == "slide_right":
        return (-round_half_up(SLIDE * w * rest), 0)
    return (0, 0)


def layer_state(
    layer: Layer, motion: LayerMotion, f: int, at: int, last: int, fps: int, size: tuple[int, int]
) -> tuple[int, int, int] | None:
    """(look index, x, y) of the layer on frame f (drifted as of update frame `at`), None
    before it appears."""
    if f < motion.appear:
        return None
    look = min(f - motion.appear, motion.entering)
    ex, ey = entrance_offset(motion, f, size)
    dx = drift_offset(motion.velocity[0], at, last, fps)
    dy = drift_offset(motion.velocity[1], at, last, fps)
    return (look, layer.x - motion.pad[0] + ex + dx, layer.y - motion.pad[1] + ey + dy)


def step_expr(values: Sequence[tuple[int, int]], frame: str) -> str:
    """An expression of the frame number (the expression `frame`) equal to each value from
    its frame on.

    `values`: (first frame, value) in frame order. A flat sum of steps, exact in integers
    (no float motion re-derived inside ffmpeg), evaluated only on the frames that exist.
    """
    (_, base), *rest = values
    terms = [str(base)]
    previous = base
    for at, value in rest:
        if value != previous:
            terms.append(f"{value - previous}*gte({frame},{at})")
            previous = value
    return "+".join(terms)


def changed_frames(states: Sequence[object]) -> list[int]:
    """The frames whose state differs from the frame before (the first always)."""
    return [f for f, state in enumerate(states) if f == 0 or state != states[f - 1]]


def runs(frames: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted frame numbers as inclusive runs: [1, 2, 3, 7] → [(1, 3), (7, 7)]."""
    out: list[tuple[int, int]] = []
    for f in frames:
        if out and f == out[-1][1] + 1:
            out[-1] = (out[-1][0], f)
        else:
            out.append((f, f))
    return out


def select_expr(frames: Sequence[int]) -> str:
    """An ffmpeg `select` expression keeping exactly these frame numbers."""
    return "+".join(f"eq(n,{a})" if a == b else f"between(n,{a},{b})" for a, b in runs(frames))
