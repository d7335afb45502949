"""The stall watchdog's table: per production, its stage and the time it last moved.

Kept by a consumer of the production events (entrypoints/production/watch.py). Events can
arrive late or twice, so a row only moves forward: an event at or below the stream version
already applied changes nothing, and `last_activity` only grows.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg
from project_service.app.production.stall_watch import Idle, counts_as_activity, stage_after
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.project.production import ProductionEvent, ProductionStallWarned
from videogen_eventstore.migrations import check_schema_name, quote_ident


class ActivityTable:
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self._pool = pool
        self._q = quote_ident(check_schema_name(schema))

    async def create(self) -> None:
        q = self._q
        async with self._pool.acquire() as conn, conn.transaction():
            # Replicas start together: one creates, the others wait, then find it there.
            await conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"{q}.activity"
            )
            await conn.execute(
                f"CREATE TABLE IF NOT EXISTS {q}.production_activity ("
                " production_id uuid PRIMARY KEY, project_id uuid, stage text NOT NULL,"
                " version integer NOT NULL, last_activity timestamptz NOT NULL,"
                " warned boolean NOT NULL DEFAULT false, correlation_id text NOT NULL)"
            )
            await conn.execute(
                f"CREATE INDEX IF NOT EXISTS production_activity_running"
                f" ON {q}.production_activity (last_activity)"
                " WHERE stage NOT IN ('completed', 'failed', 'cancelled')"
            )

    async def record(self, recorded: RecordedEvent, event: ProductionEvent) -> None:
        project_id = recorded.metadata.project_id
        if isinstance(event, ProductionStallWarned):
            await self._pool.execute(
                f"UPDATE {self._q}.production_activity SET warned = true, version = $2"
                " WHERE production_id = $1 AND version < $2",
                event.production_id, recorded.stream_version,
            )
            return
        moved = counts_as_activity(event)
        await self._pool.execute(
            f"INSERT INTO {self._q}.production_activity AS a (production_id, project_id, stage,"
            " version, last_activity, correlation_id) VALUES ($1, $2, coalesce($3, 'queued'),"
            " $4, $5, $6) ON CONFLICT (production_id) DO UPDATE SET"
            " stage = coalesce($3, a.stage), version = excluded.version,"
            " last_activity = CASE WHEN $7 THEN greatest(a.last_activity, excluded.last_activity)"
            " ELSE a.last_activity END, warned = a.warned AND NOT $7"
            " WHERE a.version < excluded.version",
            event.production_id, UUID(project_id) if project_id else None, stage_after(event),
            recorded.stream_version, recorded.recorded_at, recorded.metadata.correlation_id, moved,
        )

    async def idle_since(self, before: datetime) -> list[Idle]:
        rows = await self._pool.fetch(
            f"SELECT production_id, project_id, stage, last_activity, warned, correlation_id"
            f" FROM {self._q}.production_activity"
            " WHERE stage NOT IN ('completed', 'failed', 'cancelled') AND last_activity < $1",
            before,
        )
        return [Idle(**dict(row)) for row in rows]
