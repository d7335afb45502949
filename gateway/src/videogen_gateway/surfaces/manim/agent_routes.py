"""Doc 003's low-level agents: `/api/v1/video/agents/…`.

Each POST is one script command that opens a job in the session (a new session when the
request names none, or one that does not exist yet), answered `{job_id, state: PENDING,
meta}` once the job is in the read model; `GET /jobs/{job_id}` reads it. A bad body is a
422 naming the field (bodies.py); an unknown job or session a 404; Manim unavailable a 503
on the POSTs (availability.py). A client may send `Idempotency-Key`: a retry with the same
key is the same job.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Router, get, post
from litestar.datastructures import State
from litestar.params import FromPath
from videogen_contracts.script.manim import (
    RequestCode,
    RequestCombine,
    RequestImplementations,
    RequestPlan,
    RequestSceneRender,
)
from videogen_gateway.access.route_opts import costly
from videogen_gateway.command_client import stamped
from videogen_gateway.errors import ApiError
from videogen_gateway.openapi import described, id_link, json_schema, problems
from videogen_gateway.runtime import Runtime, runtime_of
from videogen_gateway.surfaces.editor.sending import RetryKey, new_id, retry_key
from videogen_gateway.surfaces.manim import bodies
from videogen_gateway.surfaces.manim.availability import require_manim
from videogen_gateway.surfaces.manim.bodies import Body
from videogen_gateway.surfaces.manim.resolutions import frame_size
from videogen_gateway.surfaces.manim.schemas import AgentAccepted, JobOut, accepted, job_out
from videogen_gateway.surfaces.manim.sending import send_script
from videogen_gateway.surfaces.manim.sessions import (
    existing_session,
    manim_queries,
    new_session_id,
    project_of,
)
from videogen_gateway.surfaces.studio.lookups import parse_id

JOB_ID = "$response.body#/job_id"
ERRORS = problems(404, 409, 413, 422, 503)


def _agent_post(path: str, body: type[msgspec.Struct], summary: str) -> post:
    return post(path, status_code=200, opt=costly("manim"), summary=summary, responses=ERRORS,
                request_max_body_size=bodies.MAX_BODY,
                operation_class=described(at=200, body=json_schema(body), links={
                    "job": id_link("ManimAgentJob", job_id=JOB_ID)}))


async def _checked(request: Request[Any, Any, Any], state: State, shape: type[Body]) -> Body:
    """The body (422s first), then whether Manim can render (503), before any lookup."""
    body = await bodies.manim_body(request, shape)
    await require_manim(state, runtime_of(state).dispatcher)
    return body


# A render command's fields as the client names them (a refusal names the client's field).
RENDER_FIELDS = {"width": "resolution", "height": "resolution",
                 "max_duration_s": "max_scene_duration", "requested_version": "version"}


async def _send(
    state: State, name: str, kind: str, command: type[msgspec.Struct],
    session_id: str | None, key: str | None, meta: dict[str, Any] | None = None,
    **fields: Any,
) -> AgentAccepted:
    """Send the request command, in the session named (None: a new one), for a new job."""
    rt = runtime_of(state)
    command_id = retry_key(key, f"manim/{kind}")
    session_id = session_id or new_session_id(command_id)
    job_id = new_id(command_id, "job")
    sent = stamped(command, command_id, session_id=session_id, job_id=job_id,
                   project=await project_of(rt, session_id), **fields)
    await send_script(rt, name, sent, RENDER_FIELDS if kind == "render" else None)
    return accepted(job_id, session_id, kind, **(meta or {}))


@_agent_post("/plan", bodies.PlanBody, "Plan the scenes of a topic (a <SCENE_OUTLINE>)")
async def plan(request: Request[Any, Any, Any], state: State,
               idempotency_key: RetryKey = None) -> AgentAccepted:  # fmt: skip
    body = await _checked(request, state, bodies.PlanBody)
    return await _send(
        state, "manim_request_plan", "plan", RequestPlan, body.session_id, idempotency_key,
        topic=body.topic, description=body.description, scene_count=body.scene_count,
        model=body.model, temperature=body.temperature,
    )


@_agent_post("/implement", bodies.ImplementBody,
             "Write the storyboard, technical and narration plans of every scene")
async def implement(request: Request[Any, Any, Any], state: State,
                    idempotency_key: RetryKey = None) -> AgentAccepted:  # fmt: skip
    body = await _checked(request, state, bodies.ImplementBody)
    plan_xml = body.plan_xml if body.plan_xml and body.plan_xml.strip() else None
    if plan_xml is None and (body.session_id is None or await manim_queries(
            runtime_of(state)).session(body.session_id) is None):
        raise ApiError(422, "plan_xml: required (the session has no plan)", "plan_xml")
    return await _send(
        state, "manim_request_implementations", "implement", RequestImplementations,
        body.session_id, idempotency_key, topic=body.topic, description=body.description,
        plan_xml=plan_xml, model=body.model,
    )


@_agent_post("/code", bodies.CodeBody, "Write the Manim code of one scene (class Scene{n})")
async def code(request: Request[Any, Any, Any], state: State,
               idempotency_key: RetryKey = None) -> AgentAccepted:  # fmt: skip
    body = await _checked(request, state, bodies.CodeBody)
    return await _send(
        state, "manim_request_code", "code", RequestCode, body.session_id, idempotency_key,
        {"scene_number": body.scene_number}, scene_number=body.scene_number,
        topic=body.topic, description=body.description, scene_outline=body.scene_outline,
        implementation=body.implementation, model=body.model,
    )


@_agent_post("/render/scene", bodies.RenderSceneBody,
             "Render one scene's code in the sandbox (its video, subtitles and code)")
async def render_scene(request: Request[Any, Any, Any], state: State,
                       idempotency_key: RetryKey = None) -> AgentAccepted:  # fmt: skip
    body = await bodies.manim_body(request, bodies.RenderSceneBody)
    width, height = frame_size(body.resolution)
    if body.code is None and body.session_id is None:
        raise ApiError(422, "code: required (or the session_id of a session that has code"
                       " for the scene)", "code")
    rt = runtime_of(state)
    await require_manim(state, rt.dispatcher)
    if body.code is None and body.session_id is not None:
        await existing_session(rt, body.session_id)
    return await _send(
        state, "manim_request_scene_render", "render", RequestSceneRender, body.session_id,
        idempotency_key, {"scene_number": body.scene_number, "quality": body.quality},
        scene_number=body.scene_number, topic=body.topic, code=body.code,
        requested_version=body.version, quality=body.quality, width=width, height=height,
        fps=body.fps, max_duration_s=body.max_scene_duration, narration=body.narration,
        narrate=body.narrate, voice=body.voice,
    )


@_agent_post("/render/combine", bodies.CombineBody,
             "Join the latest rendered version of each scene into one video")
async def render_combine(request: Request[Any, Any, Any], state: State,
                         idempotency_key: RetryKey = None) -> AgentAccepted:  # fmt: skip
    body = await bodies.manim_body(request, bodies.CombineBody)
    if body.topic is None and body.session_id is None:
        raise ApiError(422, "session_id: required (or a topic of an existing session)",
                       "session_id")
    await require_manim(state, runtime_of(state).dispatcher)
    session_id = await _combined_session(runtime_of(state), body)
    return await _send(state, "manim_request_combine", "combine", RequestCombine, session_id,
                       idempotency_key, scenes=body.scenes)


async def _combined_session(rt: Runtime, body: bodies.CombineBody) -> str:
    """The session named, else the latest one of the topic; a 404 if there is none."""
    if body.session_id is not None or body.topic is None:
        return (await existing_session(rt, body.session_id or "")).session_id
    found = await manim_queries(rt).latest_session_of_topic(body.topic)
    if found is None:
        raise ApiError(404, f"no session of topic {body.topic[:80]!r}", "topic")
    return found.session_id


@get("/jobs/{job_id:str}", summary="A job's status, state, result and error",
     operation_id="ManimAgentJob", responses=problems(404, 503), cache=False)
async def job_status(state: State, job_id: FromPath[str]) -> JobOut:
    wanted = parse_id(job_id, "job")
    job = await manim_queries(runtime_of(state)).job(wanted)
    if job is None:
        raise ApiError(404, f"job {job_id!r} not found")
    return job_out(job)


def manim_agents_router() -> Router:
    return Router("/api/v1/video/agents", tags=["manim"], route_handlers=[
        plan, implement, code, render_scene, render_combine, job_status])
