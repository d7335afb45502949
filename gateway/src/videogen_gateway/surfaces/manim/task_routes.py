"""Doc 003's high-level workflows: `/api/v1/video-generation/…`.

`generate` and `edit-scene` queue a task (the script service's ManimTask, a process over
the session's agents) and answer once it is in the read model. The status carries a real
`estimated_completion` (eta.py: measured step times, else this task's own pace). The
result is 202 (the status) until the task completes, then 200; a failed or cancelled
task's result is a 409. `DELETE` cancels (409 once finished).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Request, Response, Router, delete, get, post
from litestar.datastructures import State
from litestar.params import FromPath
from videogen_contracts.script.manim import (
    EDIT_STEPS,
    GENERATE_STEPS,
    CancelManimTask,
    ManimModelConfig,
    ManimRenderConfig,
    StartManimTask,
    scene_id_of,
)
from videogen_gateway.access.route_opts import costly
from videogen_gateway.command_client import new_ids, stamped
from videogen_gateway.errors import ApiError
from videogen_gateway.openapi import described, id_link, json_schema, problems
from videogen_gateway.readmodels.manim.rows import TaskRow
from videogen_gateway.runtime import Runtime, runtime_of
from videogen_gateway.surfaces.editor.sending import RetryKey, new_id, retry_key
from videogen_gateway.surfaces.manim import bodies
from videogen_gateway.surfaces.manim.availability import require_manim
from videogen_gateway.surfaces.manim.eta import TaskPace, estimated_minutes, remaining_seconds
from videogen_gateway.surfaces.manim.resolutions import frame_size
from videogen_gateway.surfaces.manim.schemas import (
    CancelledOut,
    SceneTaskAccepted,
    TaskAccepted,
    TaskResultOut,
    TaskStatusOut,
    task_result,
    task_status,
)
from videogen_gateway.surfaces.manim.sending import send_script
from videogen_gateway.surfaces.manim.sessions import (
    manim_queries,
    new_session_id,
    scene_of,
)
from videogen_gateway.surfaces.studio.lookups import parse_id

TASK_ID = "$response.body#/task_id"
_LINKS = {"status": id_link("ManimTaskStatus", task_id=TASK_ID),
          "result": id_link("ManimTaskResult", task_id=TASK_ID)}


def _render_config(body: bodies.RenderConfigBody) -> ManimRenderConfig:
    width, height = frame_size(body.resolution, "render_config.resolution")
    return ManimRenderConfig(
        quality=body.quality, width=width, height=height, fps=body.fps,
        max_scene_duration=body.max_scene_duration, max_retries=body.max_retries,
        narration=body.narration, voice=body.voice,
    )


async def _queued(rt: Runtime, command_id: str | None, message: str, **fields: Any
                  ) -> dict[str, Any]:  # fmt: skip
    """Queue the task (`StartManimTask` of `fields`); what its answer says, once readable."""
    new_command_id, now = new_ids()
    command = StartManimTask(command_id=command_id or new_command_id, now=now,
                             task_id=new_id(command_id, "task"), **fields)
    await send_script(rt, "manim_start_task", command, {
        "prompt": "content_prompt" if command.kind == "generate" else "edit_prompt",
        "max_retries": "render_config.max_retries"})
    task = await manim_queries(rt).task(command.task_id)
    if task is None:  # the read model is late (send_and_wait logged it)
        raise ApiError(503, "the task was queued but is not readable yet; poll its status")
    history = await manim_queries(rt).step_seconds(task.kind)
    minutes = estimated_minutes(task.kind, task.steps, task.scene_count or 1, history)
    return {"task_id": str(task.task_id), "project_id": task.project,
            "session_id": task.session_id, "status": "queued", "message": message,
            "estimated_duration_minutes": minutes, "created_at": task.created_at}


@post("/generate", status_code=200, summary="Generate a whole explainer video from a prompt",
      responses=problems(409, 413, 422, 503), request_max_body_size=bodies.MAX_BODY,
      opt=costly("manim"),
      operation_class=described(at=200, body=json_schema(bodies.GenerateBody), links=_LINKS))
async def generate(request: Request[Any, Any, Any], state: State,
                   idempotency_key: RetryKey = None) -> TaskAccepted:  # fmt: skip
    rt = runtime_of(state)
    body = await bodies.manim_body(request, bodies.GenerateBody)
    render_config = _render_config(body.render_config)
    await require_manim(state, rt.dispatcher)
    command_id = retry_key(idempotency_key, f"manim/generate/{body.project_id}")
    session_id = body.session_id or new_session_id(command_id)
    known = await manim_queries(rt).session(session_id)
    if known is not None and known.project != body.project_id:
        raise ApiError(409, f"session {session_id!r} belongs to project {known.project!r}",
                       "session_id")
    model = body.model_config
    return TaskAccepted(**await _queued(
        rt, command_id, f"Video generation queued: {len(GENERATE_STEPS)} steps,"
        f" {body.scene_count} scenes", kind="generate", project=body.project_id,
        session_id=session_id, prompt=body.content_prompt, scene_count=body.scene_count,
        render_config=render_config, model_config=ManimModelConfig(
            planner_model=model.planner_model, scene_model=model.scene_model,
            helper_model=model.helper_model, temperature=model.temperature,
            max_tokens=model.max_tokens),
    ))  # fmt: skip


@post("/edit-scene", status_code=200, summary="Edit one scene with a prompt: a new version"
      " of its code and video, then the combined video again",
      responses=problems(404, 413, 422, 503), request_max_body_size=bodies.MAX_BODY,
      opt=costly("manim"),
      operation_class=described(at=200, body=json_schema(bodies.EditSceneBody), links=_LINKS))
async def edit_scene(request: Request[Any, Any, Any], state: State,
                     idempotency_key: RetryKey = None) -> SceneTaskAccepted:  # fmt: skip
    rt = runtime_of(state)
    body = await bodies.manim_body(request, bodies.EditSceneBody)
    session_id, number = scene_of(body.scene_id)
    await require_manim(state, rt.dispatcher)
    queries = manim_queries(rt)
    session = await queries.session(session_id)
    versions = await queries.scene_versions(session_id, number) if session else []
    if session is None or session.project != body.project_id or not any(
            v.status == "rendered" for v in versions):
        raise ApiError(404, f"scene {body.scene_id!r} not found in project"
                       f" {body.project_id!r}", "scene_id")
    command_id = retry_key(idempotency_key, f"manim/edit/{body.scene_id}")
    return SceneTaskAccepted(**await _queued(
        rt, command_id, f"Scene edit queued: {len(EDIT_STEPS)} steps", kind="edit",
        project=session.project, session_id=session_id, prompt=body.edit_prompt,
        scene_number=number, preserve_timing=body.preserve_timing,
    ), scene_id=scene_id_of(session_id, number))  # fmt: skip


async def task_of(rt: Runtime, raw: str) -> TaskRow:
    wanted = parse_id(raw, "task")
    task = await manim_queries(rt).task(wanted)
    if task is None:
        raise ApiError(404, f"task {raw!r} not found")
    return task


async def _status(rt: Runtime, task: TaskRow) -> TaskStatusOut:
    if task.finished:
        return task_status(task, None)
    now = datetime.now(UTC)
    started = task.step_started_at or task.created_at
    pace = TaskPace(
        kind=task.kind, steps=task.steps, step_index=task.step_index,
        scene_count=task.scene_count or 1, progress=task.progress,
        elapsed=max((now - task.created_at).total_seconds(), 0.0),
        step_elapsed=max((now - started).total_seconds(), 0.0),
        units_done=task.units_done, units_total=task.units_total,
    )
    left = remaining_seconds(pace, await manim_queries(rt).step_seconds(task.kind))
    return task_status(task, now + timedelta(seconds=left))


@get("/tasks/{task_id:str}/status", summary="A task's progress, step and estimated completion",
     operation_id="ManimTaskStatus", responses=problems(404, 503), cache=False)
async def get_status(state: State, task_id: FromPath[str]) -> TaskStatusOut:
    rt = runtime_of(state)
    return await _status(rt, await task_of(rt, task_id))


@get("/tasks/{task_id:str}/result", summary="A completed task's scenes and combined video"
     " (202 with the status until then)", operation_id="ManimTaskResult",
     responses=problems(404, 409, 503), cache=False)
async def get_result(state: State, task_id: FromPath[str]
                     ) -> Response[TaskResultOut | TaskStatusOut]:  # fmt: skip
    rt = runtime_of(state)
    task = await task_of(rt, task_id)
    result = task_result(task)
    if result is not None:
        return Response(result)
    if task.finished:
        raise ApiError(409, f"task {task_id} {task.status}" + (
            f": {task.error}" if task.error else ""))
    return Response(await _status(rt, task), status_code=202)


@delete("/tasks/{task_id:str}", status_code=200, summary="Cancel a task",
        responses=problems(404, 409, 503))
async def cancel_task(state: State, task_id: FromPath[str]) -> CancelledOut:
    rt = runtime_of(state)
    task = await task_of(rt, task_id)
    if task.finished:
        raise ApiError(409, f"task {task_id} is {task.status} already")
    await send_script(rt, "manim_cancel_task", stamped(CancelManimTask, task_id=task.task_id))
    return CancelledOut(task_id=str(task.task_id))


def manim_tasks_router() -> Router:
    return Router("/api/v1/video-generation", tags=["manim"], route_handlers=[
        generate, edit_scene, get_status, get_result, cancel_task])
