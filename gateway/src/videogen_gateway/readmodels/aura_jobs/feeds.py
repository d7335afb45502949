"""A job's SSE messages pushed to all of its streams: one read per message, not one per stream.

With a thousand clients on one job, a stream that read the read model on each wake-up (the
general `realtime.sse_replay_then_live`) would cost a thousand queries and a thousand
timed waits per message. Here each watched job has ONE pump task: it waits for the job's
wake-up key (the projection's NOTIFY, via the `Hub`), reads the new rows once, appends
them, already encoded, to the job's in-memory copy, and wakes every stream; a stream then
writes everything after its own position in one chunk. The copy holds the job's whole feed
(a job has hundreds of messages, not millions) while anyone watches, and is dropped with
the last watcher.

Why nothing is missed, nor sent twice: a stream registers before it reads the copy, and
every row the pump appends afterwards wakes it; it slices by SSE id, never by count. The
pump clears its wake-up flag before each read, so a NOTIFY during a read causes another
read, and it also reads every `MAX_AGE` seconds, which bounds what a lost NOTIFY delays.
When no message went out for `heartbeat` seconds, the pump wakes the streams to send a
heartbeat comment instead.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from typing import Any
from uuid import UUID

import structlog
from litestar import Request
from litestar.response import Stream
from litestar.response.base import ASGIResponse
from litestar.response.streaming import ASGIStreamingResponse
from litestar.types import HTTPResponseBodyEvent, Send
from videogen_contracts.project.production import stream_id_for
from videogen_gateway.realtime import (
    HEARTBEAT,
    SSE_HEADERS,
    SSE_MEDIA_TYPE,
    Hub,
    SseEvent,
    encode_event,
)

log = structlog.get_logger("videogen_gateway.aura_feeds")

MAX_AGE = 1.0
PAGE = 1000

FetchAfter = Callable[[UUID, int, int], Awaitable[list[SseEvent]]]


class JobFeed:
    def __init__(
        self, job_id: UUID, fetch: FetchAfter, wake: asyncio.Event, heartbeat: float
    ) -> None:
        self.job_id = job_id
        self._fetch = fetch
        self._wake = wake
        self._heartbeat = heartbeat
        self._ids: list[int] = []
        self._events: list[SseEvent] = []
        self._wire: list[bytes] = []
        self._streams: set[asyncio.Event] = set()
        self._loaded = asyncio.Event()
        self.beats = 0
        self._pump = asyncio.create_task(self._run(), name=f"aura-feed-{job_id}")

    async def close(self) -> None:
        self._pump.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._pump

    async def _run(self) -> None:
        last_sent = time.monotonic()
        while True:
            self._wake.clear()  # before the read: a NOTIFY during it means "read again"
            try:
                fresh = await self._read()
            except Exception:
                log.exception("aura_feed.read_failed", job_id=str(self.job_id))
                fresh = False
            now = time.monotonic()
            beat = not fresh and now - last_sent >= self._heartbeat
            if fresh or beat:
                self.beats += beat
                last_sent = now
                for stream in self._streams:
                    stream.set()
            timeout = min(MAX_AGE, max(0.0, last_sent + self._heartbeat - now))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)

    async def _read(self) -> bool:
        fresh = False
        while True:
            rows = await self._fetch(self.job_id, self._ids[-1] if self._ids else 0, PAGE)
            for row in rows:
                self._ids.append(row.id)
                self._events.append(row)
                self._wire.append(encode_event(row))
            fresh = fresh or bool(rows)
            if len(rows) < PAGE:
                self._loaded.set()
                return fresh

    async def serve(self, send: Send, after: int, until: Callable[[SseEvent], bool]) -> None:
        """Send every message after `after`, then live ones, until one for which `until`
        holds. Straight to the connection's ASGI `send`: with a thousand streams on a job,
        each layer between the wake-up and the socket costs a millisecond per message."""
        wake = asyncio.Event()
        self._streams.add(wake)
        try:
            await self._loaded.wait()
            position, beats = after, self.beats
            while True:
                start = bisect.bisect_right(self._ids, position)
                if start < len(self._ids):
                    end = len(self._ids)
                    last = next((i for i in range(start, end) if until(self._events[i])), None)
                    stop = end if last is None else last + 1
                    await send(_body(b"".join(self._wire[start:stop])))
                    if last is not None:
                        return
                    position = self._ids[end - 1]
                elif beats != self.beats:
                    await send(_body(HEARTBEAT))
                beats = self.beats
                wake.clear()
                if bisect.bisect_right(self._ids, position) == len(self._ids):
                    await wake.wait()
        finally:
            self._streams.discard(wake)


def _body(chunk: bytes) -> HTTPResponseBodyEvent:
    return {"type": "http.response.body", "body": chunk, "more_body": True}


class JobFeeds:
    """The feeds of the jobs someone watches in this process."""

    def __init__(self, hub: Hub, fetch: FetchAfter, heartbeat: float) -> None:
        self._hub = hub
        self._fetch = fetch
        self._heartbeat = heartbeat
        self._feeds: dict[UUID, tuple[JobFeed, AbstractContextManager[asyncio.Event], int]] = {}

    async def serve(
        self, job_id: UUID, send: Send, after: int, until: Callable[[SseEvent], bool]
    ) -> None:
        feed = self._join(job_id)
        try:
            await feed.serve(send, after, until)
        finally:
            await self._leave(job_id)

    def _join(self, job_id: UUID) -> JobFeed:
        entry = self._feeds.get(job_id)
        if entry is None:
            subscription = self._hub.subscription(stream_id_for(job_id))
            wake = subscription.__enter__()
            feed = JobFeed(job_id, self._fetch, wake, self._heartbeat)
            entry = (feed, subscription, 0)
        self._feeds[job_id] = (entry[0], entry[1], entry[2] + 1)
        return entry[0]

    async def _leave(self, job_id: UUID) -> None:
        feed, subscription, watchers = self._feeds[job_id]
        if watchers > 1:
            self._feeds[job_id] = (feed, subscription, watchers - 1)
            return
        del self._feeds[job_id]
        subscription.__exit__(None, None, None)
        await feed.close()

    def __len__(self) -> int:
        return len(self._feeds)


class _FeedASGIResponse(ASGIStreamingResponse):
    """Litestar's streaming response (headers, disconnect handling), whose body is written by
    `serve(send)` directly instead of by iterating chunks through Litestar's loop."""

    __slots__ = ("_serve",)

    def __init__(self, serve: Callable[[Send], Awaitable[None]], **kwargs: Any) -> None:
        super().__init__(iterator=(), **kwargs)
        self._serve = serve

    async def _stream(self, send: Send) -> None:
        await self._serve(send)
        await send({"type": "http.response.body", "body": b"", "more_body": False})


class FeedStream(Stream):
    """An SSE response served by a job feed (`JobFeeds.serve`)."""

    def __init__(self, serve: Callable[[Send], Awaitable[None]]) -> None:
        super().__init__((), media_type=SSE_MEDIA_TYPE, headers=SSE_HEADERS)
        self._serve = serve

    def to_asgi_response(
        self, app: Any, request: Request[Any, Any, Any], **kwargs: Any
    ) -> ASGIResponse:
        return _FeedASGIResponse(
            self._serve, headers={**kwargs.get("headers", {}), **self.headers},
            media_type=SSE_MEDIA_TYPE, status_code=200,
            encoded_headers=kwargs.get("encoded_headers"),
        )
