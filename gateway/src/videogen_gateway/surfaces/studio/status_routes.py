"""The studio's live generation status (seed 000): `GET /projects/:id/generation-status`.

Server-sent events replayed from the `generation_events` read model, then live
(realtime.py, one read per message for every stream of a project: fanout.py): `connected`,
then `progress`, `complete` and `error` with their feed positions as ids, so a reconnect
with `Last-Event-ID` gets exactly what it missed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, Router, get
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.response import Stream
from videogen_gateway import realtime
from videogen_gateway.fanout import FanOut, LiveOptions, fanout_of
from videogen_gateway.openapi import event_stream, problems
from videogen_gateway.readmodels.generations.readmodel import GenerationQueries, generation_feed_key
from videogen_gateway.runtime import Runtime, runtime_of
from videogen_gateway.surfaces.studio.lookups import existing_project
from videogen_gateway.surfaces.studio.script_routes import generation_queries


async def _fresh_start(rt: Runtime, queries: GenerationQueries, project_id: UUID, head: int) -> int:
    """Where a first connection (no Last-Event-ID) starts: before the latest run if it is
    still going or ended recently (`sse_recent_run`), so that a client that opens the stream
    right after its POST sees it all; else now."""
    run = await queries.latest_run(project_id)
    recent = timedelta(seconds=rt.options.sse_recent_run)
    if run is None or (run.ended_at and datetime.now(UTC) - run.ended_at > recent):
        return head
    first = await queries.first_of_job(project_id, run.id)
    return head if first is None else first - 1


def _feeds(state: State, rt: Runtime) -> FanOut[UUID, realtime.SseEvent]:
    """The projects' generation feeds someone follows in this process."""
    return fanout_of(state, "studio_generation_feeds", lambda: realtime.sse_fanout(
        "generation", rt.hub, generation_feed_key, generation_queries(rt).feed_after,
        LiveOptions(heartbeat=rt.options.sse_heartbeat),
    ))


@get(
    "/projects/{project_id:str}/generation-status",
    summary="Live generation progress (SSE): connected, progress, complete, error",
    responses={**event_stream(), **problems(404)},
)
async def generation_status(
    request: Request[Any, Any, Any], state: State, project_id: FromPath[str]
) -> Stream:
    rt = runtime_of(state)
    pid = await existing_project(rt, project_id)
    queries = generation_queries(rt)
    head = await queries.head(pid)
    after = realtime.last_event_id(request)
    # A position past the feed's end (from before a rebuild, say) means "from now on".
    after = await _fresh_start(rt, queries, pid, head) if after is None else min(after, head)

    connected = realtime.encode_sse(
        "connected", msgspec.json.encode({"projectId": str(pid)}), id=after, retry_ms=2000
    )
    return realtime.FeedStream(realtime.sse_serve(_feeds(state, rt), pid, after, first=[connected]))


def studio_status_router() -> Router:
    return Router("/api/v1", route_handlers=[generation_status], tags=["studio"])
