"""The studio surface (seed 000): its Projects endpoints, translated to commands and reads.

Writes go to the project service as commands and answer only once the read models show
their effect (read-your-writes), so a GET right after sees it. Reads come from the read
models. No business rule lives here: the service validates and decides.
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Response, Router, delete, get, post, put
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK
from videogen_contracts.project import limits
from videogen_contracts.project.commands import AddCastMembers, DeleteProject, RemoveCastMember
from videogen_gateway.access.route_opts import PUBLIC
from videogen_gateway.command_client import CommandRefused, new_ids, stamped
from videogen_gateway.health.checks import run_checks
from videogen_gateway.openapi import described, id_link, problems
from videogen_gateway.runtime import Runtime, runtime_of
from videogen_gateway.surfaces.studio import project_schemas as shapes
from videogen_gateway.surfaces.studio.lookups import (
    known_path_ids,
    parse_id,
    project_detail,
    scripts,
)
from videogen_gateway.surfaces.studio.script_schemas import section_out

SERVICE = "project"


# Where the operations that take a project id find it in POST /projects' answer.
PROJECT_LINKS = {
    name: id_link(f"Studio{name}", project_id="$response.body#/id")
    for name in (
        "GetProject", "UpdateProject", "DeleteProject", "AddCastMember", "AddCastBatch",
        "QuickGenerate", "GenerateOutline", "GenerateScriptShort", "GenerateScript",
        "ListOutlines",
    )
}


async def _command(rt: Runtime, name: str, command: msgspec.Struct, *, batch: bool = False) -> None:
    try:
        await rt.dispatcher.send_and_wait(SERVICE, name, command)
    except CommandRefused as refused:
        raise shapes.studio_rejection(refused.rejection, batch=batch) from None


async def _detail(rt: Runtime, project_id: UUID) -> shapes.ProjectDetailOut:
    detail = await project_detail(rt, project_id)
    sections = await scripts(rt).sections_of(project_id)
    return shapes.project_detail_out(detail, [section_out(s) for s in sections])


@get(
    "/projects", summary="List all projects with section and sentence counts",
    responses=problems(503),
)
async def list_projects(state: State) -> list[shapes.ProjectOut]:
    rows = await runtime_of(state).queries.list_projects()
    return [shapes.project_out(row) for row in rows]


@post(
    "/projects", summary="Create a new project draft", responses=problems(400, 413, 503),
    operation_class=described(at=201, links=PROJECT_LINKS),
)
async def create_project(
    state: State, data: JSONBody[shapes.ProjectBody]
) -> shapes.ProjectDetailOut:
    rt = runtime_of(state)
    command = shapes.create_command(data, *new_ids())
    await _command(rt, "create_project", command)
    detail = await rt.queries.get_project(command.project_id)
    # None only if the read models are late (or it was deleted at once): answer with
    # what the service accepted.
    return shapes.project_detail_out(detail) if detail else shapes.created_out(command)


@get(
    "/projects/{project_id:str}", summary="Project details with sections, sentences and cast",
    operation_id="StudioGetProject", responses=problems(400, 404, 503),
)
async def get_project(state: State, project_id: FromPath[str]) -> shapes.ProjectDetailOut:
    return await _detail(runtime_of(state), parse_id(project_id, "project"))


@put(
    "/projects/{project_id:str}",
    summary="Update project metadata (no body, or {}, changes nothing)",
    operation_id="StudioUpdateProject", guards=known_path_ids,
    responses=problems(400, 404, 409, 413, 503), operation_class=described(),
)
async def update_project(
    state: State, project_id: FromPath[str], data: JSONBody[shapes.ProjectPatch | None] = None
) -> shapes.ProjectDetailOut:
    rt = runtime_of(state)
    pid = parse_id(project_id, "project")
    patch = data or shapes.ProjectPatch()
    await _command(rt, "update_project", shapes.update_command(patch, pid, *new_ids()))
    return await _detail(rt, pid)


@delete(
    "/projects/{project_id:str}", status_code=HTTP_200_OK,
    summary="Delete a project and all its media", operation_id="StudioDeleteProject",
    responses=problems(400, 404, 409, 503),
)
async def delete_project(state: State, project_id: FromPath[str]) -> shapes.Deleted:
    command = stamped(DeleteProject, project_id=parse_id(project_id, "project"))
    await _command(runtime_of(state), "delete_project", command)
    return shapes.Deleted()


async def _add_cast(
    rt: Runtime, project_id: str, bodies: list[shapes.CastBody], batch: bool
) -> list[shapes.CastOut]:
    pid = parse_id(project_id, "project")
    specs = shapes.cast_specs(bodies)
    command = stamped(AddCastMembers, project_id=pid, members=specs)
    await _command(rt, "add_cast_members", command, batch=batch)
    rows = await rt.queries.get_cast_members(pid, [s.character_id for s in specs])
    # Rows are missing only if the read models are late: answer with what was accepted.
    return [shapes.cast_out(r) for r in (rows if len(rows) == len(specs) else specs)]


@post(
    "/projects/{project_id:str}/cast", summary="Add a character to the project cast",
    operation_id="StudioAddCastMember", guards=known_path_ids,
    responses=problems(400, 404, 409, 413, 503),
    operation_class=described(at=201, links={
        "RemoveCastMember": id_link(
            "StudioRemoveCastMember", project_id="$request.path.project_id",
            character_id="$response.body#/id",
        ),
    }),
)
async def add_cast_member(
    state: State, project_id: FromPath[str], data: JSONBody[shapes.CastBody]
) -> shapes.CastOut:
    return (await _add_cast(runtime_of(state), project_id, [data], batch=False))[0]


@post(
    "/projects/{project_id:str}/cast/batch", summary="Add several characters to the cast",
    operation_id="StudioAddCastBatch", guards=known_path_ids,
    responses=problems(400, 404, 409, 413, 503),
    # Litestar leaves a union arm's constraints out: the bare array's are stated here.
    operation_class=described(body={"oneOf": [
        {"$ref": "#/components/schemas/CastBatchBody"},
        {"type": "array", "items": {"$ref": "#/components/schemas/CastBody"},
         "minItems": 1, "maxItems": limits.BATCH_MAX},
    ]}),
)
async def add_cast_batch(
    state: State, project_id: FromPath[str],
    data: JSONBody[shapes.CastBatchBody | shapes.Characters],
) -> list[shapes.CastOut]:
    bodies = data.characters if isinstance(data, shapes.CastBatchBody) else data
    return await _add_cast(runtime_of(state), project_id, bodies, batch=True)


@delete(
    "/projects/{project_id:str}/cast/{character_id:str}", status_code=HTTP_200_OK,
    summary="Remove a character from the cast", operation_id="StudioRemoveCastMember",
    responses=problems(400, 404, 409, 503),
)
async def remove_cast_member(
    state: State, project_id: FromPath[str], character_id: FromPath[str]
) -> shapes.Deleted:
    command = stamped(RemoveCastMember, project_id=parse_id(project_id, "project"),
                      character_id=parse_id(character_id, "character"))
    await _command(runtime_of(state), "remove_cast_member", command)
    return shapes.Deleted()


@get(
    "/health", summary="System status: PostgreSQL, NATS and every service", opt=PUBLIC,
    responses={503: ResponseSpec(shapes.HealthOut,
                                 description="A part is down: `error` names it")},
)
async def service_health(state: State) -> Response[shapes.HealthOut]:
    report = shapes.health_out(await run_checks(runtime_of(state)))
    return Response(report, status_code=200 if report.status == "ok" else 503)


def studio_router() -> Router:
    return Router(
        "/api/v1",
        route_handlers=[list_projects, create_project, get_project, update_project,
                        delete_project, add_cast_member, add_cast_batch, remove_cast_member,
                        service_health],
        tags=["studio"],
    )
