"""Live pushes to clients: server-sent events that replay from a read model, then go live.

The pattern every SSE endpoint of the gateway follows (studio generation status, Aura job
events):

1. Each message a client can receive is a row of a read model with an integer position
   that only grows, written by a projection (one event, one transaction). The SSE `id:` is
   that position; `Last-Event-ID` (header, or `?lastEventId=`) says where the client is.
2. `sse_replay_then_live` subscribes to a wake-up key on the `Hub` *first*, then reads
   every row after the client's position, sends it, and waits for the next wake-up. A
   wake-up that arrives while a read is running leaves the subscription set, so the loop
   reads again at once: nothing is missed between "read" and "wait".
3. Wake-ups come from the projection's NOTIFY on the positions channel (the one the
   read-your-writes waits use, positions.py): its payload is `<key>:<version>`, where the
   key is a stream id (`production-<id>`) or a feed name a projection announces with
   `notify_feed_sql` (`feed/generation/<project_id>`). The `Hub` is a `PositionObserver`
   of the gateway's `PositionWaiter`, so one LISTEN connection serves both. Any replica's
   projection commit wakes the streams of every replica, because NOTIFY goes to all.
4. A NOTIFY can be lost (the LISTEN connection dropped): while the hub is not live the
   loop polls at `poll_offline`, and it polls at `poll_live` regardless, so a lost
   wake-up only delays a message, never loses it (the read model holds it).

Ordering is the projection's job: a feed's positions must become visible in order (a
position N+1 may not commit before N), or a reader could send N+1 and skip N for good.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

import msgspec
from litestar import Request
from litestar.response import Stream

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


# --- wire format ----------------------------------------------------------------------------


def encode_sse(
    event: str | None,
    data: bytes | str,
    *,
    id: int | str | None = None,
    retry_ms: int | None = None,
) -> bytes:
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
    if header is not None:
        return header
    return parse_last_event_id(request.query_params.get("lastEventId"))


def sse_response(messages: AsyncIterator[bytes]) -> Stream:
    return Stream(messages, media_type=SSE_MEDIA_TYPE, headers=SSE_HEADERS)


# --- wake-ups ---------------------------------------------------------------------------------


def feed_key(kind: str, ident: object) -> str:
    """A feed's wake-up key, e.g. `feed/generation/<project_id>` (no ':' allowed in it)."""
    key = f"feed/{kind}/{ident}"
    if ":" in key:
        raise ValueError(f"a feed key cannot contain ':': {key!r}")
    return key


def notify_feed_sql(channel_param: str, payload_param: str) -> str:
    """SQL for a projection to announce a feed position inside its transaction.

    Use with `positions_channel(schema)` and `f"{feed_key(...)}:{position}"`; PostgreSQL
    delivers it only on commit, when the row is readable.
    """
    return f"SELECT pg_notify({channel_param}, {payload_param})"


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


# --- the replay-then-live loop --------------------------------------------------------------

FetchAfter = Callable[[int], Awaitable[Sequence[SseEvent]]]


class LiveOptions(msgspec.Struct, frozen=True, kw_only=True):
    heartbeat: float = 15.0
    # Re-read even without a wake-up: bounds the delay a lost NOTIFY can cause.
    poll_live: float = 5.0
    poll_offline: float = 0.5


async def sse_replay_then_live(
    hub: Hub,
    key: str,
    fetch_after: FetchAfter,
    after: int,
    *,
    first: Sequence[bytes] = (),
    until: Callable[[SseEvent], bool] | None = None,
    options: LiveOptions | None = None,
) -> AsyncGenerator[bytes, None]:
    """Send `first`, then every message after position `after`, then live ones as they come.

    Ends after a message for which `until` is true (a job that ended), else runs until the
    client goes away (the response is cancelled). Heartbeat comments keep proxies from
    closing an idle connection; they carry no id, so they never move the client's position.
    """
    opts = options or LiveOptions()
    with hub.subscription(key) as wake:
        for opening in first:
            yield opening
        position = after
        beat_due = time.monotonic() + opts.heartbeat
        while True:
            wake.clear()  # before the read: a wake-up during it makes the next wait return
            batch = await fetch_after(position)
            for message in batch:
                if message.id <= position:
                    continue  # a fetch must not repeat; guard against a sloppy one
                position = message.id
                yield encode_event(message)
                if until is not None and until(message):
                    return
            if batch:
                wake.set()  # a fetch may be paged: read again before waiting
            now = time.monotonic()
            if now >= beat_due:
                yield HEARTBEAT
                beat_due = now + opts.heartbeat
            poll = opts.poll_live if hub.live else opts.poll_offline
            timeout = max(0.0, min(poll, beat_due - now))
            with suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout)
