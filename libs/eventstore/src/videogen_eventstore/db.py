"""Type names for what asyncpg hands out, so functions can take a connection from anywhere;
and which of its errors mean the database is away rather than the query wrong."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import asyncpg

# The database away for a moment (restarting, crashed, refusing connections): it passes.
DATABASE_FAILURES: tuple[type[Exception], ...] = (
    asyncpg.PostgresConnectionError,  # connection lost or refused by the server
    asyncpg.InterfaceError,  # the connection closed under a query
    asyncpg.InternalClientError,  # a connection broken mid-protocol by a server crash
    asyncpg.exceptions.OperatorInterventionError,  # shutting down, starting up, cancelled
    asyncpg.exceptions.InsufficientResourcesError,  # too many connections, disk full
)

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    # A connection of its own or one acquired from a pool (the pool hands out proxies).
    Conn: TypeAlias = asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]
    # Anything that can run a single statement: a connection or the pool itself.
    Executor: TypeAlias = Conn | asyncpg.Pool[asyncpg.Record]
