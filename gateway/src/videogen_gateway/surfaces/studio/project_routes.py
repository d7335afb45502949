"""The studio surface (seed 000): its Projects endpoints, translated to commands and reads.

Writes go to the project service as commands and answer only once the read models show
their effect (read-your-writes), so a GET right after sees it. Reads come from the read
models. No business rule lives here: the service validates and decides.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from uuid import UUID

import msgspec
from litestar import Response, Router, delete, get, post, put
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK
from videogen_contracts.project.commands import (
    AddCastMembers,
    DeleteProject,
    RemoveCastMember,
)
from videogen_gateway.command_client import CommandRefused
from videogen_gateway.errors import ApiError, problems
from videogen_gateway.health.checks import run_checks
from videogen_gateway.readmodels.scripts.queries import ScriptQueries
from videogen_gateway.runtime import Runtime, runtime_of
from videogen_gateway.surfaces.studio import project_schemas as shapes
from videogen_gateway.surfaces.studio.project_schemas import (
    CastBatchBody,
    CastBody,
    CastOut,
    Deleted,
    HealthOut,
    ProjectBody,
    ProjectDetailOut,
    ProjectOut,
    ProjectPatch,
)
from videogen_gateway.surfaces.studio.script_schemas import section_out
from videogen_runtime.logs import current_correlation_id, new_correlation_id

SERVICE = "project"


def _project_id(raw: str) -> UUID:
    """Ids are UUIDs; any other string names nothing that exists."""
    try:
        return UUID(raw)
    except ValueError:
        raise ApiError(404, f"project {raw!r} not found") from None


async def _command(rt: Runtime, name: str, command: msgspec.Struct, *, batch: bool = False) -> None:
    correlation_id = current_correlation_id() or new_correlation_id()
    try:
        await rt.dispatcher.send_and_wait(SERVICE, name, command, correlation_id)
    except CommandRefused as refused:
        raise shapes.studio_rejection(refused.rejection, batch=batch) from None


def _ids() -> tuple[str, datetime]:
    """A new command's idempotency key and its time (set here, never by the decider)."""
    return str(uuid.uuid4()), datetime.now(UTC)


async def _detail(rt: Runtime, project_id: UUID) -> ProjectDetailOut:
    detail = await rt.queries.get_project(project_id)
    if detail is None:
        raise ApiError(404, f"project {project_id} not found")
    sections = await ScriptQueries(rt.pool, rt.schema).sections_of(project_id)
    return shapes.project_detail_out(detail, [section_out(s) for s in sections])


@get("/projects", summary="List all projects with section and sentence counts")
async def list_projects(state: State) -> list[ProjectOut]:
    rows = await runtime_of(state).queries.list_projects()
    return [shapes.project_out(row) for row in rows]


@post(
    "/projects",
    summary="Create a new project draft",
    responses=problems(400, 413, 503),
)
async def create_project(state: State, data: JSONBody[ProjectBody]) -> ProjectDetailOut:
    rt = runtime_of(state)
    command = shapes.create_command(data, *_ids())
    await _command(rt, "create_project", command)
    detail = await rt.queries.get_project(command.project_id)
    # None only if the read models are late (or it was deleted at once): answer with
    # what the service accepted.
    return shapes.project_detail_out(detail) if detail else shapes.created_out(command)


@get(
    "/projects/{project_id:str}",
    summary="Project details with sections, sentences and cast",
    responses=problems(404),
)
async def get_project(state: State, project_id: FromPath[str]) -> ProjectDetailOut:
    return await _detail(runtime_of(state), _project_id(project_id))


@put(
    "/projects/{project_id:str}",
    summary="Update project metadata",
    responses=problems(400, 404, 409, 413, 503),
)
async def update_project(
    state: State, project_id: FromPath[str], data: JSONBody[ProjectPatch]
) -> ProjectDetailOut:
    rt = runtime_of(state)
    pid = _project_id(project_id)
    await _command(rt, "update_project", shapes.update_command(data, pid, *_ids()))
    return await _detail(rt, pid)


@delete(
    "/projects/{project_id:str}",
    status_code=HTTP_200_OK,
    summary="Delete a project and all its media",
    responses=problems(404, 409, 503),
)
async def delete_project(state: State, project_id: FromPath[str]) -> Deleted:
    rt = runtime_of(state)
    command_id, now = _ids()
    command = DeleteProject(command_id=command_id, now=now, project_id=_project_id(project_id))
    await _command(rt, "delete_project", command)
    return Deleted()


async def _add_cast(
    rt: Runtime, project_id: str, bodies: list[CastBody], batch: bool
) -> list[CastOut]:
    pid = _project_id(project_id)
    specs = shapes.cast_specs(bodies)
    command_id, now = _ids()
    command = AddCastMembers(command_id=command_id, now=now, project_id=pid, members=specs)
    await _command(rt, "add_cast_members", command, batch=batch)
    rows = await rt.queries.get_cast_members(pid, [s.character_id for s in specs])
    # Rows are missing only if the read models are late: answer with what was accepted.
    return (
        [shapes.cast_out(r) for r in rows]
        if len(rows) == len(specs)
        else [shapes.cast_out(s) for s in specs]
    )


@post(
    "/projects/{project_id:str}/cast",
    summary="Add a character to the project cast",
    responses=problems(400, 404, 409, 413, 503),
)
async def add_cast_member(
    state: State, project_id: FromPath[str], data: JSONBody[CastBody]
) -> CastOut:
    return (await _add_cast(runtime_of(state), project_id, [data], batch=False))[0]


@post(
    "/projects/{project_id:str}/cast/batch",
    summary="Add several characters to the cast",
    responses=problems(400, 404, 409, 413, 503),
)
async def add_cast_batch(
    state: State, project_id: FromPath[str], data: JSONBody[CastBatchBody | list[CastBody]]
) -> list[CastOut]:
    bodies = data.characters if isinstance(data, CastBatchBody) else data
    return await _add_cast(runtime_of(state), project_id, bodies, batch=True)


@delete(
    "/projects/{project_id:str}/cast/{character_id:str}",
    status_code=HTTP_200_OK,
    summary="Remove a character from the cast",
    responses=problems(404, 409, 503),
)
async def remove_cast_member(
    state: State, project_id: FromPath[str], character_id: FromPath[str]
) -> Deleted:
    rt = runtime_of(state)
    pid = _project_id(project_id)
    try:
        cid = UUID(character_id)
    except ValueError:
        raise ApiError(404, f"character {character_id!r} not found") from None
    command_id, now = _ids()
    command = RemoveCastMember(command_id=command_id, now=now, project_id=pid, character_id=cid)
    await _command(rt, "remove_cast_member", command)
    return Deleted()


@get("/health", summary="System status: PostgreSQL, NATS and every service")
async def service_health(state: State) -> Response[HealthOut]:
    report = shapes.health_out(await run_checks(runtime_of(state)))
    return Response(report, status_code=200 if report.status == "ok" else 503)


def studio_router() -> Router:
    return Router(
        "/api/v1",
        route_handlers=[
            list_projects,
            create_project,
            get_project,
            update_project,
            delete_project,
            add_cast_member,
            add_cast_batch,
            remove_cast_member,
            service_health,
        ],
        tags=["studio"],
    )
