"""The ManimTask decider, given/when/then with no I/O: starting a task (doc 003's limits,
each naming its field; an edit's target), cancelling (running jobs kept, finished tasks
refused), steps that only move forward, progress that never goes back, and a finished
task that ignores every late report."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from script_service.domain.manim_task import (
    CancelTask,
    CompleteManimTask,
    FailManimTask,
    ManimTaskCommand,
    RecordTaskProgress,
    RecordTaskStep,
    check_edit_target,
    decide,
    fold,
)
from videogen_contracts.errors import Conflict, Invalid, NotFound
from videogen_contracts.script.manim import (
    EDIT_STEPS,
    GENERATE_STEPS,
    CancelManimTask,
    ManimRenderConfig,
    ManimTaskCancelled,
    ManimTaskCompleted,
    ManimTaskEvent,
    ManimTaskFailed,
    ManimTaskProgressed,
    ManimTaskQueued,
    ManimTaskStepStarted,
    SceneResult,
    StartManimTask,
    manim_project_key,
)

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
TID = UUID("00000000-0000-4000-8000-000000000001")
KEY = manim_project_key("proj-1")
JOB = UUID("00000000-0000-4000-8000-0000000000aa")


def start(**fields: Any) -> StartManimTask:
    defaults: dict[str, Any] = {
        "kind": "generate", "project": "proj-1", "session_id": "session_0123abcd",
        "prompt": "Explain machine learning basics", "scene_count": 3,
    }
    return StartManimTask(command_id="c1", now=NOW, task_id=TID, **(defaults | fields))


def queued(kind: str = "generate", **fields: Any) -> ManimTaskQueued:
    steps = GENERATE_STEPS if kind == "generate" else EDIT_STEPS
    defaults: dict[str, Any] = {
        "project": "proj-1", "session_id": "session_0123abcd", "prompt": "Explain ML basics",
        "scene_count": 3 if kind == "generate" else None,
        "scene_number": 2 if kind == "edit" else None,
    }
    return ManimTaskQueued(
        task_id=TID, project_id=KEY, kind=kind, steps=list(steps), queued_at=NOW,  # type: ignore[arg-type]
        **(defaults | fields),
    )


def started(step: str, index: int) -> ManimTaskStepStarted:
    return ManimTaskStepStarted(
        task_id=TID, project_id=KEY, step=step, index=index, message=step, started_at=NOW
    )


def progressed(value: int) -> ManimTaskProgressed:
    return ManimTaskProgressed(
        task_id=TID, project_id=KEY, step="render", progress=value, message="m", at=NOW
    )


def failed() -> ManimTaskFailed:
    return ManimTaskFailed(task_id=TID, project_id=KEY, step="plan", error="e", failed_at=NOW)


def step(name: str, cid: str = "s1") -> RecordTaskStep:
    return RecordTaskStep(command_id=cid, now=NOW, task_id=TID, step=name, message=f"doing {name}")


def report(value: int) -> RecordTaskProgress:
    return RecordTaskProgress(
        command_id="p1", now=NOW, task_id=TID, step="render", progress=value, message="m",
        done=1, total=3,
    )


def cancel(running: list[UUID] | None = None) -> CancelTask:
    return CancelTask(
        cancel=CancelManimTask(command_id="x1", now=NOW, task_id=TID), running_jobs=running or []
    )


def complete() -> CompleteManimTask:
    scene = SceneResult(
        scene_id="session_0123abcd_scene_1", scene_number=1, version=1, video_key="v.mp4",
        code_key="c.py", duration_s=4.0,
    )
    return CompleteManimTask(
        command_id="d1", now=NOW, task_id=TID, scenes=[scene], combined_key="all.mp4",
        duration_s=4.0,
    )


def when(history: list[ManimTaskEvent], command: ManimTaskCommand) -> list[ManimTaskEvent]:
    return decide(command, fold(history))


# --- start ---------------------------------------------------------------------------------


def test_a_generate_is_queued_with_its_six_steps_under_its_project_key() -> None:
    [event] = when([], start())
    assert event == queued(prompt="Explain machine learning basics")
    assert event.steps == list(GENERATE_STEPS)
    assert event.project_id == manim_project_key("proj-1")


def test_an_edit_is_queued_with_its_five_steps_and_its_scene() -> None:
    [event] = when([], start(kind="edit", prompt="make it more colorful", scene_number=2))
    assert isinstance(event, ManimTaskQueued)
    assert (event.kind, event.steps, event.scene_number) == ("edit", list(EDIT_STEPS), 2)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"prompt": "too short"}, "content_prompt"),
        ({"prompt": "x" * 20_001}, "content_prompt"),
        ({"prompt": "   padded   "}, "content_prompt"),
        ({"scene_count": 0}, "scene_count"),
        ({"scene_count": 21}, "scene_count"),
        ({"render_config": ManimRenderConfig(max_retries=11)}, "max_retries"),
        ({"render_config": ManimRenderConfig(max_retries=-1)}, "max_retries"),
        ({"kind": "edit", "prompt": "abcd", "scene_number": 1}, "edit_prompt"),
        ({"kind": "edit", "prompt": "make it red", "scene_number": 0}, "scene_number"),
        ({"kind": "edit", "prompt": "make it red"}, "scene_number"),
    ],
)
def test_a_start_out_of_limits_is_invalid_naming_the_field(
    fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(Invalid) as refused:
        when([], start(**fields))
    assert refused.value.field == field
    assert field in refused.value.message


@pytest.mark.parametrize("fields", [{"scene_count": 1}, {"scene_count": 20}, {"scene_count": None}])
def test_the_limits_themselves_are_accepted(fields: dict[str, Any]) -> None:
    assert len(when([], start(**fields))) == 1


def test_zero_and_ten_retries_are_accepted() -> None:
    for retries in (0, 10):
        assert when([], start(render_config=ManimRenderConfig(max_retries=retries)))


def test_a_task_is_started_once() -> None:
    with pytest.raises(Conflict):
        when([queued()], start())


def test_an_edit_needs_its_session_and_a_rendered_version_of_its_scene() -> None:
    edit = start(kind="edit", prompt="make it more colorful", scene_number=2)
    with pytest.raises(NotFound, match="session"):
        check_edit_target(edit, None)
    with pytest.raises(NotFound, match="scene 2"):
        check_edit_target(edit, frozenset({1, 3}))
    check_edit_target(edit, frozenset({1, 2, 3}))
    check_edit_target(start(), None)  # a generate opens its session


# --- steps and progress ----------------------------------------------------------------------


def test_a_step_starts_with_its_index() -> None:
    assert when([queued()], step("plan")) == [
        ManimTaskStepStarted(
            task_id=TID, project_id=KEY, step="plan", index=1, message="doing plan",
            started_at=NOW,
        )
    ]
    [event] = when([queued(), started("plan", 1)], step("render"))
    assert isinstance(event, ManimTaskStepStarted)
    assert event.index == 3


def test_a_step_already_started_or_passed_is_a_no_op() -> None:
    history: list[ManimTaskEvent] = [queued(), started("plan", 1), started("implementations", 2)]
    assert when(history, step("plan")) == []
    assert when(history, step("implementations")) == []


def test_a_step_the_kind_has_not_is_invalid() -> None:
    with pytest.raises(Invalid):
        when([queued(kind="edit")], step("plan"))


def test_progress_never_goes_back_and_stays_within_100() -> None:
    [event] = when([queued(), progressed(55)], report(40))
    assert isinstance(event, ManimTaskProgressed)
    assert (event.progress, event.done, event.total) == (55, 1, 3)
    [event] = when([queued()], report(140))
    assert isinstance(event, ManimTaskProgressed)
    assert event.progress == 100


def test_completion_carries_the_scenes_and_the_combined_video() -> None:
    [event] = when([queued(), started("finalize", 6)], complete())
    assert isinstance(event, ManimTaskCompleted)
    assert (event.session_id, event.combined_key, len(event.scenes)) == (
        "session_0123abcd", "all.mp4", 1,
    )
    assert fold([queued(), event]).progress == 100


def test_a_failure_names_the_step_it_happened_in() -> None:
    fail = FailManimTask(command_id="f1", now=NOW, task_id=TID, error="scene 2 failed: boom")
    [event] = when([queued(), started("plan", 1), started("render", 3)], fail)
    assert event == ManimTaskFailed(
        task_id=TID, project_id=KEY, step="render", error="scene 2 failed: boom", failed_at=NOW
    )


def test_steps_of_an_unknown_task_are_not_found() -> None:
    with pytest.raises(NotFound):
        when([], step("plan"))


@pytest.mark.parametrize("end", ["completed", "failed", "cancelled"])
def test_a_finished_task_ignores_every_late_report(end: str) -> None:
    last: ManimTaskEvent = {
        "completed": when([queued()], complete())[0], "failed": failed(),
        "cancelled": when([queued()], cancel())[0],
    }[end]
    history: list[ManimTaskEvent] = [queued(), last]
    assert fold(history).status == end
    for command in (step("render"), report(90), complete(), FailManimTask(
        command_id="f", now=NOW, task_id=TID, error="late",
    )):
        assert when(history, command) == []


# --- cancel --------------------------------------------------------------------------------------


def test_a_cancel_names_the_step_and_the_jobs_still_running() -> None:
    assert when([queued(), started("plan", 1)], cancel([JOB])) == [
        ManimTaskCancelled(
            task_id=TID, project_id=KEY, step="plan", running_jobs=[JOB], cancelled_at=NOW
        )
    ]


@pytest.mark.parametrize("end", ["failed", "cancelled"])
def test_a_cancel_of_a_finished_task_is_a_conflict(end: str) -> None:
    last = failed() if end == "failed" else when([queued()], cancel())[0]
    with pytest.raises(Conflict, match=end):
        when([queued(), last], cancel())


def test_a_cancel_of_a_completed_task_is_a_conflict() -> None:
    with pytest.raises(Conflict, match="completed"):
        when([queued(), *when([queued()], complete())], cancel())


def test_a_cancel_of_an_unknown_task_is_not_found() -> None:
    with pytest.raises(NotFound):
        when([], cancel())
