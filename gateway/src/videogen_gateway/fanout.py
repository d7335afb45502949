"""One fan-out for every live feed of the gateway: each new message is read once per gateway
and written to every stream that follows it.

A feed is keyed (a job id, a project id) and has ONE pump task in this process while anyone
follows it. The pump waits for its source's wake-up (a read model's NOTIFY via the `Hub`, a
NATS message), reads what is new once, renders each message to its wire form once, appends
it to the feed's in-memory copy and wakes every reader; a reader then hands everything after
its own position to its connection in one call. With a thousand clients on one job, a stream
that queried the read model itself on each wake-up would cost a thousand queries and a
thousand timed waits per message (tests/bench/bench_sse.py measures the difference).

Why nothing is missed, nor sent twice:
- A reader registers before it reads the copy, and every message the pump appends afterwards
  wakes it; it slices the copy by position (the SSE id), never by count.
- The pump clears its wake-up flag before each read, so a wake-up during a read causes
  another read; it also reads every `poll_live` seconds (`poll_offline` while the source
  says its wake-ups may be lost), which bounds what a lost NOTIFY delays.
- The copy holds every message after `floor`. A reader that asks for older ones (a
  Last-Event-ID from before the first reader's) has them read into the copy first, under
  the same lock as the pump's reads, so the copy never has a hole. Once the copy is longer
  than `retain`, what every reader has passed is dropped and `floor` rises.

When nothing went out for `heartbeat` seconds, the pump wakes the readers to send a
heartbeat instead. A feed is dropped with its last reader: the pump stops and the source
closes (unsubscribes).
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, MutableMapping, Sequence
from typing import Any, Generic, Protocol, TypeVar

import msgspec
import structlog

log = structlog.get_logger("videogen_gateway.fanout")


class Positioned(Protocol):
    @property
    def id(self) -> int: ...


M = TypeVar("M", bound=Positioned)
M_co = TypeVar("M_co", bound=Positioned, covariant=True)
K = TypeVar("K", bound=Hashable)

Deliver = Callable[[list[bytes]], Awaitable[None]]


class LiveOptions(msgspec.Struct, frozen=True, kw_only=True):
    heartbeat: float = 15.0
    # Read again even without a wake-up: bounds the delay a lost NOTIFY can cause.
    poll_live: float = 5.0
    poll_offline: float = 0.5
    # Messages kept in memory beyond what every reader has passed (for late joiners).
    retain: int = 10_000


class Source(Protocol[M_co]):
    """Where one feed's messages come from."""

    @property
    def live(self) -> bool: ...  # False while wake-ups may be lost: poll at `poll_offline`

    async def open(self) -> asyncio.Event: ...  # start; set whenever there may be more

    async def read_after(self, position: int) -> Sequence[M_co]: ...  # a page, in order

    async def close(self) -> None: ...


class Reader(Generic[M]):
    """One stream's place in a feed."""

    __slots__ = ("_feed", "position", "wake")

    def __init__(self, feed: Feed[M], position: int) -> None:
        self._feed = feed
        self.position = position
        self.wake = asyncio.Event()

    async def serve(self, deliver: Deliver, beat: Callable[[], Awaitable[None]] | None = None,
                    until: Callable[[M], bool] | None = None) -> None:
        """Deliver every message after the position, then live ones, until one for which
        `until` holds (or forever); `beat` on each of the pump's heartbeats."""
        feed = self._feed
        beats = feed.beats
        while True:
            batch, position, last = feed.after(self.position, until)
            if batch:
                await deliver(batch)
                self.position = position
                if last:
                    return
            elif beats != feed.beats and beat is not None:
                await beat()
            beats = feed.beats
            self.wake.clear()
            if not feed.has_after(self.position):
                await self.wake.wait()


class Feed(Generic[M]):
    """The in-memory copy of one feed, its pump, and the readers following it."""

    def __init__(self, name: str, source: Source[M], render: Callable[[M], bytes],
                 options: LiveOptions, start: int) -> None:
        self.name = name
        self._source, self._render, self._options = source, render, options
        self.floor = self.head = start  # the copy holds every message in (floor, head]
        self._ids: list[int] = []
        self._items: list[M] = []
        self._wire: list[bytes] = []
        self._readers: set[Reader[M]] = set()
        self._reading = asyncio.Lock()  # the pump's reads and the backfills, one at a time
        self._ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.beats = 0
        self.followers = 0  # the FanOut's count of the blocks reading this feed
        self._pump = asyncio.create_task(self._run(), name=f"feed-{name}")

    # --- readers -----------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def reader(self, after: int | None) -> AsyncIterator[Reader[M]]:
        """A reader at `after` (None: from now on), once the feed has been read once."""
        # Shielded: a joiner that goes away must not cancel the wait of the others.
        await asyncio.shield(self._ready)
        reader = Reader(self, self.head if after is None else after)
        self._readers.add(reader)
        try:
            if reader.position < self.floor:
                await self._backfill(reader.position)
            yield reader
        finally:
            self._readers.discard(reader)

    def after(self, position: int, until: Callable[[M], bool] | None
              ) -> tuple[list[bytes], int, bool]:
        """The wire forms after `position`, up to and with the first that `until` holds for;
        the position of the last of them; whether `until` held for it."""
        start = bisect.bisect_right(self._ids, position)
        end = len(self._ids)
        if start == end:
            return [], position, False
        if until is not None:
            for i in range(start, end):
                if until(self._items[i]):
                    return self._wire[start:i + 1], self._ids[i], True
        return self._wire[start:end], self._ids[end - 1], False

    def has_after(self, position: int) -> bool:
        return bool(self._ids) and self._ids[-1] > position

    # --- the pump ------------------------------------------------------------------------

    async def _run(self) -> None:
        try:
            wake = await self._source.open()
        except Exception as error:  # handed to every joiner, who answers for it
            self._ready.set_exception(error)
            return
        opts = self._options
        last_sent = time.monotonic()
        while True:
            wake.clear()  # before the read: a wake-up during it means "read again"
            try:
                fresh = await self._read()
            except Exception:  # the store is away: log, read again at the next poll
                log.exception("feed.read_failed", feed=self.name)
                fresh = False
            now = time.monotonic()
            if fresh:
                last_sent = now
            elif now - last_sent >= opts.heartbeat:
                self.beats += 1
                last_sent = now
                self._wake_readers()
            poll = opts.poll_live if self._source.live else opts.poll_offline
            timeout = min(poll, max(0.0, last_sent + opts.heartbeat - now))
            # asyncio.timeout, not wait_for: Python 3.11's wait_for returns the result and
            # drops the cancel when a wake-up and close() land on the same turn of the
            # loop, and the pump, and close() with it, went on forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await wake.wait()

    async def _read(self) -> bool:
        """Read page after page until nothing is new, waking the readers after each page."""
        fresh = False
        async with self._reading:
            while rows := await self._source.read_after(self.head):
                fresh = self._append(rows) or fresh
        if not self._ready.done():
            self._ready.set_result(None)
        return fresh

    def _append(self, rows: Sequence[M]) -> bool:
        fresh = False
        for row in rows:
            if row.id <= self.head:
                continue  # a read must not repeat; guard against a sloppy one
            self.head = row.id
            self._ids.append(row.id)
            self._items.append(row)
            self._wire.append(self._render(row))
            fresh = True
        if fresh:
            self._trim()
            self._wake_readers()
        return fresh

    def _wake_readers(self) -> None:
        for reader in self._readers:
            reader.wake.set()

    def _trim(self) -> None:
        excess = len(self._ids) - self._options.retain
        if excess <= 0:
            return
        passed = min((r.position for r in self._readers), default=self.head)
        cut = min(excess, bisect.bisect_right(self._ids, passed))
        if cut:
            self.floor = self._ids[cut - 1]
            del self._ids[:cut], self._items[:cut], self._wire[:cut]

    async def _backfill(self, after: int) -> None:
        """Read the messages in (after, floor] into the copy, which then starts at `after`."""
        async with self._reading:
            older: list[M] = []
            position = after
            while position < self.floor:
                rows = [r for r in await self._source.read_after(position) if r.id > position]
                wanted = [r for r in rows if r.id <= self.floor]
                older.extend(wanted)
                if not wanted or len(wanted) < len(rows):
                    break
                position = wanted[-1].id
            self._ids[:0] = [r.id for r in older]
            self._items[:0] = older
            self._wire[:0] = [self._render(r) for r in older]
            self.floor = min(self.floor, after)

    async def close(self) -> None:
        self._pump.cancel()
        try:
            # wait(), not `await self._pump` under suppress(CancelledError): that swallowed
            # our own cancellation too (the client went away while we waited for the pump).
            await asyncio.wait((self._pump,))
        finally:
            await self._source.close()


class FanOut(Generic[K, M]):
    """The feeds of one kind (Aura jobs, studio projects...) that someone follows here."""

    def __init__(self, name: str, source: Callable[[K], Source[M]], render: Callable[[M], bytes],
                 options: LiveOptions) -> None:
        self._name, self._source, self._render, self._options = name, source, render, options
        self._feeds: dict[K, Feed[M]] = {}

    @contextlib.asynccontextmanager
    async def reading(self, key: K, after: int | None = None) -> AsyncIterator[Reader[M]]:
        """A reader of `key`'s feed from `after` (None: from now on), for as long as the
        block runs; the last reader to leave closes the feed."""
        feed = self._feeds.get(key)
        if feed is None:
            feed = self._feeds[key] = Feed(f"{self._name}/{key}", self._source(key),
                                           self._render, self._options, after or 0)
        feed.followers += 1
        try:
            async with feed.reader(after) as reader:
                yield reader
        finally:
            feed.followers -= 1
            if not feed.followers:
                del self._feeds[key]  # before the await: a new reader gets a new feed
                await feed.close()

    def __len__(self) -> int:
        return len(self._feeds)


def fanout_of(state: MutableMapping[str, Any], name: str, make: Callable[[], FanOut[K, M]]
              ) -> FanOut[K, M]:
    """The app's fan-out called `name`, made on first use (one per gateway process)."""
    found = state.get(name)
    if not isinstance(found, FanOut):
        found = state[name] = make()
    return found
