"""The ManimTask aggregate as a pure decider: one `generate` or `edit-scene` of doc 003.

The task's own stream holds only its life: queued, each step started, progress, and how
it ended. What its steps produced (the plan, every code version, every render) lives in
its session's stream; the process manager (app/manim_task/policy.py) reads both and
sends the internal commands below. Every internal command is a no-op once the task is
over, so a late or redelivered reaction changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal, assert_never
from uuid import UUID

import msgspec
from videogen_contracts.errors import Conflict, Invalid, NotFound
from videogen_contracts.project.events import Timestamp
from videogen_contracts.script.manim import (
    EDIT_STEPS,
    GENERATE_STEPS,
    MAX_PROMPT_CHARS,
    MAX_RETRIES_LIMIT,
    MAX_SCENES,
    MIN_EDIT_PROMPT_CHARS,
    MIN_PROMPT_CHARS,
    MIN_SCENES,
    CancelManimTask,
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

TaskStatus = Literal["none", "queued", "progress", "completed", "failed", "cancelled"]
FINISHED: frozenset[TaskStatus] = frozenset({"completed", "failed", "cancelled"})


class RecordTaskStep(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    now: Timestamp
    task_id: UUID
    step: str
    message: str


class RecordTaskProgress(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    now: Timestamp
    task_id: UUID
    step: str
    progress: int
    message: str
    done: int = 0
    total: int = 0


class CompleteManimTask(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    now: Timestamp
    task_id: UUID
    scenes: list[SceneResult]
    combined_key: str
    combined_srt_key: str | None = None
    duration_s: float
    scene_number: int | None = None
    version: int | None = None


class FailManimTask(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    now: Timestamp
    task_id: UUID
    error: str


class CancelTask(msgspec.Struct, frozen=True, kw_only=True):
    """`CancelManimTask` with the session's jobs of this task still running (the handler
    reads them from the session, which the task's decider cannot see)."""

    cancel: CancelManimTask
    running_jobs: list[UUID]


TaskStepCommand = RecordTaskStep | RecordTaskProgress | CompleteManimTask | FailManimTask
ManimTaskCommand = StartManimTask | CancelTask | TaskStepCommand


@dataclass(frozen=True, slots=True)
class ManimTask:
    status: TaskStatus = "none"
    queued: ManimTaskQueued | None = None
    # The step running now ("" before the first) and its 1-based index.
    step: str = ""
    index: int = 0
    progress: int = 0

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


INITIAL = ManimTask()


def evolve(state: ManimTask, event: ManimTaskEvent) -> ManimTask:
    match event:
        case ManimTaskQueued():
            return replace(state, status="queued", queued=event)
        case ManimTaskStepStarted():
            return replace(state, status="progress", step=event.step, index=event.index)
        case ManimTaskProgressed():
            return replace(state, progress=event.progress)
        case ManimTaskCompleted():
            return replace(state, status="completed", progress=100)
        case ManimTaskFailed():
            return replace(state, status="failed")
        case ManimTaskCancelled():
            return replace(state, status="cancelled")
        case _:
            assert_never(event)


def fold(events: Iterable[ManimTaskEvent], state: ManimTask = INITIAL) -> ManimTask:
    for event in events:
        state = evolve(state, event)
    return state


def decide(command: ManimTaskCommand, state: ManimTask) -> list[ManimTaskEvent]:
    """The events a command produces; raises NotFound / Conflict / Invalid instead."""
    match command:
        case StartManimTask():
            return _start(command, state)
        case CancelTask():
            return _cancel(command, state)
        case RecordTaskStep() | RecordTaskProgress() | CompleteManimTask() | FailManimTask():
            if state.queued is None:
                raise NotFound(f"manim task {command.task_id} not found")
            return [] if state.finished else _step(command, state, state.queued)
        case _:
            assert_never(command)


def steps_of(command: StartManimTask) -> tuple[str, ...]:
    return GENERATE_STEPS if command.kind == "generate" else EDIT_STEPS


def check_task_inputs(command: StartManimTask) -> None:
    """The limits of doc 003's `generate` and `edit-scene`, naming the client's field."""
    field, least = (
        ("content_prompt", MIN_PROMPT_CHARS) if command.kind == "generate"
        else ("edit_prompt", MIN_EDIT_PROMPT_CHARS)
    )
    length = len(command.prompt.strip())
    if not least <= length <= MAX_PROMPT_CHARS:
        raise Invalid(
            field, f"{field} must be {least} to {MAX_PROMPT_CHARS} characters, got {length}"
        )
    count = command.scene_count
    if count is not None and not MIN_SCENES <= count <= MAX_SCENES:
        raise Invalid(
            "scene_count", f"scene_count must be {MIN_SCENES} to {MAX_SCENES}, got {count}"
        )
    retries = command.render_config.max_retries
    if not 0 <= retries <= MAX_RETRIES_LIMIT:
        raise Invalid("max_retries", f"max_retries must be 0 to {MAX_RETRIES_LIMIT}, got {retries}")
    if command.kind == "edit" and (command.scene_number is None or command.scene_number < 1):
        raise Invalid("scene_number", "an edit names its scene: scene_number must be at least 1")


def check_edit_target(command: StartManimTask, rendered: frozenset[int] | None) -> None:
    """An edit needs the session (`rendered` None: it does not exist) and a rendered
    version of its scene; the handler reads both from the session's stream."""
    if command.kind != "edit":
        return
    if rendered is None:
        raise NotFound(f"manim session {command.session_id!r} not found")
    if command.scene_number not in rendered:
        raise NotFound(
            f"scene {command.scene_number} of session {command.session_id!r} has no rendered"
            " version"
        )


def _start(command: StartManimTask, state: ManimTask) -> list[ManimTaskEvent]:
    if state.queued is not None:
        raise Conflict(f"manim task {command.task_id} exists already")
    check_task_inputs(command)
    return [ManimTaskQueued(
        task_id=command.task_id, project_id=manim_project_key(command.project),
        kind=command.kind, project=command.project, session_id=command.session_id,
        prompt=command.prompt, scene_count=command.scene_count,
        scene_number=command.scene_number if command.kind == "edit" else None,
        preserve_timing=command.preserve_timing, model_config=command.model_config,
        render_config=command.render_config, steps=list(steps_of(command)),
        queued_at=command.now,
    )]


def _cancel(command: CancelTask, state: ManimTask) -> list[ManimTaskEvent]:
    cancel = command.cancel
    if state.queued is None:
        raise NotFound(f"manim task {cancel.task_id} not found")
    if state.finished:
        raise Conflict(f"manim task {cancel.task_id} is {state.status} already")
    return [ManimTaskCancelled(
        task_id=cancel.task_id, project_id=state.queued.project_id, step=state.step,
        running_jobs=command.running_jobs, cancelled_at=cancel.now,
    )]


def _step(
    command: TaskStepCommand, state: ManimTask, queued: ManimTaskQueued
) -> list[ManimTaskEvent]:
    task_id, project_id = queued.task_id, queued.project_id
    match command:
        case RecordTaskStep():
            # Steps only move forward: a repeated or late report of a step is a no-op.
            if command.step not in queued.steps:
                raise Invalid("step", f"a {queued.kind} task has no step {command.step!r}")
            index = queued.steps.index(command.step) + 1
            if index <= state.index:
                return []
            return [ManimTaskStepStarted(
                task_id=task_id, project_id=project_id, step=command.step, index=index,
                message=command.message, started_at=command.now,
            )]
        case RecordTaskProgress():
            # Progress never goes back (a late report of an earlier scene keeps its place).
            return [ManimTaskProgressed(
                task_id=task_id, project_id=project_id, step=command.step,
                progress=max(state.progress, min(command.progress, 100)),
                message=command.message, done=command.done, total=command.total, at=command.now,
            )]
        case CompleteManimTask():
            return [ManimTaskCompleted(
                task_id=task_id, project_id=project_id, session_id=queued.session_id,
                scenes=command.scenes,
                combined_key=command.combined_key, combined_srt_key=command.combined_srt_key,
                duration_s=command.duration_s, scene_number=command.scene_number,
                version=command.version, completed_at=command.now,
            )]
        case FailManimTask():
            return [ManimTaskFailed(
                task_id=task_id, project_id=project_id, step=state.step or queued.steps[0],
                error=command.error, failed_at=command.now,
            )]
        case _:
            assert_never(command)
