"""Which productions a project has, from the media service's own event log."""

from __future__ import annotations

from uuid import UUID

import asyncpg
from videogen_eventstore.migrations import check_schema_name, quote_ident


async def productions_of_project(pool: asyncpg.Pool, schema: str, project_id: UUID) -> list[UUID]:
    """Every production this service was asked to prepare media for, in this project."""
    q = quote_ident(check_schema_name(schema))
    rows = await pool.fetch(
        f"SELECT DISTINCT (data->>'production_id')::uuid FROM {q}.events"
        " WHERE type = 'MediaPreparationRequested' AND data->>'project_id' = $1",
        str(project_id),
    )
    return [row[0] for row in rows]
