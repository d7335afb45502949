"""One reaction of the ManimTask process manager: the commands it sends, in order, each
with an id derived from the task and its purpose (see policy.py for why that is enough
for a repeated reaction to change nothing)."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict
from uuid import UUID, uuid5

from videogen_contracts.script.manim import (
    ManimSessionCommand,
    ManimTaskQueued,
    RequestCode,
    RequestSceneRender,
    SceneRenderFailed,
    ScenesCombined,
    TaskKind,
)

from script_service.app.manim_task.results import scene_results
from script_service.app.manim_task.session_view import SessionView
from script_service.domain.manim_task import (
    CompleteManimTask,
    FailManimTask,
    ManimTask,
    RecordTaskProgress,
    RecordTaskStep,
    TaskStepCommand,
)

Action = ManimSessionCommand | TaskStepCommand

# Fixed forever: changing it would give a redelivered reaction's commands new ids.
COMMAND_NAMESPACE = UUID("8a4c1f0e-5b2d-4e7a-9c3f-2d6b8e1a7f45")

# Each step's share of the task's progress (0-100), in step order.
WEIGHTS: dict[TaskKind, dict[str, int]] = {
    "generate": {
        "plan": 10, "implementations": 15, "render": 60, "upload": 3, "combine": 10,
        "finalize": 2,
    },
    "edit": {"retrieve": 5, "code": 15, "render": 60, "combine": 15, "finalize": 5},
}


def job_id_for(task_id: UUID, step: str, scene: int = 0, attempt: int = 0) -> UUID:
    """The job a task runs for `step` (of `scene`, at `attempt`): the same on every reaction."""
    return uuid5(task_id, f"{step}:{scene}:{attempt}")


def command_id_for(task_id: UUID, purpose: str) -> str:
    return str(uuid5(COMMAND_NAMESPACE, f"{task_id}:{purpose}"))


def progress_before(kind: TaskKind, step: str) -> int:
    """The progress at the start of `step`: the weights of the steps before it."""
    steps = list(WEIGHTS[kind])
    return sum(WEIGHTS[kind][s] for s in steps[: steps.index(step)])


class SessionFields(TypedDict):
    command_id: str
    now: datetime
    session_id: str
    project: str
    task_id: UUID


class Reaction:
    """The commands of one reaction, in the order they must be sent."""

    def __init__(self, task: ManimTask, queued: ManimTaskQueued, now: datetime) -> None:
        self.task = task
        self.queued = queued
        self.now = now
        self.actions: list[Action] = []

    @property
    def task_id(self) -> UUID:
        return self.queued.task_id

    def fields(self, purpose: str) -> SessionFields:
        """What every session command of this task carries."""
        return SessionFields(
            command_id=command_id_for(self.task_id, purpose), now=self.now,
            session_id=self.queued.session_id, project=self.queued.project,
            task_id=self.task_id,
        )

    def step(self, step: str, message: str) -> None:
        """Start `step` unless the task is there or past it already."""
        if self.queued.steps.index(step) + 1 > self.task.index:
            self.actions.append(RecordTaskStep(
                command_id=command_id_for(self.task_id, f"step:{step}"), now=self.now,
                task_id=self.task_id, step=step, message=message,
            ))

    def progress(
        self, step: str, share: float, message: str, *, done: int = 0, total: int = 0
    ) -> None:
        """Report `share` (0..1) of `step` done, when that is news."""
        kind = self.queued.kind
        value = progress_before(kind, step) + int(WEIGHTS[kind][step] * share)
        if value > self.task.progress:
            self._report(step, value, message, done, total)

    def note(self, step: str, message: str) -> None:
        """Say what the step is doing now (a fix asked for), at the progress it has."""
        self._report(step, self.task.progress, message, 0, 0)

    def _report(self, step: str, value: int, message: str, done: int, total: int) -> None:
        self.actions.append(RecordTaskProgress(
            command_id=command_id_for(self.task_id, f"progress:{step}:{message}"),
            now=self.now, task_id=self.task_id, step=step, progress=value, message=message,
            done=done, total=total,
        ))

    def fail(self, error: str) -> None:
        self.actions.append(FailManimTask(
            command_id=command_id_for(self.task_id, "fail"), now=self.now,
            task_id=self.task_id, error=error,
        ))

    def complete(
        self, combined: ScenesCombined, view: SessionView, edited: tuple[int, int] | None
    ) -> None:
        """`edited`: the edit's scene and its new version."""
        self.actions.append(CompleteManimTask(
            command_id=command_id_for(self.task_id, "complete"), now=self.now,
            task_id=self.task_id, scenes=scene_results(self.queued.session_id, combined, view),
            combined_key=combined.output_key, combined_srt_key=combined.srt_key,
            duration_s=combined.duration_s, scene_number=edited[0] if edited else None,
            version=edited[1] if edited else None,
        ))

    def code_request(
        self, view: SessionView, scene: int, attempt: int, failed: SceneRenderFailed | None
    ) -> RequestCode:
        """The first code of a scene (an edit's, for an edit task), then a fix per failure."""
        q = self.queued
        edit = q.prompt if q.kind == "edit" and failed is None else None
        return RequestCode(
            **self.fields(f"code:{scene}:{attempt}"),
            job_id=job_id_for(self.task_id, "code", scene, attempt), scene_number=scene,
            topic=view.topic or q.prompt,
            failed_version=failed.version if failed else None,
            error=failed.error if failed else None, edit_prompt=edit,
            model=q.model_config.scene_model,
        )

    def render_request(self, view: SessionView, scene: int, attempt: int) -> RequestSceneRender:
        """The scene's latest code rendered, spoken over with its narration if asked. An
        edit renders its scene as it was rendered before (size, rate, narration), so it
        still matches the scenes it is combined with; with `preserve_timing`, also exactly
        as long as before (held or cut), so the scenes after it keep their places."""
        config = self.queued.render_config
        before = view.rendered_as.get(scene) if self.queued.kind == "edit" else None
        width: int | None
        height: int | None
        fps: int | None
        if before is not None:
            quality, width, height, fps = before.quality, before.width, before.height, before.fps
            longest, voice = before.max_duration_s, before.voice
            narrate = before.narration is not None
        else:
            quality, width, height, fps = config.quality, config.width, config.height, config.fps
            longest, voice = config.max_scene_duration, config.voice
            narrate = config.narration
        shortest = 0.0
        if before is not None and self.queued.preserve_timing:
            previous = max((v for n, v in view.renders if n == scene), default=None)
            kept = view.renders[(scene, previous)].duration_s if previous is not None else 0.0
            if kept > 0:
                shortest = longest = kept
        implementation = view.implementations.get(scene)
        spoken = implementation.narration if implementation and narrate else ""
        return RequestSceneRender(
            **self.fields(f"render:{scene}:{attempt}"),
            job_id=job_id_for(self.task_id, "render", scene, attempt), scene_number=scene,
            topic=view.topic or self.queued.prompt, quality=quality, width=width,
            height=height, fps=fps, max_duration_s=longest, min_duration_s=shortest,
            narration=spoken or None,
            narrate=narrate, voice=voice, attempt=attempt,
        )
