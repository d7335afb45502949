"""A connection pool tuned for the event store's short statements, bounded in time."""

from __future__ import annotations

from typing import Any

import asyncpg

# A hung database (its process paused, a network black hole) must turn into errors callers
# can answer with a 503 and retry, within a bounded time, not into requests that pile up:
# waiting for a free connection, opening one, and every statement are all bounded.
ACQUIRE_TIMEOUT = 5.0
CONNECT_TIMEOUT = 5.0
COMMAND_TIMEOUT = 10.0


class BoundedPool(asyncpg.Pool):
    """An asyncpg pool whose `acquire()` gives up after `acquire_timeout` by default.

    asyncpg waits forever for a free connection unless each caller passes a timeout; the
    pool's own helpers (`fetch`, `execute`, ...) never do. With every connection stuck on a
    paused server, that wait is where requests would pile up.
    """

    def __init__(self, *args: Any, acquire_timeout: float, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._acquire_timeout = acquire_timeout

    def acquire(self, *, timeout: float | None = None) -> Any:
        # A free connection is taken without waiting, so the timer (asyncpg wraps the wait
        # in a timeout context, a few percent of a read-model GET) is only armed when the
        # caller may actually have to wait. Nothing can take that connection first: the
        # check and the take run with no await between them.
        if timeout is None and self._free() == 0:
            timeout = self._acquire_timeout
        return super().acquire(timeout=timeout)

    def _free(self) -> int:
        """Idle connections (asyncpg's queue of holders; not typed, hence getattr)."""
        queue: Any = getattr(self, "_queue")  # noqa: B009
        return int(queue.qsize())


async def create_pool(
    dsn: str,
    *,
    min_size: int = 2,
    max_size: int = 20,
    acquire_timeout: float = ACQUIRE_TIMEOUT,
    command_timeout: float = COMMAND_TIMEOUT,
    **kw: Any,
) -> asyncpg.Pool:
    """An asyncpg pool whose connections go back without the reset query.

    By default asyncpg resets every released connection with one more round trip (`SELECT
    pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;`), which for a one-statement
    append doubles the round trips and cost ~30% of append throughput in our benchmark.
    asyncpg still rolls back an unfinished transaction and drops listener callbacks on
    release; what it no longer clears is session state, so code using this pool must not
    leave any: `SET LOCAL` rather than `SET`, transaction-scoped advisory locks (the relay
    releases its session lock explicitly), no LISTEN left behind.

    Dead connections (the server restarted) are replaced by the pool on their next acquire:
    asyncpg notices the closed socket, discards the connection and opens a new one.
    """
    options: dict[str, Any] = {
        "min_size": min_size,
        "max_size": max_size,
        "max_queries": 50000,
        "max_inactive_connection_lifetime": 300.0,
        "reset": _keep_session,
        "loop": None,
        "connection_class": asyncpg.Connection,
        "record_class": asyncpg.Record,
        "timeout": CONNECT_TIMEOUT,
        "command_timeout": command_timeout,
    }
    pool = BoundedPool(dsn, acquire_timeout=acquire_timeout, **(options | kw))
    await pool
    return pool


async def _keep_session(conn: asyncpg.Connection) -> None:
    return None
