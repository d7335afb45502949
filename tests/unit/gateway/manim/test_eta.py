"""The ETA of a Manim task, from measured step times, else its own pace, else a first guess."""

from __future__ import annotations

import pytest
from videogen_contracts.script.manim import EDIT_STEPS, GENERATE_STEPS
from videogen_gateway.surfaces.manim.eta import (
    FIRST_GUESS_SECONDS,
    TaskPace,
    estimated_minutes,
    remaining_seconds,
)

HISTORY = {"plan": 4.0, "implementations": 6.0, "render": 10.0, "upload": 1.0,
           "combine": 5.0, "finalize": 1.0}


def pace(**changes: object) -> TaskPace:
    values: dict[str, object] = dict(kind="generate", steps=GENERATE_STEPS, step_index=1,
                                     scene_count=3, progress=0, elapsed=0.0, step_elapsed=0.0)
    return TaskPace(**(values | changes))  # type: ignore[arg-type]


def test_history_gives_each_step_its_mean_and_render_scales_with_scenes() -> None:
    # Plan half done: 2 s left of it, then 6 + 3 * 10 + 1 + 5 + 1.
    assert remaining_seconds(pace(step_elapsed=2.0), HISTORY) == pytest.approx(45.0)
    assert remaining_seconds(pace(step_elapsed=2.0, scene_count=5), HISTORY) == \
        pytest.approx(65.0)


def test_an_overrun_step_counts_zero_not_negative() -> None:
    assert remaining_seconds(pace(step_index=6, step_elapsed=30.0), HISTORY) == 0.0


def test_without_history_the_task_s_own_pace_per_percent_of_progress() -> None:
    # 20 s for 10 % (the plan step's weight): 2 s per percent; implementations 15 % = 30 s.
    at = pace(step_index=2, progress=10, elapsed=20.0, step_elapsed=0.0)
    assert remaining_seconds(at, {}) == pytest.approx(2.0 * (15 + 60 + 3 + 10 + 2))


def test_in_the_render_step_the_seconds_per_scene_rendered_so_far() -> None:
    at = pace(step_index=3, progress=45, elapsed=60.0, step_elapsed=12.0, units_done=1,
              units_total=3)
    later = 60.0 / 45 * (3 + 10 + 2)
    assert remaining_seconds(at, {}) == pytest.approx(12.0 * 2 + later)


def test_queued_with_nothing_measured_is_the_first_guess() -> None:
    queued = pace(step_index=0)
    guess = sum(FIRST_GUESS_SECONDS[s] for s in GENERATE_STEPS) + 2 * FIRST_GUESS_SECONDS["render"]
    assert remaining_seconds(queued, {}) == pytest.approx(guess)
    assert estimated_minutes("generate", GENERATE_STEPS, 3, {}) == round(guess / 60, 1)


def test_edit_renders_one_scene_whatever_the_scene_count() -> None:
    edit = pace(kind="edit", steps=EDIT_STEPS, step_index=0, scene_count=7)
    assert remaining_seconds(edit, HISTORY | {"retrieve": 1.0, "code": 3.0}) == \
        pytest.approx(1.0 + 3.0 + 10.0 + 5.0 + 1.0)


def test_a_new_task_estimate_is_never_zero() -> None:
    assert estimated_minutes("generate", GENERATE_STEPS, 1, dict.fromkeys(HISTORY, 0.0)) == 0.1
