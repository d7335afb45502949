"""How long a Manim task has left, from measured step times (pure: no I/O, no clock).

Each step's expected length is, in this order of preference:
1. history: the mean seconds per unit of that step over recent completed tasks of the same
   kind (`manim_step_times`; units are scenes for `render`, else 1), times its units;
2. this task's own pace: the seconds it has taken per percent of progress so far, times
   the step's share of the progress (`STEP_WEIGHTS`, the process manager's weighting);
   inside the render step, the seconds per scene rendered so far;
3. a first guess (`FIRST_GUESS_SECONDS`), before anything was measured at all.
The current step's remainder is its expected length less its elapsed time (never below
zero); the later steps add their whole expected lengths.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# The share of the task's progress (0..100) each step is worth.
STEP_WEIGHTS: dict[str, dict[str, float]] = {
    "generate": {"plan": 10, "implementations": 15, "render": 60, "upload": 3,
                 "combine": 10, "finalize": 2},
    "edit": {"retrieve": 2, "code": 25, "render": 50, "combine": 20, "finalize": 3},
}
# Seconds per unit before any task was measured (the offline writer at low quality).
FIRST_GUESS_SECONDS: dict[str, float] = {
    "plan": 2.0, "implementations": 2.0, "retrieve": 0.5, "code": 2.0, "render": 10.0,
    "upload": 0.5, "combine": 5.0, "finalize": 0.5,
}


@dataclass(frozen=True, slots=True)
class TaskPace:
    """Where a task is: what `remaining_seconds` needs of it."""

    kind: str
    steps: Sequence[str]
    # 1-based index of the current step; 0 while queued.
    step_index: int
    scene_count: int
    progress: int
    # Seconds since the task was queued, and since its current step started.
    elapsed: float
    step_elapsed: float
    # Units (scenes) of the current step done and in all.
    units_done: int = 0
    units_total: int = 0


def units_of(step: str, kind: str, scene_count: int) -> int:
    return max(1, scene_count) if step == "render" and kind == "generate" else 1


def step_seconds(step: str, pace: TaskPace, history: Mapping[str, float]) -> float:
    """The expected length of one whole step of the task."""
    units = units_of(step, pace.kind, pace.scene_count)
    if step in history:
        return history[step] * units
    weight = STEP_WEIGHTS.get(pace.kind, {}).get(step)
    if pace.progress > 0 and pace.elapsed > 0 and weight is not None:
        return pace.elapsed / pace.progress * weight
    return FIRST_GUESS_SECONDS.get(step, 1.0) * units


def remaining_seconds(pace: TaskPace, history: Mapping[str, float]) -> float:
    """The seconds the task still needs (module doc)."""
    current = max(pace.step_index - 1, 0)
    later = pace.steps[current + 1:] if pace.step_index else pace.steps
    total = sum(step_seconds(step, pace, history) for step in later)
    if pace.step_index:
        total += _current_left(pace.steps[current], pace, history)
    return total


def _current_left(step: str, pace: TaskPace, history: Mapping[str, float]) -> float:
    if step not in history and pace.units_done > 0 and pace.units_total > pace.units_done:
        per_unit = pace.step_elapsed / pace.units_done
        return per_unit * (pace.units_total - pace.units_done)
    return max(step_seconds(step, pace, history) - pace.step_elapsed, 0.0)


def estimated_minutes(kind: str, steps: Sequence[str], scene_count: int,
                      history: Mapping[str, float]) -> float:
    """A new task's whole expected length, in minutes (one decimal, at least 0.1)."""
    pace = TaskPace(kind=kind, steps=steps, step_index=0, scene_count=scene_count,
                    progress=0, elapsed=0.0, step_elapsed=0.0)
    return max(round(remaining_seconds(pace, history) / 60, 1), 0.1)
