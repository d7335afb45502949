"""Doc 003's answers, and the read-model rows translated into them (pure: no I/O).

Jobs: `status` is the document's basic status (pending | running | completed | failed) and
`state` the original's Celery state (PENDING | STARTED | SUCCESS | FAILURE); a cancelled
job is failed. The `*_url` fields point at `GET /api/v1/video/files/{key}`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from videogen_contracts.script.manim import ManimTaskCompleted, scene_id_of
from videogen_gateway.readmodels.manim.rows import JobRow, TaskRow

FILES_PATH = "/api/v1/video/files"
_STATES = {
    "pending": ("pending", "PENDING"), "running": ("running", "STARTED"),
    "completed": ("completed", "SUCCESS"), "failed": ("failed", "FAILURE"),
    "cancelled": ("failed", "FAILURE"),
}


def file_url(key: str | None) -> str | None:
    return None if key is None else f"{FILES_PATH}/{key}"


class AgentAccepted(msgspec.Struct, frozen=True, kw_only=True):
    job_id: str
    state: str = "PENDING"
    meta: dict[str, Any]


class JobOut(msgspec.Struct, frozen=True, kw_only=True):
    job_id: str
    status: str
    state: str
    result: dict[str, Any] | None
    error: str | None


class TaskAccepted(msgspec.Struct, frozen=True, kw_only=True):
    task_id: str
    project_id: str
    session_id: str
    status: str
    message: str
    estimated_duration_minutes: float
    created_at: datetime


class SceneTaskAccepted(TaskAccepted, frozen=True, kw_only=True):
    scene_id: str


class TaskStatusOut(msgspec.Struct, frozen=True, kw_only=True):
    task_id: str
    status: str
    progress: int
    message: str
    # The step's name (`plan`, `render`…), its 1-based index, and how many there are.
    current_step: str | None
    current_step_index: int
    total_steps: int
    estimated_completion: datetime | None
    project_id: str
    session_id: str
    scene_id: str | None
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    updated_at: datetime


class SceneOut(msgspec.Struct, frozen=True, kw_only=True):
    scene_id: str
    scene_number: int
    version: int
    video_url: str | None
    srt_url: str | None
    code_url: str | None
    duration: float


class TaskResultOut(msgspec.Struct, frozen=True, kw_only=True):
    task_id: str
    project_id: str
    session_id: str
    scenes: list[SceneOut]
    combined_video_url: str | None
    combined_srt_url: str | None
    duration: float


class CancelledOut(msgspec.Struct, frozen=True, kw_only=True):
    task_id: str
    status: str = "cancelled"


def accepted(job_id: UUID, session_id: str, kind: str, **meta: Any) -> AgentAccepted:
    return AgentAccepted(job_id=str(job_id), meta={"session_id": session_id, "kind": kind,
                                                   **meta})


def job_out(job: JobRow) -> JobOut:
    status, state = _STATES[job.status]
    error = "cancelled" if job.status == "cancelled" else job.error
    return JobOut(job_id=str(job.job_id), status=status, state=state,
                  result=job_result(job), error=error)


def job_result(job: JobRow) -> dict[str, Any] | None:
    """What the doc's clients read under `result`: None until there is one, but a failed
    render carries its error and the code that failed."""
    done = job.status == "completed"
    if job.kind == "render" and (done or job.status == "failed"):
        return {"topic": job.topic, "session_id": job.session_id,
                "scene_number": job.scene_number, "version": job.requested_version,
                "code_version": job.code_version, "error": job.error, "code": job.code,
                "video_url": file_url(job.video_key), "srt_url": file_url(job.srt_key),
                "code_url": file_url(job.code_key), "duration": job.duration_s}
    output: Any = job.output
    if not done or output is None:
        return None
    match job.kind:
        case "plan":
            return {"topic": job.topic, "session_id": job.session_id, "plan": output["plan"]}
        case "implement":
            return {"scene_plans": output["scene_plans"], "count": output["count"]}
        case "code":
            return {"scene_number": output["scene_number"], "code": output["code"],
                    "raw_response": output["raw_response"], "version": output["version"]}
        case "combine":
            return {"output": job.video_key, "output_url": file_url(job.video_key),
                    "srt_url": file_url(job.srt_key), "duration": job.duration_s,
                    "scenes": output}
    return None


def scene_outs(done: ManimTaskCompleted) -> list[SceneOut]:
    return [SceneOut(scene_id=s.scene_id, scene_number=s.scene_number, version=s.version,
                     video_url=file_url(s.video_key), srt_url=file_url(s.srt_key),
                     code_url=file_url(s.code_key), duration=s.duration_s)
            for s in done.scenes]


def task_result(task: TaskRow) -> TaskResultOut | None:
    done = task.result
    if done is None:
        return None
    return TaskResultOut(
        task_id=str(task.task_id), project_id=task.project, session_id=task.session_id,
        scenes=scene_outs(done), combined_video_url=file_url(done.combined_key),
        combined_srt_url=file_url(done.combined_srt_key), duration=done.duration_s,
    )


def task_status(task: TaskRow, eta: datetime | None) -> TaskStatusOut:
    result = task_result(task)
    scene_id = (scene_id_of(task.session_id, task.scene_number)
                if task.scene_number is not None else None)
    return TaskStatusOut(
        task_id=str(task.task_id), status=task.status, progress=task.progress,
        message=task.message, current_step=task.step, current_step_index=task.step_index,
        total_steps=len(task.steps), estimated_completion=eta, project_id=task.project,
        session_id=task.session_id, scene_id=scene_id,
        result=None if result is None else msgspec.to_builtins(result),
        error=task.error, created_at=task.created_at, updated_at=task.updated_at,
    )
