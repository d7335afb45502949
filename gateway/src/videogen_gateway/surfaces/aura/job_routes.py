"""Aura's jobs API (doc 001): create, read, list, watch (SSE), cancel, retry, logs, download.

A job is a production of kind "brief". POST /api/jobs decodes the request (job_requests.py),
sends `start_production` (whose rules are the project domain's: a refusal is a 400 naming
the field as the client sent it) and answers 202 once the job is in the `aura_jobs` read model
(read-your-writes). Reads come from that read model; the SSE stream replays the job's
messages after the client's Last-Event-ID and then goes live (realtime.py), all streams of
one job sharing one read per message (fanout.py). Cancel and retry are production
commands; a job in the wrong state is a 409 naming its status. Errors are Aura's RFC 7807
problems (errors.py), documented in docs/errors.md.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
import structlog
from litestar import Request, Response, Router, get, post
from litestar.datastructures import State
from litestar.params import FromPath, QueryParameter
from litestar.types import Send
from videogen_contracts.project.production import (
    CancelProduction,
    RetryProduction,
    StartProduction,
    stream_id_for,
)
from videogen_gateway.access.route_opts import costly
from videogen_gateway.command_client import CommandRefused
from videogen_gateway.downloads import blob_path, file_response
from videogen_gateway.fanout import FanOut, LiveOptions, fanout_of
from videogen_gateway.openapi import errors_as, event_stream, file_download, problems
from videogen_gateway.readmodels.aura_jobs.readmodel import AuraJobQueries, JobView
from videogen_gateway.readmodels.aura_jobs.translation import ENDED, TERMINAL_EVENTS
from videogen_gateway.readmodels.productions.readmodel import ProductionQueries
from videogen_gateway.realtime import FeedStream, SseEvent, last_event_id, sse_fanout, sse_serve
from videogen_gateway.reports import read_report
from videogen_gateway.runtime import Runtime, runtime_of
from videogen_gateway.surfaces.aura.bodies import documented
from videogen_gateway.surfaces.aura.errors import (
    EXCEPTION_HANDLERS,
    AuraProblem,
    SystemProblem,
    aura_problem,
    correlation_id,
)
from videogen_gateway.surfaces.aura.job_requests import JobIn, job_request
from videogen_gateway.surfaces.aura.job_responses import (
    CancelAccepted,
    JobAccepted,
    JobLogs,
    JobOut,
    JobPage,
    RetryAccepted,
    job_out,
)
from videogen_gateway.surfaces.aura.voice_names import require_installed

log = structlog.get_logger("videogen_gateway.aura")

SERVICE = "project"
# Heartbeats after 5 s of quiet; the projection's NOTIFY wakes a job's feed, and a read
# every second bounds what a lost one delays.
LIVE = LiveOptions(heartbeat=5.0, poll_live=1.0, poll_offline=0.5)
PAGE_SIZE, PAGE_SIZE_MAX = 20, 100
# Far past any real list, and small enough that its offset is a PostgreSQL bigint.
PAGE_MAX = 1_000_000
MEDIA_TYPES = {"mp4": "video/mp4", "webm": "video/webm", "srt": "application/x-subrip"}


# A job in the wrong state for the request (cancel a finished one; download before it is).
_conflict = problems(409, body=AuraProblem)
_not_ready = problems(409, 416, body=AuraProblem)


def _queries(rt: Runtime) -> AuraJobQueries:
    return AuraJobQueries(rt.pool, rt.schema)


def _feeds(state: State, rt: Runtime) -> FanOut[UUID, SseEvent]:
    """The job feeds someone watches in this process (the production's NOTIFY wakes one)."""
    return fanout_of(state, "aura_feeds", lambda: sse_fanout(
        "aura-job", rt.hub, stream_id_for, _queries(rt).events_after, LIVE
    ))


async def _job(rt: Runtime, raw_id: str) -> JobView:
    try:
        job_id = UUID(raw_id)
    except ValueError:
        raise SystemProblem(404, f"Job {raw_id} not found") from None
    view = await _queries(rt).get(job_id)
    if view is None:
        raise SystemProblem(404, f"Job {raw_id} not found")
    return view


@post("/jobs", status_code=202, summary="Create a video generation job",
      opt=costly("aura_job"),
      dependencies=documented(JobIn))
async def create_job(request: Request[Any, Any, Any], state: State) -> JobAccepted:
    wanted = job_request(await request.body())
    await require_installed(wanted.voice.voice, "voiceSpec.voiceName")
    job_id = uuid.uuid4()
    command = StartProduction(
        command_id=str(uuid.uuid4()), now=datetime.now(UTC), production_id=job_id,
        # One project per job: the studio surface lists it like any other project.
        project_id=job_id, kind="brief", render=wanted.render, voice=wanted.voice,
        language=wanted.language, brief=wanted.brief, presentation=wanted.presentation,
    )
    # Waits until the read model shows the job (read-your-writes).
    await runtime_of(state).dispatcher.send_and_wait(
        SERVICE, "start_production", command, correlation_id())
    return JobAccepted(job_id=str(job_id), id=str(job_id), correlation_id=correlation_id())


@get("/jobs", summary="List jobs, newest first, a page at a time", cache=False)
async def list_jobs(
    state: State,
    # The bounds are the handler's to check (its messages say what to send instead);
    # the schema states them.
    page: Annotated[int, QueryParameter(schema_extra={"minimum": 1, "maximum": PAGE_MAX})] = 1,
    page_size: Annotated[int | None, QueryParameter(
        name="pageSize", schema_extra={"minimum": 1, "maximum": PAGE_SIZE_MAX})] = None,
) -> JobPage:
    size = PAGE_SIZE if page_size is None else page_size
    if not 1 <= page <= PAGE_MAX:
        raise SystemProblem(400, f"page {page} is out of range", "page",
                            guidance=f"Use a page from 1 to {PAGE_MAX}.")
    if not 1 <= size <= PAGE_SIZE_MAX:
        raise SystemProblem(400, f"pageSize {size} is out of range", "pageSize",
                            guidance=f"Use a pageSize from 1 to {PAGE_SIZE_MAX}.")
    queries = _queries(runtime_of(state))
    jobs, total = await queries.page(size, (page - 1) * size)
    steps = await queries.steps_of([job.id for job in jobs])
    return JobPage(jobs=[job_out(job, steps.get(job.id, [])) for job in jobs], page=page,
                   page_size=size, total_count=total, total_pages=math.ceil(total / size))


@get("/jobs/{job_id:str}", summary="A job: status, steps, output, errors", cache=False)
async def get_job(state: State, job_id: FromPath[str]) -> JobOut:
    rt = runtime_of(state)
    view = await _job(rt, job_id)
    # The quality report is the production's (the `productions` read model holds its key).
    row = await ProductionQueries(rt.pool, rt.schema).get(view.job.id)
    quality = await read_report(rt.settings.data_dir, row.report_key if row else None)
    return job_out(view.job, view.steps, quality)


@get("/jobs/{job_id:str}/events", summary="A job's progress, live (SSE), resumable",
     responses=event_stream())
async def job_events(
    request: Request[Any, Any, Any], state: State, job_id: FromPath[str]
) -> Response[Any]:
    rt = runtime_of(state)
    view = await _job(rt, job_id)
    job_uuid, horizon = view.job.id, view.last_seq
    # Garbage in Last-Event-ID (or none) means "from the start", never an error.
    after = min(last_event_id(request) or 0, horizon)
    ended = view.job.status in ENDED

    def until(message: SseEvent) -> bool:
        # An ended job's stream replays it and closes; a live one closes when it ends.
        if ended:
            return message.id >= horizon
        return message.event in TERMINAL_EVENTS and message.id > horizon

    if ended and after >= horizon:
        return FeedStream(_nothing)
    return FeedStream(sse_serve(_feeds(state, rt), job_uuid, after, until=until))


async def _nothing(send: Send) -> None:
    """An ended job's stream for a client that has seen all of it: closes at once."""


@post("/jobs/{job_id:str}/cancel", status_code=202, summary="Cancel a running job",
      responses=_conflict)
async def cancel_job(state: State, job_id: FromPath[str]) -> CancelAccepted:
    now = await _command(state, job_id, "cancel_production", "cancelled", lambda job: (
        CancelProduction(command_id=str(uuid.uuid4()), now=datetime.now(UTC),
                         production_id=job, reason="cancelled by the client")))
    return CancelAccepted(
        job_id=job_id, message="Job cancellation requested; running work stops now.",
        current_status=now.job.status, correlation_id=correlation_id(),
    )


@post("/jobs/{job_id:str}/retry", status_code=202, summary="Resume a failed or canceled job",
      responses=_conflict, opt=costly("aura_job"))
async def retry_job(state: State, job_id: FromPath[str]) -> RetryAccepted:
    now = await _command(state, job_id, "retry_production", "retried", lambda job: (
        RetryProduction(command_id=str(uuid.uuid4()), now=datetime.now(UTC), production_id=job)))
    return RetryAccepted(
        job_id=job_id, status=now.job.status, attempt=now.job.attempt,
        message="Job resumed from its first unfinished step.", correlation_id=correlation_id(),
    )


async def _command(
    state: State, job_id: str, name: str, verb: str, command: Callable[[UUID], msgspec.Struct]
) -> JobView:
    """Send the job's command and wait for the read model; the job as it is then."""
    rt = runtime_of(state)
    view = await _job(rt, job_id)
    try:
        await rt.dispatcher.send_and_wait(SERVICE, name, command(view.job.id), correlation_id())
    except CommandRefused as refused:
        if refused.rejection.code != "conflict":
            raise
        current = (await _job(rt, job_id)).job.status
        raise SystemProblem(
            409, f"Job {view.job.id} is {current}; it cannot be {verb}.", current_status=current,
            guidance="Only a Queued or Running job can be cancelled; only a Failed or"
            " Canceled job can be retried.",
        ) from None
    return await _job(rt, job_id)


@get("/jobs/{job_id:str}/logs", summary="A job's log lines", cache=False)
async def job_logs(state: State, job_id: FromPath[str]) -> JobLogs:
    rt = runtime_of(state)
    view = await _job(rt, job_id)
    row = await ProductionQueries(rt.pool, rt.schema).get(view.job.id)
    logs = list(row.logs) if row else []
    return JobLogs(job_id=job_id, correlation_id=view.job.correlation_id, logs=logs)


@get("/jobs/{job_id:str}/download", summary="The job's video (HTTP Range)",
     responses={**file_download("video/*"), **_not_ready})
async def download_video(
    request: Request[Any, Any, Any], state: State, job_id: FromPath[str]
) -> Response[Any]:
    return await _download(request, state, job_id, subtitles=False)


@get("/jobs/{job_id:str}/download/subtitles", summary="The job's subtitles (.srt)",
     responses={**file_download(MEDIA_TYPES["srt"]), **_not_ready})
async def download_subtitles(
    request: Request[Any, Any, Any], state: State, job_id: FromPath[str]
) -> Response[Any]:
    return await _download(request, state, job_id, subtitles=True)


async def _download(
    request: Request[Any, Any, Any], state: State, job_id: FromPath[str], *, subtitles: bool
) -> Response[Any]:
    rt = runtime_of(state)
    job = (await _job(rt, job_id)).job
    key = job.subtitle_key if subtitles else job.video_key
    if job.status != "Succeeded" or key is None:
        raise SystemProblem(409, f"Job {job_id} has no output yet: it is {job.status}.",
                            current_status=job.status,
                            guidance="Wait for job-completed, then download.")
    path = blob_path(rt.settings.data_dir, key)
    try:
        size = path.stat().st_size
    except OSError as error:
        log.error("download.missing_file", job_id=job_id, key=key, error=repr(error))
        raise SystemProblem(500, "the job's output file is missing") from None
    extension = key.rsplit(".", 1)[-1]
    return file_response(
        path, size, filename=f"{job_id}.{extension}",
        media_type=MEDIA_TYPES.get(extension, "application/octet-stream"),
        range_header=request.headers.get("range"),
        unsatisfied=lambda detail, headers: aura_problem(416, detail, headers=headers),
    )


def aura_router() -> Router:
    handlers = [create_job, list_jobs, get_job, job_events, cancel_job, retry_job, job_logs,
                download_video, download_subtitles]
    return Router("/api", route_handlers=handlers, exception_handlers=EXCEPTION_HANDLERS,
                  tags=["aura"], opt=errors_as(AuraProblem))
