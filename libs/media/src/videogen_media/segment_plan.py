"""Which frames of a segment differ, and where each layer is on them: the plan of a render.

Pure given the layers' sizes: every scene's frames are walked once, each frame's state
(the transition step, and every layer's look and position) compared with the frame
before; only frames whose state changes, plus those where a caption changes, are sent
through the graph (video_track then repeats them for the encoder). A scene whose state
never changes for 2 s cannot occur: every scene drifts (segment_motion).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from videogen_media.scene_types import Layer
from videogen_media.segment_motion import (
    DEFAULT_DRIFT,
    MAX_TRAVEL,
    LayerMotion,
    capped_velocity,
    changed_frames,
    drift_offset,
    latest,
    layer_state,
    update_frames,
)

State = tuple[int, int, int] | None


@dataclass(frozen=True, slots=True)
class ScenePlan:
    start: int  # the scene's first frame on the segment
    frames: int
    transition: int  # frames of the transition into it (0: a cut)
    motions: tuple[LayerMotion, ...]
    kept: tuple[int, ...]  # scene-local frames that reach the graph
    # Per layer: (segment frame, x, y) from the frame it first shows on, at each change.
    steps: tuple[tuple[tuple[int, int, int], ...], ...]
    pan: tuple[tuple[int, int], ...] = ()  # (segment frame, x offset) of a background pan
    every_frame: bool = False  # a video background: all frames go through


def transition_frames(transition_s: float, fps: int, frames: int, wanted: bool) -> int:
    """Frames of a transition into a scene of `frames` (at most half of it; 0 for a cut)."""
    if not wanted:
        return 0
    count = round(transition_s * fps)
    return count if 2 <= count <= frames // 2 else min(count, frames // 2) if frames >= 4 else 0


def plan_scene(
    start: int,
    frames: int,
    transition: int,
    layers: Sequence[Layer],
    motions: Sequence[LayerMotion],
    changes: set[int],
    fps: int,
    size: tuple[int, int],
    *,
    every_frame: bool = False,
    pan: bool = False,
    transition_step: int = 1,
) -> ScenePlan:
    """`layers`: the sprites' layers (moved to their visible box); `changes`: caption
    change frames on the segment; `transition_step`: the transition changes every so many
    frames (a crossfade at half the rate: see segment_render)."""
    last = frames - 1
    typed = list(layers)
    captions = {f - start for f in changes if start <= f < start + frames}
    forced = captions | set(range(0, transition, transition_step))
    for m in motions:
        forced.update(range(m.appear, m.settled + 1))
    at = latest(update_frames(frames, forced, fps), frames)
    # Inside a stepped transition, the layers step with it (they are half-covered).
    shown = [f - f % transition_step if f < transition else f for f in range(frames)]
    per_frame: list[tuple[State, ...]] = [
        tuple(
            layer_state(layer, m, g, at[g], last, fps, size)
            for layer, m in zip(typed, motions, strict=True)
        )
        for g in shown
    ]
    pans = _pan_offsets(at, frames, fps, size) if pan else []
    states = [
        (f // transition_step if f < transition else -1, s, pans[f] if pans else 0)
        for f, s in enumerate(per_frame)
    ]
    kept = set(changed_frames(states)) | captions
    if every_frame:
        kept = set(range(frames))
    steps = tuple(_steps(per_frame, i, start) for i in range(len(typed)))
    pan_steps = (
        tuple((start + f, pans[f]) for f in range(frames) if f == 0 or pans[f] != pans[f - 1])
        if pans
        else ()
    )
    return ScenePlan(
        start,
        frames,
        transition,
        tuple(motions),
        tuple(sorted(kept)),
        steps,
        pan_steps,
        every_frame,
    )


def _steps(
    per_frame: Sequence[tuple[State, ...]], index: int, start: int
) -> tuple[tuple[int, int, int], ...]:
    out: list[tuple[int, int, int]] = []
    for f, states in enumerate(per_frame):
        state = states[index]
        if state is None:
            continue
        _, x, y = state
        if not out or (out[-1][1], out[-1][2]) != (x, y):
            out.append((start + f, x, y))
    return tuple(out)


def pan_margin(size: tuple[int, int]) -> int:
    """How far (px, even) a background with nothing on it pans over its scene."""
    return max(2, round(MAX_TRAVEL * min(size) / 2) * 2)


def _pan_offsets(at: Sequence[int], frames: int, fps: int, size: tuple[int, int]) -> list[int]:
    """x offsets (even: yuv420p crops on whole chroma pixels) into a background wider by
    2 * margin, arriving at the centre (margin) on the last frame."""
    margin = pan_margin(size)
    speed = DEFAULT_DRIFT * min(size) / 720 / 2
    vx, _ = capped_velocity((speed, 0.0), max(1, frames - 1) / fps, margin / 2)
    return [margin + 2 * drift_offset(vx, at[f], frames - 1, fps) for f in range(frames)]
