"""Where the process manager remembers which events it has fully handled.

The row is written after the effects (see app/production/policy.py for why that order is
the safe one when an effect is a command to another service).
"""

from __future__ import annotations

from uuid import UUID

import asyncpg
from videogen_eventstore.tracking import is_tracked, track_once


class PostgresTracker:
    def __init__(self, pool: asyncpg.Pool, schema: str, consumer: str) -> None:
        self._pool = pool
        self._schema = schema
        self._consumer = consumer

    async def seen(self, event_id: UUID) -> bool:
        return await is_tracked(self._pool, self._schema, self._consumer, event_id)

    async def mark(self, event_id: UUID) -> None:
        async with self._pool.acquire() as conn:
            await track_once(conn, self._schema, self._consumer, event_id)


class InMemoryTracker:
    def __init__(self) -> None:
        self.handled: set[UUID] = set()

    async def seen(self, event_id: UUID) -> bool:
        return event_id in self.handled

    async def mark(self, event_id: UUID) -> None:
        self.handled.add(event_id)
