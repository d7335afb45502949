"""The Inngest intake's ledger: the event ids it has acted on, and what each started.

Not a projection: it is the gateway's own memory that an event id was seen, which no log
could rebuild, so a read-model rebuild keeps its table (sql/0004_inngest_intake.sql says
how). Rows are never deleted, so a repeated id is ignored with no time window. Two copies
of one event sent at the same moment can both miss here; the intake makes that harmless
by deriving the command's idempotency key from the event id (surfaces/inngest.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
import msgspec
from videogen_gateway.readmodels.queries import Queries


class InngestLedger(Queries):
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        super().__init__(pool, schema)
        q = self.q
        self._get = f"SELECT result::text FROM {q}.inngest_events WHERE id = $1"
        # The first answer stays: a copy that raced this one changes nothing.
        self._put = (
            f"INSERT INTO {q}.inngest_events (id, name, result, received_at)"
            " VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT (id) DO NOTHING"
        )

    async def seen(self, event_id: str) -> dict[str, Any] | None:
        """What the event with this id started, if it was acted on before."""
        raw = await self.pool.fetchval(self._get, event_id)
        return None if raw is None else dict(msgspec.json.decode(raw))

    async def remember(
        self, event_id: str, name: str, result: dict[str, str], at: datetime
    ) -> None:
        await self.pool.execute(self._put, event_id, name, msgspec.json.encode(result).decode(), at)
