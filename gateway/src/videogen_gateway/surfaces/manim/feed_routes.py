"""Doc 003's live feeds (SSE): a task's, and a project's.

Both are read from the `manim_events` read model (replayed, then live, by the gateway's
fan-out: realtime.py, fanout.py), with feed positions as ids, so a reconnect with
`Last-Event-ID` gets exactly what it missed. Messages: `progress` (a task moved),
`completed`, `failed`, `cancelled` (a task ended), `job` (a job of the session moved).
- a task's feed replays the task from its start on a first connection and ends after the
  message that ends the task (at once, after `connected`, for a client that has it);
- a project's feed starts from now on a first connection and runs until the client goes.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, Router, get
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.types import Send
from videogen_contracts.script.manim import manim_project_key
from videogen_gateway import realtime
from videogen_gateway.fanout import FanOut, LiveOptions, fanout_of
from videogen_gateway.openapi import problems
from videogen_gateway.readmodels.manim.feed import TASK_ENDS, manim_feed_key
from videogen_gateway.runtime import Runtime, runtime_of
from videogen_gateway.surfaces.manim.sessions import manim_queries
from videogen_gateway.surfaces.manim.task_routes import task_of


def _options(rt: Runtime) -> LiveOptions:
    return LiveOptions(heartbeat=rt.options.sse_heartbeat)


def _task_feeds(state: State, rt: Runtime) -> FanOut[tuple[UUID, UUID], realtime.SseEvent]:
    return fanout_of(state, "manim_task_feeds", lambda: realtime.sse_fanout(
        "manim-task", rt.hub, lambda key: manim_feed_key(key[0]),
        manim_queries(rt).task_feed_after, _options(rt),
    ))


def _project_feeds(state: State, rt: Runtime) -> FanOut[UUID, realtime.SseEvent]:
    return fanout_of(state, "manim_project_feeds", lambda: realtime.sse_fanout(
        "manim-project", rt.hub, manim_feed_key, manim_queries(rt).feed_after, _options(rt),
    ))


def _ends(message: realtime.SseEvent) -> bool:
    return message.event in TASK_ENDS


@get("/tasks/{task_id:str}/events", summary="A task's live progress (SSE), replayed from its"
     " start, until it ends", responses=problems(404), media_type=realtime.SSE_MEDIA_TYPE)
async def task_events(request: Request[Any, Any, Any], state: State,
                      task_id: FromPath[str]) -> realtime.FeedStream:  # fmt: skip
    rt = runtime_of(state)
    task = await task_of(rt, task_id)
    after = realtime.last_event_id(request) or 0
    connected = realtime.encode_sse("connected", msgspec.json.encode(
        {"task_id": str(task.task_id)}), id=after, retry_ms=2000)
    if task.finished:
        end = await manim_queries(rt).task_end(task.project_key, task.task_id)
        if end is None or after >= end:
            # The client has all of an ended task (an EventSource reconnects after the
            # stream closed, with the last id): nothing will ever come, so end at once.
            return realtime.FeedStream(_only(connected))
    return realtime.FeedStream(realtime.sse_serve(
        _task_feeds(state, rt), (task.project_key, task.task_id), after, first=[connected],
        until=_ends))


def _only(message: bytes) -> realtime.Serve:
    async def serve(send: Send) -> None:
        await send({"type": "http.response.body", "body": message, "more_body": True})

    return serve


@get("/projects/{project_id:str}/events", summary="A project's live feed (SSE): its tasks"
     " and jobs as they move", media_type=realtime.SSE_MEDIA_TYPE)
async def project_events(request: Request[Any, Any, Any], state: State,
                         project_id: FromPath[str]) -> realtime.FeedStream:  # fmt: skip
    rt = runtime_of(state)
    key = manim_project_key(project_id)
    head = await manim_queries(rt).head(key)
    asked = realtime.last_event_id(request)
    # A position past the feed's end (from before a rebuild, say) means "from now on".
    after = head if asked is None else min(asked, head)
    connected = realtime.encode_sse("connected", msgspec.json.encode(
        {"project_id": project_id}), id=after, retry_ms=2000)
    return realtime.FeedStream(realtime.sse_serve(
        _project_feeds(state, rt), key, after, first=[connected]))


def manim_feeds_router() -> Router:
    return Router("/api/v1/video-generation", tags=["manim"],
                  route_handlers=[task_events, project_events])
