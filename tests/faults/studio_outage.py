"""The studio's part of the infrastructure faults: a generation run and its WebSocket.

A studio project's generation run is started just before the kill (queued, not yet written)
and must end `complete` afterwards, its sections and sentences in the read model. A WebSocket
subscribed to the project before the kill must stay open through it.

What the socket promises (surfaces/studio/websocket.py): it is fed by a core NATS
subscription, and "a socket follows from the moment it is told `subscribed`; the protocol
has no positions to resume from". So:

- through a PostgreSQL outage NATS stays up and the socket misses nothing: what it delivered
  for the run equals the run's generation-status feed (the SSE replay), message for message;
- through a NATS outage, what was published while the gateway's connection was down is not
  delivered again, so the socket delivers an in-order part of the feed, nothing repeated or
  invented; and once the gateway's connection is back (a command went through it, so its
  subscriptions were re-sent first), the same socket, never reconnected, delivers a new run
  completely, exactly as a socket subscribed afresh does.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from videogen_local.stack import Stack
from websockets.asyncio.client import ClientConnection, connect

from ..e2e.studio_scripts_client import SseMessage, create_project, ended, read_sse
from ..e2e.test_studio_realtime import receive, start_run, ws_url
from ..e2e.test_studio_scripts import counts, project_detail
from .outage import ANSWER_WITHIN

# Long enough that the run is still being written when the kill lands on a fast machine.
RUN_MINUTES = 5
RUN_ENDS_WITHIN = 300.0
DELIVERED_WITHIN = 120.0

# What each socket message is in the generation-status feed.
_FEED_EVENT = {"progress": "progress", "job_complete": "complete", "job_failed": "error"}


@dataclass
class Socket:
    """A WebSocket following one project, every message it receives kept in order."""

    ws: ClientConnection
    got: list[dict[str, Any]] = field(default_factory=list)
    reader: asyncio.Task[None] = field(init=False)

    def __post_init__(self) -> None:
        self.reader = asyncio.create_task(self._read())

    def of_job(self, job_id: str) -> list[dict[str, Any]]:
        return [m for m in self.got if m.get("jobId") == job_id]

    def state(self) -> str:
        return (f"close code {self.ws.close_code}, {len(self.got)} messages,"
                f" the last: {self.got[-5:]}")

    async def until(self, done: Callable[[list[dict[str, Any]]], bool], what: str,
                    within: float = DELIVERED_WITHIN) -> None:
        deadline = time.monotonic() + within
        while not done(self.got):
            assert not self.reader.done(), (
                f"the socket closed before {what}: {self.state()}")
            assert time.monotonic() < deadline, f"no {what} in {within}s: {self.state()}"
            await asyncio.sleep(0.2)

    async def until_all_of(self, job_id: str, count: int) -> None:
        await self.until(lambda got: len(self.of_job(job_id)) >= count,
                         f"all {count} messages of run {job_id}")

    async def _read(self) -> None:
        async for raw in self.ws:
            self.got.append(json.loads(raw))


async def follow(stack: Stack, project_id: str) -> Socket:
    """A socket subscribed to the project (told `subscribed`), reading in the background.

    No client keepalive pings: whether the connection stays open is the server's doing."""
    ws = await connect(ws_url(stack), open_timeout=ANSWER_WITHIN, ping_interval=None)
    assert (await receive(ws, ANSWER_WITHIN))["type"] == "connected"
    await ws.send(json.dumps({"type": "subscribe", "projectId": project_id}))
    subscribed = await receive(ws, ANSWER_WITHIN)
    assert subscribed == {"type": "subscribed", "projectId": project_id}, subscribed
    return Socket(ws)


async def close(socket: Socket) -> None:
    await socket.ws.close()
    await asyncio.gather(socket.reader, return_exceptions=True)


@dataclass
class StudioRun:
    project_id: str
    job_id: str


async def studio_project(api: httpx.AsyncClient) -> str:
    project_id: str = (await create_project(api, targetDuration=RUN_MINUTES))["id"]
    return project_id


async def start_studio_run(api: httpx.AsyncClient, project_id: str) -> StudioRun:
    return StudioRun(project_id, await start_run(api, project_id, RUN_MINUTES))


async def start_studio_run_when_back(api: httpx.AsyncClient, project_id: str) -> StudioRun:
    """A run started as soon as commands are accepted again (503 until then)."""
    deadline = time.monotonic() + RUN_ENDS_WITHIN
    path = f"/projects/{project_id}/generate-script-short"
    while True:
        response = await api.post(path, json={"targetDuration": RUN_MINUTES})
        if response.status_code == 202:
            return StudioRun(project_id, response.json()["jobId"])
        assert response.status_code == 503, response.text[:300]
        assert time.monotonic() < deadline, (
            f"no run accepted in {RUN_ENDS_WITHIN}s: {response.text[:300]}")
        await asyncio.sleep(0.5)


async def feed_of(api: httpx.AsyncClient, run: StudioRun) -> list[SseMessage]:
    """The run's messages in the project's generation-status feed, up to its end."""
    try:
        replay = await asyncio.wait_for(
            read_sse(api, run.project_id, last_event_id="0", until=ended(run.job_id)),
            RUN_ENDS_WITHIN,
        )
    except TimeoutError:
        raise AssertionError(f"studio run {run.job_id} did not end in {RUN_ENDS_WITHIN}s; "
                             f"its project: {await project_detail(api, run.project_id)}") from None
    return [m for m in replay if isinstance(m.data, dict) and m.data.get("jobId") == run.job_id]


async def assert_written(api: httpx.AsyncClient, run: StudioRun) -> list[SseMessage]:
    """The run completed, and the read model holds the script it wrote; its feed."""
    feed = await feed_of(api, run)
    assert feed[-1].event == "complete", feed[-3:]
    detail = await project_detail(api, run.project_id)
    assert detail["sectionCount"] > 0, detail
    assert counts(detail) == (detail["sectionCount"], detail["sentenceCount"]), detail
    assert detail["sentenceCount"] == feed[-1].data["totalSentences"], (detail, feed[-1])
    return feed


def socket_view(messages: list[dict[str, Any]]) -> list[tuple[str, str, Any]]:
    """Socket messages as feed entries: (event, job, percent | sentences | error)."""
    def value(m: dict[str, Any]) -> Any:
        if m["type"] == "progress":
            return m["progress"]
        return m["result"]["totalSentences"] if m["type"] == "job_complete" else m["error"]

    return [(_FEED_EVENT[m["type"]], m["jobId"], value(m)) for m in messages]


def feed_view(feed: list[SseMessage]) -> list[tuple[str, str, Any]]:
    fields = {"progress": "percentComplete", "complete": "totalSentences", "error": "message"}
    return [(str(m.event), m.data["jobId"], m.data[fields[str(m.event)]]) for m in feed]


def is_in_order_part_of(part: list[Any], whole: list[Any]) -> bool:
    rest = iter(whole)
    return all(any(item == other for other in rest) for item in part)


async def assert_socket_through_outage(
    stack: Stack, api: httpx.AsyncClient, socket: Socket, run: StudioRun,
    feed: list[SseMessage], *, misses_nothing: bool,
) -> None:
    """The socket's promise through the outage (module docstring), then a run after it."""
    if misses_nothing:
        await socket.until_all_of(run.job_id, len(feed))
        assert socket_view(socket.of_job(run.job_id)) == feed_view(feed), socket.state()
    else:
        delivered = socket_view(socket.of_job(run.job_id))
        assert is_in_order_part_of(delivered, feed_view(feed)), (delivered, feed_view(feed))
    fresh = await follow(stack, run.project_id)
    try:
        after = await start_studio_run_when_back(api, run.project_id)
        after_feed = await assert_written(api, after)
        await asyncio.gather(*(which.until_all_of(after.job_id, len(after_feed))
                               for which in (socket, fresh)))
        assert socket_view(socket.of_job(after.job_id)) == feed_view(after_feed), socket.state()
        assert socket.of_job(after.job_id) == fresh.of_job(after.job_id)
        await socket.ws.send(json.dumps({"type": "ping"}))
        await socket.until(lambda got: {"type": "pong"} in got, "pong")
        assert {m["type"] for m in socket.got} <= {*_FEED_EVENT, "pong"}, socket.state()
        assert {m["jobId"] for m in socket.got if "jobId" in m} <= {run.job_id, after.job_id}
    finally:
        await close(fresh)
