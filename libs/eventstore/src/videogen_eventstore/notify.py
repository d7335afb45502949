"""Wake-ups for the relay, sent after an append commits and coalesced.

Why not NOTIFY inside every appending transaction: PostgreSQL serializes the commits of
notifying transactions on one global lock (taken in PreCommit_Notify and held through the
commit's WAL flush), which roughly halved append throughput in our benchmark. The store
instead pokes this notifier after its append has committed. At most one `pg_notify` is in
flight per store, and at most one is sent per `min_interval`: pokes made meanwhile are
folded into the next one, so under load a NOTIFY costs a few hundred statements a second,
not one per append, and delays the relay by `min_interval` at most. A lost wake-up (the
process dies between commit and notify) costs latency only: the relay also polls.
"""

from __future__ import annotations

import asyncio

import asyncpg
import structlog

log = structlog.get_logger(__name__)


class AppendNotifier:
    def __init__(self, pool: asyncpg.Pool, channel: str, min_interval: float = 0.002) -> None:
        self._pool = pool
        self._channel = channel
        self._min_interval = min_interval
        self._pending = False
        self._task: asyncio.Task[None] | None = None

    def poke(self) -> None:
        self._pending = True
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._send())

    async def _send(self) -> None:
        while self._pending:
            self._pending = False
            try:
                await self._pool.execute("SELECT pg_notify($1, '')", self._channel)
            except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
                # The relay's polling covers for it; a closing pool lands here too.
                log.debug("notify.failed", channel=self._channel, error=repr(exc))
                return
            await asyncio.sleep(self._min_interval)

    async def flush(self) -> None:
        """Wait for the wake-up in flight, if any (tests, shutdown)."""
        if self._task is not None:
            await asyncio.shield(self._task)
