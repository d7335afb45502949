"""VideoGen's own job routes next to doc 004's (docs/jobs-api.md): a job's live feed (SSE),
cancel and retry.

The feed is a read model (readmodels/productions/feed.py) served like Aura's: the stream
replays the job's messages after the client's Last-Event-ID and then goes live
(realtime.py), all streams of one job sharing one read per message (fanout.py). Cancel and
retry are the production's commands; a job in the wrong state is a 409. Errors are doc
004's `{"error": ...}`, as on its other paths (errors.py).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.types import Send
from videogen_contracts.project.production import (
    CancelProduction,
    RetryProduction,
    stream_id_for,
)
from videogen_gateway.access.route_opts import costly
from videogen_gateway.command_client import CommandRefused
from videogen_gateway.errors import REJECTION_STATUS, ApiError
from videogen_gateway.fanout import FanOut, LiveOptions, fanout_of
from videogen_gateway.openapi import event_stream, plain_errors
from videogen_gateway.readmodels.productions.feed import TERMINAL
from videogen_gateway.readmodels.productions.readmodel import ProductionQueries, ProductionRow
from videogen_gateway.realtime import (
    FeedStream,
    Serve,
    SseEvent,
    encode_sse,
    parse_last_event_id,
    sse_fanout,
    sse_serve,
)
from videogen_gateway.runtime import Runtime, runtime_of
from videogen_gateway.surfaces.text2video import schemas as shapes
from videogen_gateway.surfaces.text2video.jobs import SERVICE, find_job

# As Aura's feeds: heartbeats after 5 s of quiet; the projection's NOTIFY wakes a job's
# feed, and a read every second bounds what a lost one delays.
LIVE = LiveOptions(heartbeat=5.0, poll_live=1.0, poll_offline=0.5)
RETRY_MS = 2000
RETRYABLE = frozenset({"failed", "cancelled"})


def _feeds(state: State, rt: Runtime) -> FanOut[UUID, SseEvent]:
    """The job feeds someone watches in this process (the production's NOTIFY wakes one)."""
    return fanout_of(state, "text2video_feeds", lambda: sse_fanout(
        "text2video-job", rt.hub, stream_id_for,
        ProductionQueries(rt.pool, rt.schema).events_after, LIVE,
    ))


def _last_event_id(request: Request[Any, Any, Any]) -> int | None:
    """`Last-Event-ID` (what EventSource sends on reconnect), else `?last_event_id=` (or
    realtime's `?lastEventId=`); garbage in any of them counts as none."""
    for raw in (request.headers.get("last-event-id"),
                request.query_params.get("last_event_id"),
                request.query_params.get("lastEventId")):
        position = parse_last_event_id(raw)
        if position is not None:
            return position
    return None


def _connected(row: ProductionRow) -> bytes:
    # No id: it must not move the client's position. The job's state rides along, so a
    # client of an ended job that has seen everything (the stream then closes at once)
    # knows why without another request.
    data = {"job_id": str(row.id), "status": row.status, "stage": row.stage,
            "last_event_id": row.last_seq}
    return encode_sse("connected", msgspec.json.encode(data), retry_ms=RETRY_MS)


@get("/jobs/{job_id:str}/events", summary="A job's progress, live (SSE), resumable",
     responses={**event_stream(), **plain_errors(404, 503)})
async def job_events(
    request: Request[Any, Any, Any], state: State, job_id: FromPath[str]
) -> Response[Any]:
    rt = runtime_of(state)
    row = await find_job(rt, job_id)
    horizon, ended = row.last_seq, row.stage in TERMINAL
    # A position past the job's last message (or garbage) is clamped: never an error.
    after = min(_last_event_id(request) or 0, horizon)
    first = [_connected(row)]

    def until(message: SseEvent) -> bool:
        # An ended job's stream replays it and closes; a live one closes when it ends.
        # After a retry, the old attempt's terminal message (at or before the horizon)
        # does not close the stream.
        if ended:
            return message.id >= horizon
        return message.event in TERMINAL and message.id > horizon

    if ended and after >= horizon:
        return FeedStream(_only(first))
    return FeedStream(sse_serve(_feeds(state, rt), row.id, after, first=first, until=until))


def _only(chunks: list[bytes]) -> Serve:
    """A stream of these chunks alone, which then ends."""

    async def serve(send: Send) -> None:
        for chunk in chunks:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
    return serve


async def _control(rt: Runtime, name: str, command: msgspec.Struct, conflict: str) -> None:
    """Send a cancel or retry; the service's refusal of the transition is our 409 (the job
    changed state between the read and the command)."""
    try:
        await rt.dispatcher.send_and_wait(SERVICE, name, command)
    except CommandRefused as refused:
        if refused.rejection.code == "conflict":
            raise ApiError(409, conflict) from None
        raise ApiError(REJECTION_STATUS[refused.rejection.code],
                       refused.rejection.message) from None


@post("/jobs/{job_id:str}/cancel", status_code=202, summary="Cancel a queued or running job",
      responses=plain_errors(404, 409, 503))
async def cancel_job(state: State, job_id: FromPath[str]) -> shapes.JobControl:
    rt = runtime_of(state)
    row = await find_job(rt, job_id)
    if row.stage in TERMINAL:
        raise ApiError(409, shapes.ALREADY_ENDED)
    await _control(rt, "cancel_production", CancelProduction(
        command_id=str(uuid.uuid4()), now=datetime.now(UTC), production_id=row.id,
        reason="cancelled by the client"), shapes.ALREADY_ENDED)
    return shapes.JobControl(job_id=str(row.id), status="cancelling")


@post("/jobs/{job_id:str}/retry", status_code=202,
      summary="Resume a failed or cancelled job from its first unfinished step",
      opt=costly("generate"), responses=plain_errors(404, 409, 429, 503))
async def retry_job(state: State, job_id: FromPath[str]) -> shapes.JobControl:
    rt = runtime_of(state)
    row = await find_job(rt, job_id)
    if row.stage not in RETRYABLE:
        raise ApiError(409, shapes.NOT_RETRYABLE)
    await _control(rt, "retry_production", RetryProduction(
        command_id=str(uuid.uuid4()), now=datetime.now(UTC), production_id=row.id),
        shapes.NOT_RETRYABLE)
    return shapes.JobControl(job_id=str(row.id), status="queued")
