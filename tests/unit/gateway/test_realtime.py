"""realtime.py: the SSE wire format, Last-Event-ID parsing, and replay-then-live (an SSE
response served by a fan-out, read through a fake ASGI `send`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import pytest
from litestar.types import Message
from videogen_gateway.fanout import LiveOptions
from videogen_gateway.realtime import (
    HEARTBEAT,
    Hub,
    Serve,
    SseEvent,
    encode_sse,
    feed_key,
    parse_last_event_id,
    sse_fanout,
    sse_serve,
)


def test_encode_sse_has_id_event_and_one_data_line_per_line() -> None:
    assert encode_sse("progress", b'{"a":1}', id=7) == b'id: 7\nevent: progress\ndata: {"a":1}\n\n'
    assert encode_sse(None, "x\ny") == b"data: x\ndata: y\n\n"
    assert encode_sse("e", "", retry_ms=3000) == b"event: e\nretry: 3000\ndata: \n\n"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12), (" 12 ", 12), ("0", 0), (None, None), ("", None), ("-1", None),
        ("1.5", None), ("abc", None), ("12abc", None), ("٣", None), (str(2**63), None),
        ("9" * 400, None),
    ],
)
def test_last_event_id_is_tolerant_of_garbage(raw: str | None, expected: int | None) -> None:
    assert parse_last_event_id(raw) == expected


def test_feed_keys_cannot_hold_the_payload_separator() -> None:
    assert feed_key("generation", "p1") == "feed/generation/p1"
    with pytest.raises(ValueError, match="':'"):
        feed_key("generation", "a:b")


class Feed:
    """A growing list of messages, as a read model would hold them."""

    def __init__(self) -> None:
        self.rows: list[SseEvent] = []
        self.reads = 0

    def add(self, event: str) -> None:
        self.rows.append(SseEvent(id=len(self.rows) + 1, event=event, data=b"{}"))

    async def after(self, position: int) -> Sequence[SseEvent]:
        self.reads += 1
        return [r for r in self.rows if r.id > position]


class Client:
    """What a client of an SSE response reads: its messages (and heartbeats), one by one."""

    def __init__(self, serve: Serve) -> None:
        self._frames: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._task = asyncio.create_task(self._run(serve))

    async def _run(self, serve: Serve) -> None:
        try:
            await serve(self._send)
        finally:
            self._frames.put_nowait(None)

    async def _send(self, message: Message) -> None:
        body: bytes = message["body"]  # type: ignore[typeddict-item]
        *frames, rest = body.split(b"\n\n")  # one body may hold several messages
        for frame in frames:
            self._frames.put_nowait(frame + b"\n\n")
        if rest:
            self._frames.put_nowait(rest)

    def __aiter__(self) -> Client:
        return self

    async def __anext__(self) -> bytes:
        frame = await self._frames.get()
        if frame is None:
            raise StopAsyncIteration
        return frame

    async def aclose(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


def sse_replay_then_live(
    hub: Hub,
    key: str,
    fetch: Callable[[int], Awaitable[Sequence[SseEvent]]],
    after: int,
    *,
    first: Sequence[bytes] = (),
    until: Callable[[SseEvent], bool] | None = None,
    options: LiveOptions,
) -> Client:
    """A stream of `key`'s feed, as an SSE endpoint serves it (the hub key is the key)."""

    async def fetch_of(_: str, position: int) -> Sequence[SseEvent]:
        return await fetch(position)

    feeds = sse_fanout("test", hub, lambda k: k, fetch_of, options)
    return Client(sse_serve(feeds, key, after, first=first, until=until))


async def _take(stream: Any, count: int) -> list[bytes]:
    got: list[bytes] = []
    async for chunk in stream:
        got.append(chunk)
        if len(got) == count:
            break
    return got


async def test_replays_after_the_position_then_goes_live_on_a_wake_up() -> None:
    hub, feed = Hub(), Feed()
    hub.live = True
    for name in ("a", "b", "c"):
        feed.add(name)
    opts = LiveOptions(heartbeat=60, poll_live=60)
    stream = sse_replay_then_live(hub, "k", feed.after, 1, first=[b"hello"], options=opts)
    assert await _take(stream, 3) == [
        b"hello", encode_sse("b", b"{}", id=2), encode_sse("c", b"{}", id=3)
    ]
    nxt = asyncio.ensure_future(stream.__anext__())
    await asyncio.sleep(0.05)
    assert not nxt.done()
    assert hub.subscribers("k") == 1
    feed.add("d")
    hub.position_seen("k", 4)
    assert await asyncio.wait_for(nxt, 1) == encode_sse("d", b"{}", id=4)
    await stream.aclose()
    assert hub.subscribers("k") == 0


async def test_a_lost_wake_up_only_delays_a_message() -> None:
    hub, feed = Hub(), Feed()
    hub.feed_changed(live=False)
    stream = sse_replay_then_live(
        hub, "k", feed.after, 0, options=LiveOptions(heartbeat=60, poll_offline=0.05)
    )
    nxt = asyncio.ensure_future(stream.__anext__())
    await asyncio.sleep(0.02)
    feed.add("late")  # no wake-up at all
    assert await asyncio.wait_for(nxt, 1) == encode_sse("late", b"{}", id=1)
    await stream.aclose()


async def test_heartbeats_when_idle_and_ends_when_told() -> None:
    hub, feed = Hub(), Feed()
    hub.live = True
    stream = sse_replay_then_live(
        hub, "k", feed.after, 0, until=lambda m: m.event == "end",
        options=LiveOptions(heartbeat=0.05, poll_live=60),
    )
    assert await asyncio.wait_for(stream.__anext__(), 1) == HEARTBEAT
    feed.add("end")
    feed.add("after-the-end")
    hub.wake("k")
    rest = [chunk async for chunk in stream if chunk != HEARTBEAT]
    assert rest == [encode_sse("end", b"{}", id=1)]


async def test_a_paged_fetch_is_read_to_the_end_without_waiting() -> None:
    hub, feed = Hub(), Feed()
    hub.live = True
    for i in range(7):
        feed.add(f"e{i}")

    async def two_at_a_time(position: int) -> Sequence[SseEvent]:
        return list(await feed.after(position))[:2]

    stream = sse_replay_then_live(
        hub, "k", two_at_a_time, 0, options=LiveOptions(heartbeat=60, poll_live=60)
    )
    got = await asyncio.wait_for(_take(stream, 7), 1)
    assert got[-1] == encode_sse("e6", b"{}", id=7)
    await stream.aclose()
