"""The studio surface's script generation (seed 000): quick script, outlines, generation runs
(their live status is studio_status.py).

Writes are script-service commands that answer once the read models show their effect
(read-your-writes). A command that makes a language model write while the client waits
(quick-generate, generate-outline, regenerate-section, ai-expand) gets a long reply
timeout of its own (`GatewayOptions.llm_wait`). No business rule lives here; the 1-10
minutes of generate-script-short and `from-outline` needing an `outlineId` are the seed's
API shape. Every body is optional: without one, the project's own metadata is used.
"""

from __future__ import annotations

import uuid
from uuid import UUID

import msgspec
from litestar import Router, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody
from videogen_contracts.project.events import stream_id_for as project_stream_id
from videogen_contracts.replies import CommandAccepted
from videogen_contracts.script import commands
from videogen_contracts.script.generation import GenerationMode, generation_stream_id
from videogen_gateway.access.route_opts import costly
from videogen_gateway.command_client import CommandRefused, stamped
from videogen_gateway.openapi import described, id_link, problems
from videogen_gateway.readmodels.generations.readmodel import GenerationQueries
from videogen_gateway.readmodels.outlines.readmodel import OutlineRow
from videogen_gateway.runtime import Runtime, runtime_of
from videogen_gateway.surfaces.studio import script_schemas as shapes
from videogen_gateway.surfaces.studio.lookups import (
    existing_project,
    known_path_ids,
    outline_of,
    outlines,
    parse_id,
    project_detail,
    scripts,
)

SERVICE = "script"


# Where the operations that take a section or sentence id find one in a written script.
SCRIPT_LINKS = {
    **{name: id_link(f"Studio{name}", section_id="$response.body#/sections/0/id")
       for name in ("GetSection", "ExpandSection", "AcceptExpansion")},
    **{name: id_link(f"Studio{name}", sentence_id="$response.body#/sections/0/sentences/0/id")
       for name in ("MoveSentence", "UpdateSentence", "DeleteSentence")},
}


async def send_script(
    rt: Runtime, name: str, command: msgspec.Struct, *, slow: bool = False
) -> CommandAccepted:
    try:
        return await rt.dispatcher.send_and_wait(
            SERVICE, name, command, attempt_timeout=rt.options.llm_wait if slow else None
        )
    except CommandRefused as refused:
        raise shapes.script_rejection(refused.rejection) from None


async def project_version(rt: Runtime, project_id: UUID) -> int:
    """How far the read models have seen the project's stream: a writer's brief (topic,
    cast...) must be at least that fresh, so it is sent along as `project_version`."""
    return await rt.waiter.current(project_stream_id(project_id))


def generation_queries(rt: Runtime) -> GenerationQueries:
    return GenerationQueries(rt.pool, rt.schema)


@post(
    "/projects/{project_id:str}/quick-generate", status_code=201,
    opt=costly("generate"),
    summary="Write a whole script now (replaces the project's sections)",
    operation_id="StudioQuickGenerate", guards=known_path_ids,
    responses=problems(400, 404, 409, 413, 503),
    operation_class=described(at=201, links=SCRIPT_LINKS),
)
async def quick_generate(
    state: State, project_id: FromPath[str], data: JSONBody[shapes.TargetBody | None] = None
) -> shapes.ScriptOut:
    rt = runtime_of(state)
    pid = await existing_project(rt, project_id)
    command = stamped(
        commands.QuickGenerate, project_id=pid,
        target_minutes=data.target_duration if data else None,
        project_version=await project_version(rt, pid),
    )
    await send_script(rt, "quick_generate", command, slow=True)
    return shapes.script_out(pid, await scripts(rt).sections_of(pid))


@post(
    "/projects/{project_id:str}/generate-outline", status_code=201,
    opt=costly("generate"),
    summary="Write an outline for review", operation_id="StudioGenerateOutline",
    guards=known_path_ids, responses=problems(400, 404, 413, 503),
    operation_class=described(at=201, links={
        "RegenerateOutlineSection": id_link(
            "StudioRegenerateOutlineSection", outline_id="$response.body#/id",
            body={"sectionIndex": 0},
        ),
        "GenerateScript": id_link(
            "StudioGenerateScript", project_id="$response.body#/projectId",
            body={"mode": "from-outline", "outlineId": "$response.body#/id"},
        ),
    }),
)
async def generate_outline(
    state: State, project_id: FromPath[str], data: JSONBody[shapes.TargetBody | None] = None
) -> shapes.OutlineOut:
    rt = runtime_of(state)
    pid = await existing_project(rt, project_id)
    return shapes.outline_out(await write_outline(rt, pid, data.target_duration if data else None))


async def start_generation(
    rt: Runtime, pid: UUID, mode: GenerationMode, minutes: float | None,
    outline_id: UUID | None = None, *, job_id: UUID | None = None, command_id: str | None = None,
) -> shapes.GenerationAccepted:
    """Queue a run; `job_id` and `command_id` fixed by a caller that may send it again."""
    command = stamped(
        commands.StartGeneration, command_id, project_id=pid, job_id=job_id or uuid.uuid4(),
        mode=mode, outline_id=outline_id, target_minutes=minutes,
        project_version=await project_version(rt, pid),
    )
    await send_script(rt, "start_generation", command)
    # The reply may name the script's stream; the run's own row is what is shown here.
    await rt.waiter.wait_for(generation_stream_id(command.job_id), 1, 5.0)
    run = await generation_queries(rt).run(command.job_id)
    return shapes.GenerationAccepted(
        job_id=command.job_id, status="queued", message=shapes.queued_message(mode),
        estimated_duration_seconds=run.estimated_seconds if run else 0,
    )


async def write_outline(
    rt: Runtime, pid: UUID, minutes: float | None, *, outline_id: UUID | None = None,
    command_id: str | None = None,
) -> OutlineRow:
    """Write an outline now (the client waits); `outline_id`/`command_id` as above."""
    command = stamped(
        commands.GenerateOutline, command_id, project_id=pid, outline_id=outline_id or uuid.uuid4(),
        target_minutes=minutes, project_version=await project_version(rt, pid),
    )
    await send_script(rt, "generate_outline", command, slow=True)
    return await outline_of(rt, command.outline_id)


@post(
    "/projects/{project_id:str}/generate-script-short", status_code=202,
    opt=costly("generate"),
    summary="Queue a short script (1-10 minutes; without a body, the project's duration)",
    operation_id="StudioGenerateScriptShort", guards=known_path_ids,
    responses=problems(400, 404, 409, 413, 503), operation_class=described(),
)
async def generate_script_short(
    state: State, project_id: FromPath[str], data: JSONBody[shapes.ShortScriptBody | None] = None
) -> shapes.GenerationAccepted:
    rt = runtime_of(state)
    pid = parse_id(project_id, "project")
    project = (await project_detail(rt, pid)).project
    minutes = shapes.short_minutes(
        data.target_duration if data else None, project.target_duration_minutes
    )
    return await start_generation(rt, pid, "auto", minutes)


@post(
    "/projects/{project_id:str}/generate-script", status_code=202,
    opt=costly("generate"),
    summary="Queue a long-form script, section by section (from an approved outline)",
    operation_id="StudioGenerateScript", guards=known_path_ids,
    responses=problems(400, 404, 409, 413, 503), operation_class=described(),
)
async def generate_script(
    state: State, project_id: FromPath[str], data: JSONBody[shapes.ScriptBody | None] = None
) -> shapes.GenerationAccepted:
    return await queue_script(runtime_of(state), project_id, data or shapes.ScriptBody())


async def queue_script(
    rt: Runtime, project_id: str, body: shapes.ScriptBody, *, job_id: UUID | None = None,
    command_id: str | None = None,
) -> shapes.GenerationAccepted:
    """generate-script's (and its Inngest event's) run: the body checked, then queued."""
    shapes.script_mode(body)
    pid = await existing_project(rt, project_id)
    if body.outline_id is not None:
        await outline_of(rt, body.outline_id, pid)
    return await start_generation(rt, pid, body.mode, body.target_duration, body.outline_id,
                                  job_id=job_id, command_id=command_id)


@get(
    "/projects/{project_id:str}/outlines", summary="The project's outlines, newest first",
    operation_id="StudioListOutlines", responses=problems(400, 404, 503),
)
async def list_outlines(state: State, project_id: FromPath[str]) -> list[shapes.OutlineOut]:
    rt = runtime_of(state)
    pid = await existing_project(rt, project_id)
    return [shapes.outline_out(row) for row in await outlines(rt).of_project(pid)]


@post(
    "/outlines/{outline_id:str}/regenerate-section", status_code=200,
    opt=costly("generate"),
    summary="Write one section of an outline again", operation_id="StudioRegenerateOutlineSection",
    guards=known_path_ids, responses=problems(400, 404, 413, 503),
)
async def regenerate_section(
    state: State, outline_id: FromPath[str], data: JSONBody[shapes.RegenerateSectionBody]
) -> shapes.OutlineOut:
    rt = runtime_of(state)
    outline = await outline_of(rt, parse_id(outline_id, "outline"))
    command = stamped(
        commands.RegenerateOutlineSection, outline_id=outline.id, section_index=data.section_index,
        instructions=data.instructions,
        project_version=await project_version(rt, outline.project_id),
    )
    await send_script(rt, "regenerate_outline_section", command, slow=True)
    return shapes.outline_out(await outline_of(rt, outline.id))


def studio_scripts_router() -> Router:
    return Router(
        "/api/v1",
        route_handlers=[quick_generate, generate_outline, generate_script_short, generate_script,
                        list_outlines, regenerate_section],
        tags=["studio"],
    )
