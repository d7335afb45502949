"""Render a studio project (VideoGen's own, docs/jobs-api.md): POST /projects/{id}/render.

A render is a production of kind "project": the project service asks the script service for
the project's current script when it starts scripting, and the media service narrates only
the sentences whose text it has not narrated before (its narration cache), so a re-render
after an edit speaks only what changed. The job is then a doc 004 job like any other: its
status, feed, cancel, retry and download are under /api/v1/jobs, /status and /download.
Errors here are the studio's problem+json, as on its other routes.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

import msgspec
from litestar import Router, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody
from msgspec import Meta
from videogen_contracts.media.events import Presentation, VisualStyle
from videogen_contracts.project import limits
from videogen_contracts.project.production import StartProduction, VoiceSettings
from videogen_gateway.access.route_opts import costly
from videogen_gateway.errors import ApiError
from videogen_gateway.openapi import described, id_link, problems
from videogen_gateway.presentation import (
    CaptionsBody,
    SoundBody,
    caption_options,
    sound_request,
    style_from_words,
)
from videogen_gateway.readmodels.productions.renders import RenderQueries
from videogen_gateway.runtime import runtime_of
from videogen_gateway.surfaces.studio.lookups import (
    known_path_ids,
    parse_id,
    project_detail,
)
from videogen_gateway.surfaces.studio.project_schemas import AspectRatio
from videogen_gateway.surfaces.text2video.jobs import (
    require_voice,
    resolve_music,
    send_production,
)
from videogen_gateway.surfaces.text2video.schemas import render_for


class RenderBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    aspect: AspectRatio | None = None  # None: the project's aspect ratio
    voice: Annotated[str, Meta(
        min_length=1, max_length=limits.SHORT_TEXT_MAX,
        description="a voice name that GET /api/providers/tts/voices lists; none: the default",
    )] | None = None
    style: Annotated[VisualStyle, Meta(
        description="the video's look; none: from the project's style and tone words"
        " (docs/jobs-api.md), else clean",
    )] | None = None
    captions: CaptionsBody | None = None
    sound: SoundBody | None = None


class RenderAccepted(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    job_id: str
    project_id: str
    status: str = "queued"


JOB_ID = "$response.body#/jobId"


@post(
    "/projects/{project_id:str}/render", status_code=202,
    summary="Render the project's current script to a video (a doc 004 job)",
    operation_id="StudioRenderProject", opt=costly("generate"), guards=known_path_ids,
    responses=problems(400, 404, 409, 429, 503),
    operation_class=described(at=202, links={
        "status": id_link("Text2videoStatus", job_id=JOB_ID),
        "download": id_link("Text2videoDownload", job_id=JOB_ID),
    }),
)
async def render_project(
    state: State, project_id: FromPath[str], data: JSONBody[RenderBody | None] = None
) -> RenderAccepted:
    rt = runtime_of(state)
    pid = parse_id(project_id, "project")
    project = (await project_detail(rt, pid)).project
    body = data or RenderBody()
    studio, shown = await RenderQueries(rt.pool, rt.schema).sentence_counts(pid)
    if shown == 0:
        raise ApiError(409, f"project {pid} has no sentences to render: write its script"
                       " first (POST /api/v1/projects/{id}/quick-generate)")
    if studio == 0:
        # A text2video job made before jobs drafted their project's studio script shows the
        # job's own draft: a render would fail at once (the script service has no script of
        # the project's), so it is refused here, saying why.
        raise ApiError(409, f"project {pid} shows the script of its text2video job, which"
                       " cannot be rendered again from the studio yet: write a studio script"
                       " first (POST /api/v1/projects/{id}/quick-generate)")
    await require_voice(body.voice)
    presentation = Presentation(
        style=body.style or style_from_words(project.style, project.tone),
        # The bodies' types are checked already; these add the rules across fields.
        captions=caption_options(msgspec.to_builtins(body.captions)),
        sound=await resolve_music(rt, sound_request(msgspec.to_builtins(body.sound))),
    )
    job_id = uuid.uuid4()
    await send_production(rt, "start_production", StartProduction(
        command_id=str(uuid.uuid4()), now=datetime.now(UTC), production_id=job_id,
        project_id=pid, kind="project", render=render_for(body.aspect or project.aspect_ratio),
        voice=VoiceSettings(voice=body.voice), language=project.language,
        presentation=presentation,
    ))
    return RenderAccepted(job_id=str(job_id), project_id=str(pid))


def studio_render_router() -> Router:
    return Router("/api/v1", route_handlers=[render_project], tags=["studio"])
