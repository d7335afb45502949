"""Type names for what asyncpg hands out, so functions can take a connection from anywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    import asyncpg
    from asyncpg.pool import PoolConnectionProxy

    # A connection of its own or one acquired from a pool (the pool hands out proxies).
    Conn: TypeAlias = asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]
    # Anything that can run a single statement: a connection or the pool itself.
    Executor: TypeAlias = Conn | asyncpg.Pool[asyncpg.Record]
