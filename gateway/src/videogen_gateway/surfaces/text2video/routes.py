"""The text2video surface (seed 004): generate, status, download, jobs (+ job_routes.py).

A POST becomes the project command `start_production` and answers 202 once the job is
visible in the `productions` read model (read-your-writes), so a status poll right after
it finds the job. Reads come from that read model; downloads from the blob store, with
HTTP Range. No business rule lives here: the production's stages are the project
service's, and schemas.py holds the doc's shapes and error strings.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import structlog
from litestar import Request, Response, Router, get, post
from litestar.datastructures import State
from litestar.params import FromPath
from videogen_contracts.media.events import Presentation
from videogen_contracts.project.production import StartProduction, VoiceSettings
from videogen_gateway.access.route_opts import costly
from videogen_gateway.downloads import blob_path, file_response
from videogen_gateway.errors import ApiError, error_response
from videogen_gateway.openapi import described, file_download, id_link, json_schema, plain_errors
from videogen_gateway.readmodels.productions.readmodel import ProductionQueries
from videogen_gateway.reports import read_report
from videogen_gateway.runtime import runtime_of
from videogen_gateway.surfaces.text2video import schemas as shapes
from videogen_gateway.surfaces.text2video.job_routes import cancel_job, job_events, retry_job
from videogen_gateway.surfaces.text2video.jobs import (
    KINDS,
    find_job,
    require_voice,
    resolve_music,
    send_production,
)
from videogen_gateway.surfaces.text2video.report_routes import job_captions, job_report

log = structlog.get_logger("videogen_gateway.text2video")

JOB_ID = "$response.body#/job_id"


@post("/generate", status_code=202, summary="Start a new video generation job",
      opt=costly("generate"),
      responses=plain_errors(400, 413, 500, 503),
      operation_class=described(at=202, body=json_schema(shapes.GenerateBody), links={
          "status": id_link("Text2videoStatus", job_id=JOB_ID),
          "download": id_link("Text2videoDownload", job_id=JOB_ID),
      }))
async def generate(request: Request[Any, Any, Any], state: State) -> shapes.GenerateAccepted:
    rt = runtime_of(state)
    text, options = shapes.generate_request(await request.body(),
                                            rt.options.text2video_max_chars)
    await require_voice(options.voice)
    presentation = Presentation(style=options.style, captions=options.captions,
                                sound=await resolve_music(rt, options.sound))
    job_id = uuid.uuid4()
    command = StartProduction(
        command_id=str(uuid.uuid4()), now=datetime.now(UTC), production_id=job_id,
        # One project per job: the studio surface then lists it like any other project.
        project_id=job_id, kind="text2video", text=text,
        render=shapes.render_for(options.aspect), voice=VoiceSettings(voice=options.voice),
        presentation=presentation,
    )
    await send_production(rt, "start_production", command)
    return shapes.GenerateAccepted(job_id=str(job_id))


@get("/status/{job_id:str}", summary="Check the status of a video generation job",
     operation_id="Text2videoStatus", responses=plain_errors(400, 404, 500, 503))
async def job_status(state: State, job_id: FromPath[str]) -> shapes.JobStatus:
    rt = runtime_of(state)
    row = await find_job(rt, job_id)
    return shapes.job_status(row, await read_report(rt.settings.data_dir, row.report_key))


@get("/jobs", summary="List all jobs and their statuses", responses=plain_errors(500, 503))
async def list_jobs(state: State) -> shapes.JobList:
    rt = runtime_of(state)
    rows = await ProductionQueries(rt.pool, rt.schema).list(*KINDS)
    return shapes.JobList(jobs={str(row.id): shapes.job_summary(row) for row in rows})


@get("/download/{job_id:str}", summary="Download the generated video (honours HTTP Range)",
     operation_id="Text2videoDownload",
     responses={**file_download("video/mp4"), **plain_errors(400, 404, 416, 500, 503)})
async def download(
    request: Request[Any, Any, Any], state: State, job_id: FromPath[str]
) -> Response[Any]:
    rt = runtime_of(state)
    row = await find_job(rt, job_id)
    if row.status != "completed" or row.video_key is None:
        raise ApiError(400, shapes.NOT_READY)
    path = blob_path(rt.settings.data_dir, row.video_key)
    try:
        size = path.stat().st_size
    except OSError as error:
        # The job says completed but the file is gone (deleted, or a blob store not
        # shared with this replica): an operator must look, so it is logged as an error.
        log.error("download.missing_file", job_id=str(row.id), key=row.video_key,
                  error=repr(error))
        raise ApiError(500, shapes.FILE_NOT_FOUND) from None
    return file_response(
        path, size, filename=shapes.download_name(row.id), media_type="video/mp4",
        range_header=request.headers.get("range"),
        unsatisfied=lambda detail, headers: error_response(request, 416, detail, headers=headers),
    )


def text2video_router() -> Router:
    return Router("/api/v1", route_handlers=[generate, job_status, list_jobs, download,
                                             job_events, cancel_job, retry_job, job_report,
                                             job_captions],
                  tags=["text2video"])
