"""Appending to several streams as one unit (a production and its project; a generation
run, its project's script and its outline).

Postgres: one transaction on one connection, so either every stream gets its events or
none does (a crash between two separate appends would leave a project without the
production it was created for). The relay's NOTIFY is sent inside the transaction and so
fires at commit. In memory, for unit tests: every expected version is checked before the
first append, so a conflict leaves every stream as it was, as the rollback does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import asyncpg
from videogen_contracts.envelope import NewEvent

from .api import AppendResult, EventStore, WrongExpectedVersion
from .appending import append_to_stream

Append = tuple[str, Sequence[NewEvent], int | None]


class AtomicAppender(Protocol):
    async def append_all(self, appends: Sequence[Append]) -> list[AppendResult]:
        """Every append or none; `WrongExpectedVersion` from any one rolls all back."""
        ...


class PostgresAtomicAppender:
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self._pool = pool
        self._schema = schema

    async def append_all(self, appends: Sequence[Append]) -> list[AppendResult]:
        async with self._pool.acquire() as conn, conn.transaction():
            # append_events reports a version conflict as an outcome rather than an SQL
            # error, so the WrongExpectedVersion raised here rolls the whole unit back.
            return [
                await append_to_stream(conn, self._schema, stream_id, events, expected)
                for stream_id, events, expected in appends
            ]


class InMemoryAtomicAppender:
    def __init__(self, store: EventStore) -> None:
        self._store = store

    async def append_all(self, appends: Sequence[Append]) -> list[AppendResult]:
        for stream_id, events, expected in appends:
            await self._check(stream_id, events, expected)
        return [await self._store.append(s, events, expected) for s, events, expected in appends]

    async def _check(
        self, stream_id: str, events: Sequence[NewEvent], expected: int | None
    ) -> None:
        recorded = await self._store.read_stream(stream_id)
        if expected is None or any(r.event_id == events[0].event_id for r in recorded):
            return  # no check asked for, or a repeat: the store answers it as a no-op
        actual = recorded[-1].stream_version if recorded else 0
        if actual != expected:
            raise WrongExpectedVersion(stream_id, expected, actual)
