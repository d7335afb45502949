"""The `editor_exports` read model: doc 002's export jobs, projected from the Export events.

`apply_export_event` runs inside the export projector's transaction (after its ordering
and tracking checks, see projector.py), so it sees each event of an export's stream once
and in order; a status only moves forward (`_FORWARD`), so a replay over a half-dropped
table cannot move a finished export back. `ExportQueries` reads it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

import asyncpg
import msgspec
from videogen_contracts.export.exports import (
    ExportCompleted,
    ExportEvent,
    ExportFailed,
    ExportRequested,
    ExportStarted,
)
from videogen_gateway.readmodels.queries import Queries, columns

if TYPE_CHECKING:
    from videogen_eventstore.db import Conn

# Only an unfinished export changes status.
_FORWARD = "status IN ('pending', 'running')"


async def apply_export_event(conn: Conn, q: str, event: ExportEvent) -> None:
    """Apply one Export event; `q` is the quoted schema name."""
    match event:
        case ExportRequested():
            await conn.execute(
                f"INSERT INTO {q}.editor_exports (id, project_id, format, status,"
                " production_id, output_key, requested_at, updated_at)"
                " VALUES ($1, $2, $3, 'pending', $4, $5, $6, $6) ON CONFLICT (id) DO NOTHING",
                event.export_id, event.project_id, event.format, event.production_id,
                event.output_key, event.requested_at,
            )  # fmt: skip
        case ExportStarted():
            await conn.execute(
                f"UPDATE {q}.editor_exports SET status = 'running', updated_at = $2"
                f" WHERE id = $1 AND status = 'pending'",
                event.export_id, event.started_at,
            )  # fmt: skip
        case ExportCompleted():
            await conn.execute(
                f"UPDATE {q}.editor_exports SET status = 'completed', video_key = $2,"
                f" duration_s = $3, size_bytes = $4, reused = $5, updated_at = $6"
                f" WHERE id = $1 AND {_FORWARD}",
                event.export_id, event.video_key, event.duration_s, event.size_bytes,
                event.reused, event.completed_at,
            )  # fmt: skip
        case ExportFailed():
            await conn.execute(
                f"UPDATE {q}.editor_exports SET status = 'failed', error = $2, updated_at = $3"
                f" WHERE id = $1 AND {_FORWARD}",
                event.export_id, event.reason, event.failed_at,
            )  # fmt: skip


class ExportRow(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    project_id: UUID
    format: str
    status: str
    production_id: UUID | None
    output_key: str
    video_key: str | None
    duration_s: float | None
    size_bytes: int | None
    reused: bool
    error: str | None
    requested_at: datetime
    updated_at: datetime


class ExportQueries(Queries):
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        super().__init__(pool, schema)
        self._get = f"SELECT {columns(ExportRow)} FROM {self.q}.editor_exports WHERE id = $1"

    async def get(self, export_id: UUID) -> ExportRow | None:
        return await self.one(self._get, ExportRow, export_id)
