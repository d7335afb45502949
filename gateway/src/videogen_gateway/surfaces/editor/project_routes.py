"""The editor's projects (doc 002): list, create (optionally importing `video_url`), get, delete.

These are the project service's projects, so the studio's appear here and these appear
in the studio; the details add what the editor owns: the project's assets and its whole
timeline (every segment, active or not, in order).

A `video_url` is checked against the options before anything is created, and its bytes
are fetched into the new project's upload area before the project is: a URL that is not
allowed, not reachable or too large leaves nothing behind. Only the probe comes after the
project exists; a file it rejects deletes the project again, so a 400 means "nothing was
made" on every path.
"""

from __future__ import annotations

from uuid import UUID, uuid4

import msgspec
from litestar import Router, delete, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK
from videogen_contracts.project.commands import DeleteProject
from videogen_gateway.command_client import CommandRefused, new_ids, stamped
from videogen_gateway.errors import ApiError
from videogen_gateway.openapi import described, problems
from videogen_gateway.runtime import Runtime, runtime_of
from videogen_gateway.surfaces.editor import project_schemas as shapes
from videogen_gateway.surfaces.editor.lookups import editor_queries
from videogen_gateway.surfaces.editor.segment_schemas import DeletedOut
from videogen_gateway.surfaces.editor.sending import rejected
from videogen_gateway.surfaces.editor.upload_commands import (
    receiver_of,
    start_asset,
    store_received,
)
from videogen_gateway.surfaces.editor.uploads import Received
from videogen_gateway.surfaces.editor.video_imports import (
    ImportSource,
    import_source,
    source_bytes,
)
from videogen_gateway.surfaces.studio.lookups import parse_id, project_detail

SERVICE = "project"


async def _command(rt: Runtime, name: str, command: msgspec.Struct) -> None:
    try:
        await rt.dispatcher.send_and_wait(SERVICE, name, command)
    except CommandRefused as refused:
        # The project's `topic` is the editor's `name`.
        raise rejected(refused.rejection, {"topic": "name"}) from None


async def _detail(rt: Runtime, project_id: UUID) -> shapes.EditorProjectDetailOut:
    detail = await project_detail(rt, project_id)
    editor = editor_queries(rt)
    assets, segments = await editor.assets_of(project_id), await editor.segments_of(project_id)
    return shapes.project_detail_out(detail.project, assets, segments)


@get("/project", summary="List all projects", responses=problems(503))
async def list_editor_projects(state: State) -> list[shapes.EditorProjectOut]:
    rows = await runtime_of(state).queries.list_projects()
    return [shapes.project_out(row) for row in rows]


@post(
    "/project", status_code=200, summary="Create a project (video_url: its first upload)",
    responses=problems(400, 413, 503), operation_class=described(at=200),  # body optional
)
async def create_editor_project(
    state: State, data: JSONBody[shapes.EditorProjectBody | None] = None
) -> shapes.EditorProjectDetailOut:
    rt = runtime_of(state)
    body = data or shapes.EditorProjectBody()
    o = rt.options
    source = (import_source(body.video_url, o.import_url_prefixes, o.import_dir)
              if body.video_url else None)
    project_id = uuid4()
    fetched = await _fetch(rt, project_id, source) if source else None
    try:
        await _command(rt, "create_project", shapes.create_command(body, project_id, *new_ids()))
    except BaseException:
        if fetched is not None:  # no project: nothing would ever delete its bytes
            await receiver_of(rt).discard(project_id, fetched[0])
        raise
    if source is not None and fetched is not None:
        await _import(rt, project_id, source, *fetched)
    return await _detail(rt, project_id)


async def _fetch(rt: Runtime, project_id: UUID, source: ImportSource) -> tuple[UUID, Received]:
    """The source's bytes in the (not yet created) project's upload area; nothing on error."""
    asset_id, receiver = uuid4(), receiver_of(rt)
    size, chunks = await source_bytes(source)
    received = await receiver.whole(project_id, asset_id, chunks, size)
    if received.sha256 is None:
        await receiver.discard(project_id, asset_id)
        raise ApiError(400, "video_url ended before all its bytes arrived", "video_url")
    return asset_id, received


async def _import(rt: Runtime, project_id: UUID, source: ImportSource, asset_id: UUID,
                  received: Received) -> None:
    try:
        await start_asset(rt, project_id, source.file_name, source.content_type, asset_id)
        await store_received(rt, receiver_of(rt), project_id, asset_id, received)
    except ApiError:
        # Undone, so that a refused import has made nothing (its blobs go with it).
        await _command(rt, "delete_project", stamped(DeleteProject, project_id=project_id))
        raise


@get(
    "/project/{project_id:str}", summary="A project with its assets and timeline",
    responses=problems(404, 503),
)
async def get_editor_project(
    state: State, project_id: FromPath[str]
) -> shapes.EditorProjectDetailOut:
    return await _detail(runtime_of(state), parse_id(project_id, "project"))


@delete(
    "/project/{project_id:str}", status_code=HTTP_200_OK,
    summary="Delete a project and all its media", responses=problems(404, 409, 503),
)
async def delete_editor_project(state: State, project_id: FromPath[str]) -> DeletedOut:
    command = stamped(DeleteProject, project_id=parse_id(project_id, "project"))
    await _command(runtime_of(state), "delete_project", command)
    return DeletedOut()


def editor_project_router() -> Router:
    return Router(
        "/api",
        route_handlers=[list_editor_projects, create_editor_project, get_editor_project,
                        delete_editor_project],
        tags=["editor"],
    )
