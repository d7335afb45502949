"""The `productions` read model: doc 004's jobs, projected from the Production events.

`apply_production_event` runs inside the project projector's transaction (after its
ordering and tracking checks, see projector.py), so it sees each event of a production's
stream exactly once and in order; the progress is still only ever raised (`GREATEST`), so
a replay over a half-dropped table cannot move it back. `ProductionQueries` reads it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

import asyncpg
import msgspec
from msgspec import UnsetType
from videogen_contracts.project.production import (
    ProductionAdvanced,
    ProductionCancelled,
    ProductionCompleted,
    ProductionEvent,
    ProductionFailed,
    ProductionQueued,
    ProductionStage,
    ProductionStepLogged,
)
from videogen_gateway.readmodels.owners import owned_filter, viewer
from videogen_gateway.readmodels.productions.feed import append_feed
from videogen_gateway.readmodels.productions.renders import apply_render_event
from videogen_gateway.readmodels.queries import Queries, columns
from videogen_gateway.realtime import SseEvent, sse_event

if TYPE_CHECKING:
    from videogen_eventstore.db import Conn

QUEUED_MESSAGE = "Job queued"
COMPLETED_MESSAGE = "Video generation completed"
CANCELLED_MESSAGE = "Video generation cancelled"


# Doc 004 knows four statuses. A cancelled job is `failed` there, so that a client polling
# "until completed or failed" (the doc's own example) stops.
_STATUSES = {"queued": "queued", "completed": "completed", "failed": "failed",
             "cancelled": "failed"}


def status_of(stage: ProductionStage) -> str:
    return _STATUSES.get(stage, "processing")


async def apply_production_event(conn: Conn, q: str, event: ProductionEvent) -> None:
    """Apply one Production event; `q` is the quoted schema name."""
    match event:
        case ProductionQueued():
            await conn.execute(
                f"INSERT INTO {q}.productions (id, project_id, kind, status, stage, message,"
                " created_at, updated_at) VALUES ($1, $2, $3, 'queued', 'queued', $4, $5, $5)"
                " ON CONFLICT (id) DO NOTHING",
                event.production_id, event.project_id, event.kind, QUEUED_MESSAGE,
                event.queued_at,
            )
        case ProductionAdvanced():
            await _advance(conn, q, event.production_id, event.stage, event.progress,
                           event.message, event.at)
        case ProductionStepLogged():
            await conn.execute(
                f"UPDATE {q}.productions SET logs = array_append(logs, $2), updated_at = $3"
                " WHERE id = $1",
                event.production_id, event.line, event.at,
            )
        case ProductionCompleted():
            await _advance(conn, q, event.production_id, "completed", 100, COMPLETED_MESSAGE,
                           event.at)
            await conn.execute(
                f"UPDATE {q}.productions SET video_key = $2, subtitle_key = $3,"
                " duration_s = $4, size_bytes = $5, report_key = $6, vtt_key = $7 WHERE id = $1",
                event.production_id, event.video_key, event.subtitle_key, event.duration_s,
                event.size_bytes, _given(event.report_key), _given(event.vtt_key),
            )
        case ProductionFailed():
            await _end(conn, q, event.production_id, "failed", f"Error: {event.reason}",
                       event.reason, event.at)
        case ProductionCancelled():
            await _end(conn, q, event.production_id, "cancelled", CANCELLED_MESSAGE,
                       event.reason, event.at)
        case _:
            # The *Attached events feed the process manager; the job view has no use for them.
            pass
    # After the row: the feed's messages show the job as it is once the event is applied.
    await append_feed(conn, q, event)
    await apply_render_event(conn, q, event)


def _given(value: str | UnsetType | None) -> str | None:
    """A key added to the event later: UNSET (an older event) is none."""
    return None if isinstance(value, UnsetType) else value


async def _advance(
    conn: Conn, q: str, production_id: UUID, stage: ProductionStage, progress: int,
    message: str, at: datetime,
) -> None:
    await conn.execute(
        f"UPDATE {q}.productions SET stage = $2, status = $3,"
        " progress = GREATEST(progress, $4), message = $5, updated_at = $6 WHERE id = $1",
        production_id, stage, status_of(stage), progress, message, at,
    )


async def _end(
    conn: Conn, q: str, production_id: UUID, stage: ProductionStage, message: str,
    reason: str | None, at: datetime,
) -> None:
    await conn.execute(
        f"UPDATE {q}.productions SET stage = $2, status = $3, message = $4, error = $5,"
        " updated_at = $6 WHERE id = $1",
        production_id, stage, status_of(stage), message, reason, at,
    )


class ProductionRow(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    project_id: UUID
    kind: str
    status: str
    stage: str
    progress: int
    message: str
    logs: list[str]
    video_key: str | None
    subtitle_key: str | None
    duration_s: float | None
    size_bytes: int | None
    error: str | None
    created_at: datetime
    updated_at: datetime
    # The SSE id of the job's last feed message (feed.py).
    last_seq: int = 0
    # The quality report (JSON) and the WebVTT captions of a finished job (0015).
    report_key: str | None = None
    vtt_key: str | None = None


class ProductionQueries(Queries):
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        super().__init__(pool, schema)
        rows = f"SELECT {columns(ProductionRow)} FROM {self.q}.productions"
        self._get = f"{rows} WHERE id = $1"
        self._list = (f"{rows} WHERE kind = ANY($1::text[]) AND"
                      f" {owned_filter(self.q, 'id', 2)} ORDER BY created_at, id")
        self._events = (f"SELECT seq AS id, event, data FROM {self.q}.production_events"
                        " WHERE production_id = $1 AND seq > $2 ORDER BY seq LIMIT $3")

    async def get(self, production_id: UUID) -> ProductionRow | None:
        return await self.one(self._get, ProductionRow, production_id)

    async def events_after(self, production_id: UUID, seq: int, limit: int = 1000
                           ) -> list[SseEvent]:
        """A page of the job's feed after `seq` (feed.py)."""
        return await self.all(self._events, sse_event, production_id, seq, limit)

    async def list(self, *kinds: str) -> list[ProductionRow]:
        """The acting user's productions of these kinds (text2video when none is named),
        everyone's for an admin."""
        return await self.all(self._list, ProductionRow, [*kinds] or ["text2video"],
                              viewer())
