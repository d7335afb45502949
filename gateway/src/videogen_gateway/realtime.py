"""Live pushes to clients as server-sent events: replayed from a read model, then live.

Every SSE endpoint of the gateway (studio generation status, Aura job events) works alike:

1. Each message a client can receive is a row of a read model with an integer position
   that only grows, written by a projection (one event, one transaction). The SSE `id:` is
   that position; `Last-Event-ID` (header, or `?lastEventId=`) says where the client is.
2. The stream is a reader of the endpoint's `FanOut` (fanout.py), replay first, then live,
   written straight to its connection (`FeedStream`).
3. Wake-ups come from the projection's NOTIFY on the positions channel (the one the
   read-your-writes waits use, positions.py): its payload is `<key>:<version>`, where the
   key is a stream id (`production-<id>`) or a feed name a projection announces
   (`feed_key`: `feed/generation/<project_id>`). The `Hub` is a `PositionObserver`
   of the gateway's `PositionWaiter`, so one LISTEN connection serves both. Any replica's
   projection commit wakes the streams of every replica, because NOTIFY goes to all.
4. A NOTIFY can be lost (the LISTEN connection dropped): the pump's polls (`live` is the
   hub's) make that a delay, never a loss (the read model holds the message).

Ordering is the projection's job: a feed's positions must become visible in order (a
position N+1 may not commit before N), or a reader could send N+1 and skip N for good.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from functools import partial
from typing import Any, Generic

import msgspec
from litestar import Request
from litestar.response import Stream
from litestar.response.base import ASGIResponse
from litestar.response.streaming import ASGIStreamingResponse
from litestar.types import HTTPResponseBodyEvent, Send

from videogen_gateway.fanout import FanOut, K, LiveOptions, M

SSE_HEADERS = {
    "Cache-Control": "no-cache",
    "Connection": "keep-alive",
    # nginx (and proxies that honour it) must not buffer the stream.
    "X-Accel-Buffering": "no",
}
SSE_MEDIA_TYPE = "text/event-stream"
HEARTBEAT = b": heartbeat\n\n"
# Positions are PostgreSQL bigints; anything larger is not one of ours.
MAX_POSITION = 2**63 - 1


class SseEvent(msgspec.Struct, frozen=True, kw_only=True):
    """One message of a feed: its position (the SSE id), its event name and JSON data."""

    id: int
    event: str
    data: bytes  # JSON, already encoded


def sse_event(id: int, event: str, data: str) -> SseEvent:
    """A row of a read model's feed (`id, event, data` as JSON text) as a message."""
    return SseEvent(id=id, event=event, data=data.encode())


# --- wire format ----------------------------------------------------------------------------


def encode_sse(event: str | None, data: bytes | str, *, id: int | str | None = None,
               retry_ms: int | None = None) -> bytes:
    """One SSE message. Multi-line data becomes several `data:` lines, as the spec says."""
    text = data.decode() if isinstance(data, bytes) else data
    lines: list[str] = []
    if id is not None:
        lines.append(f"id: {id}")
    if event:
        lines.append(f"event: {event}")
    if retry_ms is not None:
        lines.append(f"retry: {retry_ms}")
    lines.extend(f"data: {line}" for line in text.splitlines() or [""])
    return ("\n".join(lines) + "\n\n").encode()


def encode_event(message: SseEvent) -> bytes:
    return encode_sse(message.event, message.data, id=message.id)


def parse_last_event_id(raw: str | None) -> int | None:
    """The position a client says it has seen, or None when it said nothing usable.

    Clients send whatever their last `id:` was, and proxies and hand-written clients send
    garbage: blanks, negatives, floats, huge numbers, other formats. Any of those means
    "no usable position", which the endpoint treats like a first connection.
    """
    if raw is None:
        return None
    text = raw.strip()
    if not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if value <= MAX_POSITION else None


def last_event_id(request: Request[Any, Any, Any]) -> int | None:
    """`Last-Event-ID` (what browsers send on reconnect), else `?lastEventId=`."""
    header = parse_last_event_id(request.headers.get("last-event-id"))
    query = request.query_params.get("lastEventId")
    return parse_last_event_id(query) if header is None else header


# --- wake-ups ---------------------------------------------------------------------------------


def feed_key(kind: str, ident: object) -> str:
    """A feed's wake-up key, e.g. `feed/generation/<project_id>` (no ':' allowed in it)."""
    key = f"feed/{kind}/{ident}"
    if ":" in key:
        raise ValueError(f"a feed key cannot contain ':': {key!r}")
    return key


class Hub:
    """Wakes the streams subscribed to a key; fed by the positions channel."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Event]] = {}
        # False until the LISTEN connection is up, and while it is reconnecting.
        self.live = False

    @contextmanager
    def subscription(self, key: str) -> Iterator[asyncio.Event]:
        """An event set on every wake-up of `key` (clear it before each read)."""
        wake = asyncio.Event()
        self._subscribers.setdefault(key, set()).add(wake)
        try:
            yield wake
        finally:
            subscribers = self._subscribers.get(key)
            if subscribers is not None:
                subscribers.discard(wake)
                if not subscribers:
                    del self._subscribers[key]

    def wake(self, key: str) -> None:
        for wake in self._subscribers.get(key, ()):
            wake.set()

    def subscribers(self, key: str) -> int:
        return len(self._subscribers.get(key, ()))

    # PositionObserver

    def position_seen(self, stream_id: str, version: int) -> None:
        self.wake(stream_id)

    def feed_changed(self, live: bool) -> None:
        self.live = live
        # Whatever was announced while nobody listened is unknown: everyone re-reads.
        for subscribers in self._subscribers.values():
            for wake in subscribers:
                wake.set()


class ReadModelSource(Generic[M]):
    """A feed kept in a read model: woken by the projection's NOTIFY of `key`, read by `fetch`."""

    def __init__(self, hub: Hub, key: str, fetch: Callable[[int], Awaitable[Sequence[M]]]) -> None:
        self._hub, self._key, self._fetch = hub, key, fetch
        self._exit = ExitStack()

    @property
    def live(self) -> bool:
        return self._hub.live

    async def open(self) -> asyncio.Event:
        return self._exit.enter_context(self._hub.subscription(self._key))

    async def read_after(self, position: int) -> Sequence[M]:
        return await self._fetch(position)

    async def close(self) -> None:
        self._exit.close()


# --- SSE responses served by a fan-out ------------------------------------------------------

Serve = Callable[[Send], Awaitable[None]]


def sse_fanout(name: str, hub: Hub, wake_key: Callable[[K], str],
               fetch: Callable[[K, int], Awaitable[Sequence[SseEvent]]], options: LiveOptions
               ) -> FanOut[K, SseEvent]:
    """The feeds of one SSE endpoint: `fetch(key, position)` reads a page of the read model
    after a position, and the projection's NOTIFY of `wake_key(key)` says there is more."""
    return FanOut(name, lambda key: ReadModelSource(hub, wake_key(key), partial(fetch, key)),
                  encode_event, options)


def sse_serve(feeds: FanOut[K, SseEvent], key: K, after: int, *, first: Sequence[bytes] = (),
              until: Callable[[SseEvent], bool] | None = None) -> Serve:
    """Send `first`, then every message after position `after`, then live ones as they come.

    Ends after a message for which `until` is true (a job that ended), else runs until the
    client goes away (the response is cancelled, and the reader leaves its feed). Heartbeat
    comments keep proxies from closing an idle connection; they carry no id, so they never
    move the client's position.
    """

    async def serve(send: Send) -> None:
        for opening in first:
            await send(_body(opening))

        async def deliver(wire: list[bytes]) -> None:
            await send(_body(b"".join(wire)))

        async def beat() -> None:
            await send(_body(HEARTBEAT))

        async with feeds.reading(key, after) as reader:
            await reader.serve(deliver, beat, until)

    return serve


def _body(chunk: bytes) -> HTTPResponseBodyEvent:
    return {"type": "http.response.body", "body": chunk, "more_body": True}


class _FeedASGIResponse(ASGIStreamingResponse):
    """Litestar's streaming response (headers, disconnect handling), whose body is written by
    `serve(send)` directly instead of by iterating chunks through Litestar's loop: with a
    thousand streams on a feed, each layer between the wake-up and the socket costs a
    millisecond per message."""

    __slots__ = ("_serve",)

    def __init__(self, serve: Serve, **kwargs: Any) -> None:
        super().__init__(iterator=(), **kwargs)
        self._serve = serve

    async def _stream(self, send: Send) -> None:
        await self._serve(send)
        await send({"type": "http.response.body", "body": b"", "more_body": False})


class FeedStream(Stream):
    """An SSE response whose body `serve(send)` writes (`sse_serve`)."""

    def __init__(self, serve: Serve) -> None:
        super().__init__((), media_type=SSE_MEDIA_TYPE, headers=SSE_HEADERS)
        self._serve = serve

    def to_asgi_response(self, app: Any, request: Request[Any, Any, Any], **kwargs: Any
                         ) -> ASGIResponse:
        return _FeedASGIResponse(
            self._serve, headers={**kwargs.get("headers", {}), **self.headers},
            media_type=SSE_MEDIA_TYPE, status_code=200,
            encoded_headers=kwargs.get("encoded_headers"),
        )
