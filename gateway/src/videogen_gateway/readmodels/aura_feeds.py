"""One read of a job's SSE messages for all of its streams at once (many clients, one job).

Without it, every stream on a job would query `aura_job_events` on every wake-up: a
thousand watchers of one job, a thousand queries per message. A `JobFeed` keeps the job's
messages in memory while anyone watches, and refreshes them with ONE query when the job's
wake-up key fires (or when the copy is older than `MAX_AGE`, which bounds what a lost
NOTIFY can delay); streams that ask meanwhile wait for that same query. Each stream then
takes its slice after its own position.

Why nothing is missed: the feed subscribes to the hub key before its first read, and
clears its wake-up flag before each read, exactly as `sse_replay_then_live` does; a
wake-up during a read leaves the flag set, so the next request reads again.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from uuid import UUID

from videogen_contracts.project.production import stream_id_for
from videogen_gateway.realtime import Hub, SseEvent

MAX_AGE = 1.0
PAGE = 1000

FetchAfter = Callable[[UUID, int, int], Awaitable[list[SseEvent]]]


class JobFeed:
    def __init__(self, job_id: UUID, fetch: FetchAfter, wake: asyncio.Event) -> None:
        self.job_id = job_id
        self._fetch = fetch
        self._wake = wake
        self._ids: list[int] = []
        self._rows: list[SseEvent] = []
        self._read_at = float("-inf")
        self._reading: asyncio.Task[None] | None = None
        self.watchers = 0

    async def after(self, position: int) -> list[SseEvent]:
        """The job's messages after `position`, at most one read behind the projection."""
        if self._wake.is_set() or time.monotonic() - self._read_at > MAX_AGE:
            await self._refresh()
        return self._rows[bisect.bisect_right(self._ids, position):]

    async def _refresh(self) -> None:
        if self._reading is None:
            self._wake.clear()  # before the read: a wake-up during it means "read again"
            self._reading = asyncio.ensure_future(self._read())
        reading = self._reading
        try:
            # Shielded: a watcher that leaves must not cancel the read the others wait for.
            await asyncio.shield(reading)
        finally:
            if self._reading is reading and reading.done():
                self._reading = None

    async def _read(self) -> None:
        while True:
            last = self._ids[-1] if self._ids else 0
            rows = await self._fetch(self.job_id, last, PAGE)
            self._rows.extend(rows)
            self._ids.extend(r.id for r in rows)
            if len(rows) < PAGE:
                break
        self._read_at = time.monotonic()


class JobFeeds:
    """The feeds of the jobs someone watches in this process."""

    def __init__(self, hub: Hub, fetch: FetchAfter) -> None:
        self._hub = hub
        self._fetch = fetch
        self._feeds: dict[UUID, tuple[JobFeed, AbstractContextManager[asyncio.Event]]] = {}

    @contextmanager
    def watching(self, job_id: UUID) -> Iterator[JobFeed]:
        entry = self._feeds.get(job_id)
        if entry is None:
            subscription = self._hub.subscription(stream_id_for(job_id))
            entry = (JobFeed(job_id, self._fetch, subscription.__enter__()), subscription)
            self._feeds[job_id] = entry
        feed = entry[0]
        feed.watchers += 1
        try:
            yield feed
        finally:
            feed.watchers -= 1
            if feed.watchers == 0 and self._feeds.get(job_id) is entry:
                del self._feeds[job_id]
                entry[1].__exit__(None, None, None)

    def __len__(self) -> int:
        return len(self._feeds)
