"""A connection pool tuned for the event store's short statements."""

from __future__ import annotations

from typing import Any

import asyncpg


async def create_pool(
    dsn: str, *, min_size: int = 2, max_size: int = 20, **kw: Any
) -> asyncpg.Pool:
    """An asyncpg pool whose connections go back without the reset query.

    By default asyncpg resets every released connection with one more round trip (`SELECT
    pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;`), which for a one-statement
    append doubles the round trips and cost ~30% of append throughput in our benchmark.
    asyncpg still rolls back an unfinished transaction and drops listener callbacks on
    release; what it no longer clears is session state, so code using this pool must not
    leave any: `SET LOCAL` rather than `SET`, transaction-scoped advisory locks (the relay
    releases its session lock explicitly), no LISTEN left behind.
    """
    pool = await asyncpg.create_pool(
        dsn, min_size=min_size, max_size=max_size, reset=_keep_session, **kw
    )
    assert pool is not None
    return pool


async def _keep_session(conn: asyncpg.Connection) -> None:
    return None
