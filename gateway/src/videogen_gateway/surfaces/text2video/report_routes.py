"""A finished job's quality report and its WebVTT captions (VideoGen's own, docs/jobs-api.md).

Both are blobs beside the video, recorded on the job when it completes (the `productions`
read model's report_key and vtt_key). Until then, and for a job rendered before reports
existed, each is a 404 saying it is not ready. Errors are doc 004's `{"error": ...}`, as
on the surface's other paths.
"""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Request, Response, get
from litestar.datastructures import State
from litestar.params import FromPath
from videogen_gateway.downloads import blob_path, file_response
from videogen_gateway.errors import ApiError, error_response
from videogen_gateway.openapi import file_download, plain_errors
from videogen_gateway.reports import read_report
from videogen_gateway.runtime import runtime_of
from videogen_gateway.surfaces.text2video import schemas as shapes
from videogen_gateway.surfaces.text2video.jobs import find_job

log = structlog.get_logger("videogen_gateway.text2video")

VTT = "text/vtt"


@get("/jobs/{job_id:str}/report", summary="The finished video's quality report (JSON)",
     responses=plain_errors(404, 503))
async def job_report(state: State, job_id: FromPath[str]) -> dict[str, Any]:
    rt = runtime_of(state)
    row = await find_job(rt, job_id)
    report = await read_report(rt.settings.data_dir, row.report_key)
    if report is None:
        raise ApiError(404, shapes.REPORT_NOT_READY)
    return report


@get("/jobs/{job_id:str}/captions.vtt",
     summary="The finished video's captions as WebVTT, with word timings (honours HTTP Range)",
     responses={**file_download(VTT), **plain_errors(404, 416, 500, 503)})
async def job_captions(
    request: Request[Any, Any, Any], state: State, job_id: FromPath[str]
) -> Response[Any]:
    rt = runtime_of(state)
    row = await find_job(rt, job_id)
    if row.status != "completed" or row.vtt_key is None:
        raise ApiError(404, shapes.CAPTIONS_NOT_READY)
    path = blob_path(rt.settings.data_dir, row.vtt_key)
    try:
        size = path.stat().st_size
    except OSError as error:
        log.error("captions.missing_file", job_id=str(row.id), key=row.vtt_key,
                  error=repr(error))
        raise ApiError(500, "Captions file not found") from None
    return file_response(
        path, size, filename=f"generated_video_{row.id}.vtt", media_type=VTT,
        range_header=request.headers.get("range"),
        unsatisfied=lambda detail, headers: error_response(request, 416, detail, headers=headers),
    )
