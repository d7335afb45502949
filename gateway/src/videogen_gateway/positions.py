"""Read-your-writes: wait until the read models have applied a stream up to a version.

The projection commits `stream_positions(stream_id, version)` and, in the same
transaction, `pg_notify('<schema>_positions', '<stream_id>:<version>')`; PostgreSQL
delivers the notification only after the commit, so when it arrives the row is visible.

A waiter is registered *before* the table is checked: a notification that arrives
between the check and the registration would otherwise be lost and the request would
sleep until its timeout. The check is still needed because the projection may have
finished before we registered (then no notification is coming).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol

import asyncpg
import structlog
from videogen_eventstore.migrations import quote_ident

from videogen_gateway.readmodels.migrations import positions_channel

log = structlog.get_logger("videogen_gateway.positions")

# If a notification is lost anyway (the LISTEN connection dropped and is reconnecting),
# waiters fall back to re-reading the table at this interval.
RECHECK_SECONDS = 0.25


class PositionObserver(Protocol):
    """Told of every stream position the gateway learns of (the read-model cache)."""

    def position_seen(self, stream_id: str, version: int) -> None: ...

    def feed_changed(self, live: bool) -> None:
        """`live` is False while notifications may be missed (no LISTEN connection)."""
        ...


class PositionWaiter:
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self._pool = pool
        self._query = (
            f"SELECT version FROM {quote_ident(schema)}.stream_positions WHERE stream_id = $1"
        )
        self._waiters: dict[str, list[tuple[int, asyncio.Future[None]]]] = {}
        self._observers: list[PositionObserver] = []

    def observe(self, observer: PositionObserver) -> None:
        self._observers.append(observer)

    async def current(self, stream_id: str) -> int:
        version = await self._pool.fetchval(self._query, stream_id)
        reached = int(version) if version is not None else 0
        # A position read here may be ahead of the notifications received so far; the
        # observers must hear of it before the write this wait is for is answered.
        self._seen(stream_id, reached)
        return reached

    def _seen(self, stream_id: str, version: int) -> None:
        for observer in self._observers:
            observer.position_seen(stream_id, version)

    def feed_changed(self, live: bool) -> None:
        for observer in self._observers:
            observer.feed_changed(live)

    async def wait_for(self, stream_id: str, version: int, within: float) -> bool:
        """True once `stream_id` has reached `version` in the read models; False on timeout."""
        deadline = time.monotonic() + within
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (version, future)
        self._waiters.setdefault(stream_id, []).append(entry)
        try:
            while True:
                if await self.current(stream_id) >= version:
                    return True
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                try:
                    await asyncio.wait_for(asyncio.shield(future), min(left, RECHECK_SECONDS))
                    return True
                except TimeoutError:
                    continue
        finally:
            waiting = self._waiters[stream_id]
            waiting.remove(entry)
            if not waiting:
                del self._waiters[stream_id]

    def notified(self, payload: str) -> None:
        """Wake every waiter of the stream named in `payload` whose version is reached."""
        stream_id, _, raw_version = payload.rpartition(":")
        if not raw_version.isdigit():
            return
        reached = int(raw_version)
        self._seen(stream_id, reached)
        for version, future in self._waiters.get(stream_id, []):
            if version <= reached and not future.done():
                future.set_result(None)

    def _on_notification(self, _conn: object, _pid: int, _channel: str, payload: object) -> None:
        self.notified(str(payload))


@asynccontextmanager
async def listening(waiter: PositionWaiter, dsn: str, schema: str) -> AsyncIterator[None]:
    """Keep a LISTEN connection open (reconnecting when it drops) while the app runs."""
    stop = asyncio.Event()
    task = asyncio.create_task(_listen_forever(waiter, dsn, positions_channel(schema), stop))
    try:
        yield
    finally:
        stop.set()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def _listen_forever(
    waiter: PositionWaiter, dsn: str, channel: str, stop: asyncio.Event
) -> None:
    while not stop.is_set():
        try:
            conn = await asyncpg.connect(dsn)
        except (OSError, asyncpg.PostgresError) as error:
            log.warning("positions.listen_failed", error=repr(error))
            await asyncio.sleep(1.0)
            continue
        try:
            await _listen_until_lost(conn, channel, waiter)
        finally:
            if not conn.is_closed():
                await conn.close(timeout=2)


async def _listen_until_lost(
    conn: asyncpg.Connection, channel: str, waiter: PositionWaiter
) -> None:
    lost = asyncio.Event()
    conn.add_termination_listener(lambda _conn: lost.set())
    await conn.add_listener(channel, waiter._on_notification)
    # Only from here on is no notification missed; whatever was learnt before is suspect.
    waiter.feed_changed(live=True)
    try:
        await lost.wait()
        log.warning("positions.listen_lost")
    finally:
        waiter.feed_changed(live=False)
