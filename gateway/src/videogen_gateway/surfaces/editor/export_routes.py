"""The editor's exports (doc 002): POST /api/export, GET /api/export/{id}, the download.

A POST snapshots the project's active timeline as cuts (its segments in order, with their
windows and grades) and sends `export_timeline` to the export service, which renders them
in one ffmpeg pass; it answers once the export is visible in the read model, so a GET
right after finds it. A project with no segment but a script (made on the studio surface)
is exported as a production of kind "project" (narrated, captioned, its narration reused
by content), whose video the export takes. No business rule lives here.
"""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

import structlog
from litestar import Request, Response, Router, get, post
from litestar.datastructures import State
from litestar.params import FromPath
from videogen_contracts.export.exports import Cut, ExportFormat, ExportTimeline
from videogen_contracts.project.production import StartProduction
from videogen_gateway.access.route_opts import costly
from videogen_gateway.command_client import CommandRefused, new_ids
from videogen_gateway.downloads import blob_path, file_response
from videogen_gateway.errors import REJECTION_STATUS, ApiError, problem
from videogen_gateway.openapi import described, file_download, id_link, json_schema, problems
from videogen_gateway.readmodels.exports.readmodel import ExportQueries, ExportRow
from videogen_gateway.readmodels.scripts.queries import ScriptQueries
from videogen_gateway.runtime import Runtime, runtime_of
from videogen_gateway.surfaces.editor import export_schemas as shapes
from videogen_gateway.surfaces.editor.lookups import editor_queries
from videogen_gateway.surfaces.studio.lookups import existing_project

log = structlog.get_logger("videogen_gateway.editor.exports")


async def _send(rt: Runtime, service: str, name: str, command: Any) -> None:
    try:
        await rt.dispatcher.send_and_wait(service, name, command)
    except CommandRefused as refused:
        rejection = refused.rejection
        raise ApiError(REJECTION_STATUS[rejection.code], rejection.message,
                       rejection.field) from None  # fmt: skip


async def _active_cuts(rt: Runtime, project_id: UUID) -> list[Cut]:
    """What plays, in order, as the export's snapshot: a later edit changes no export."""
    rows = await editor_queries(rt).active_segments_of(project_id)
    return [
        Cut(segment_id=r.id, media_key=r.media_key, start_ts=r.start_ts, end_ts=r.end_ts,
            grade=r.grade)
        for r in rows
    ]  # fmt: skip


async def _production_of(rt: Runtime, project_id: UUID) -> UUID:
    """A new production of the project's script; 400 when it has none either."""
    _, sentences = await ScriptQueries(rt.pool, rt.schema).counts(project_id)
    if sentences == 0:
        raise ApiError(400, "the project has nothing to export: no segment and no script",
                       "project_id")  # fmt: skip
    production_id = uuid.uuid4()
    command_id, now = new_ids()
    await _send(rt, "project", "start_production", StartProduction(
        command_id=command_id, now=now, production_id=production_id, project_id=project_id,
        kind="project",
    ))  # fmt: skip
    return production_id


async def _export(rt: Runtime, project_id: UUID, fmt: ExportFormat, cuts: list[Cut]) -> UUID:
    production_id = None if cuts else await _production_of(rt, project_id)
    export_id = uuid.uuid4()
    command_id, now = new_ids()
    await _send(rt, "export", "export_timeline", ExportTimeline(
        command_id=command_id, now=now, export_id=export_id, project_id=project_id,
        format=fmt, cuts=cuts, production_id=production_id,
    ))  # fmt: skip
    return export_id


EXPORT_ID = "$response.body#/export_job_id"


@post(
    "/export", status_code=202, summary="Start an export of the project's timeline",
    opt=costly("export"),
    responses=problems(400, 404, 409, 503),
    operation_class=described(at=202, body=json_schema(shapes.ExportBody), links={
        "status": id_link("EditorExportStatus", export_job_id=EXPORT_ID),
    }),
)  # fmt: skip
async def start_export(request: Request[Any, Any, Any], state: State) -> shapes.ExportAccepted:
    rt = runtime_of(state)
    raw_project, body = shapes.project_id_of(await request.body())
    project_id = await existing_project(rt, raw_project)  # 404 before the format's 400
    fmt = shapes.format_of(body)
    export_id = await _export(rt, project_id, fmt, await _active_cuts(rt, project_id))
    return shapes.ExportAccepted(export_job_id=str(export_id))


async def _row(rt: Runtime, raw_id: str) -> ExportRow:
    try:
        export_id = UUID(raw_id)
    except ValueError:
        raise ApiError(404, f"export {raw_id!r} not found") from None
    row = await ExportQueries(rt.pool, rt.schema).get(export_id)
    if row is None:
        raise ApiError(404, f"export {raw_id!r} not found")
    return row


@get(
    "/export/{export_job_id:str}", summary="Check an export job and get its URLs",
    operation_id="EditorExportStatus", responses=problems(404, 503),
)  # fmt: skip
async def export_status(state: State, export_job_id: FromPath[str]) -> shapes.ExportStatus:
    return shapes.export_status(await _row(runtime_of(state), export_job_id))


@get(
    ["/export/{export_job_id:str}/file", "/export/{export_job_id:str}/download"],
    summary="The exported file, to play (/file) or to save (/download), with HTTP Range",
    # mp4, webm or mov, as the export's format says.
    responses={**file_download("video/*"), **problems(404, 409, 416, 503)},
)  # fmt: skip
async def export_file(
    request: Request[Any, Any, Any], state: State, export_job_id: FromPath[str]
) -> Response[Any]:
    rt = runtime_of(state)
    row = await _row(rt, export_job_id)
    if row.status != "completed" or row.video_key is None:
        raise ApiError(409, f"export {row.id} is {row.status}, not completed")
    path = blob_path(rt.settings.data_dir, row.video_key)
    try:
        size = path.stat().st_size
    except OSError as error:
        log.error("export.missing_file", export_id=str(row.id), key=row.video_key,
                  error=repr(error))  # fmt: skip
        raise ApiError(500, f"the file of export {row.id} is missing") from None
    response = file_response(
        path, size, filename=shapes.download_name(row), media_type=shapes.MEDIA_TYPES[row.format],
        range_header=request.headers.get("range"),
        unsatisfied=lambda detail, headers: problem(416, detail, headers=headers),
    )  # fmt: skip
    if not request.url.path.endswith("/download"):
        response.headers["Content-Disposition"] = f'inline; filename="{shapes.download_name(row)}"'
    return response


def editor_export_router() -> Router:
    return Router("/api", route_handlers=[start_export, export_status, export_file],
                  tags=["editor"])  # fmt: skip
