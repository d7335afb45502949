"""Generation runs: the `generation_runs` read model and the SSE feed of each project.

Every GenerationRun event updates its run's row, then appends the message the studio's
`generation-status` stream shows for it (`progress`, `complete` or `error`) to
`generation_events`, and announces it on the positions channel under the project's feed
key (realtime.py), all in the script projector's transaction.

Why the SSE ids cannot skip: a message's `seq` is drawn by an upsert on the project's
`generation_feeds` row. That row stays locked until the drawing transaction commits, so a
second projection of the same project (another gateway replica) waits, and draws `seq + 1`
only after `seq` is committed. Hence a reader that sees `seq + 1` has `seq` too, and
"everything after the client's Last-Event-ID" is exactly what it missed. Per project rather
than gateway-wide: an SSE stream only ever reads one project's feed.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal
from uuid import UUID

import asyncpg
import msgspec
from videogen_contracts.script.generation import (
    GenerationCompleted,
    GenerationEvent,
    GenerationFailed,
    GenerationQueued,
    GenerationSectionCompleted,
    GenerationSectionStarted,
    GenerationStarted,
)
from videogen_gateway.readmodels.queries import Queries, columns
from videogen_gateway.realtime import SseEvent, feed_key, sse_event

if TYPE_CHECKING:
    from videogen_eventstore.db import Conn

FEED = "generation"


def generation_feed_key(project_id: UUID) -> str:
    return feed_key(FEED, project_id)


class ProgressOut(msgspec.Struct, kw_only=True, rename="camel"):
    job_id: UUID
    status: str
    current_section: int
    total_sections: int
    current_section_title: str | None
    percent_complete: int
    sections_completed: int


class CompleteOut(msgspec.Struct, kw_only=True, rename="camel"):
    job_id: UUID
    total_sentences: int
    total_duration_minutes: float


class ErrorOut(msgspec.Struct, kw_only=True, rename="camel"):
    job_id: UUID
    message: str


class RunRow(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    project_id: UUID
    mode: str
    outline_id: UUID | None
    status: str  # queued | generating | completed | failed
    total_sections: int
    sections_completed: int
    current_section: int
    current_section_title: str | None
    estimated_seconds: int
    total_sentences: int | None
    total_duration_minutes: float | None
    error: str | None
    queued_at: datetime
    updated_at: datetime
    ended_at: datetime | None

    @property
    def percent_complete(self) -> int:
        if self.status == "completed":
            return 100
        if self.total_sections <= 0:
            return 0
        return min(100, self.sections_completed * 100 // self.total_sections)


RUN_COLUMNS = columns(RunRow)


def progress_of(run: RunRow) -> ProgressOut:
    return ProgressOut(
        job_id=run.id, status=run.status, current_section=run.current_section,
        total_sections=run.total_sections, current_section_title=run.current_section_title,
        percent_complete=run.percent_complete, sections_completed=run.sections_completed,
    )


async def apply_generation_event(conn: Conn, q: str, channel: str, event: GenerationEvent) -> None:
    """Apply one event to its run, then append what the SSE stream shows for it."""
    run = await _update_run(conn, q, event)
    if run is None:
        return  # a run whose queueing was never seen: nothing to show progress of
    match event:
        case GenerationCompleted():
            name: Literal["progress", "complete", "error"] = "complete"
            data: msgspec.Struct = CompleteOut(
                job_id=run.id, total_sentences=event.total_sentences,
                total_duration_minutes=event.total_duration_minutes,
            )
        case GenerationFailed():
            name, data = "error", ErrorOut(job_id=run.id, message=event.message)
        case _:
            name, data = "progress", progress_of(run)
    await _append(conn, q, channel, run, name, msgspec.json.encode(data), run.updated_at)


async def _update_run(conn: Conn, q: str, event: GenerationEvent) -> RunRow | None:
    ret = f" RETURNING {RUN_COLUMNS}"
    match event:
        case GenerationQueued():
            row = await conn.fetchrow(
                f"INSERT INTO {q}.generation_runs (id, project_id, mode, outline_id, status,"
                " estimated_seconds, queued_at, updated_at)"
                " VALUES ($1, $2, $3, $4, 'queued', $5, $6, $6)"
                f" ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at{ret}",
                event.job_id, event.project_id, event.mode, event.outline_id,
                event.estimated_seconds, event.queued_at,
            )
            return None if row is None else RunRow(**row)
        case GenerationStarted():
            changes = "status = 'generating', outline_id = $2, total_sections = $3, updated_at = $4"
            values: tuple[object, ...] = (event.outline_id, event.total_sections, event.started_at)
        case GenerationSectionStarted():
            changes = ("status = 'generating', total_sections = $2, current_section = $3,"
                       " current_section_title = $4, updated_at = $5")
            values = (event.total_sections, event.section_index + 1, event.title, event.started_at)
        case GenerationSectionCompleted():
            changes = ("total_sections = $2, sections_completed = GREATEST(sections_completed, $3),"
                       " current_section = $3, updated_at = $4")
            values = (event.total_sections, event.section_index + 1, event.completed_at)
        case GenerationCompleted():
            changes = ("status = 'completed', sections_completed = total_sections,"
                       " total_sentences = $2, total_duration_minutes = $3, updated_at = $4,"
                       " ended_at = $4")
            values = (event.total_sentences, event.total_duration_minutes, event.completed_at)
        case GenerationFailed():
            changes = "status = 'failed', error = $2, updated_at = $3, ended_at = $3"
            values = (event.message, event.failed_at)
    row = await conn.fetchrow(f"UPDATE {q}.generation_runs SET {changes} WHERE id = $1{ret}",
                              event.job_id, *values)
    return None if row is None else RunRow(**row)


async def _append(
    conn: Conn, q: str, channel: str, run: RunRow, name: str, data: bytes, at: datetime
) -> None:
    # The row lock taken here is held to commit: it orders the feed (module doc).
    seq = await conn.fetchval(
        f"INSERT INTO {q}.generation_feeds (project_id, last_seq) VALUES ($1, 1)"
        " ON CONFLICT (project_id) DO UPDATE SET last_seq = generation_feeds.last_seq + 1"
        " RETURNING last_seq",
        run.project_id,
    )
    await conn.execute(
        f"INSERT INTO {q}.generation_events (project_id, seq, job_id, event, data, created_at)"
        " VALUES ($1, $2, $3, $4, $5::json, $6)",
        run.project_id, seq, run.id, name, data.decode(), at,
    )
    await conn.execute(
        "SELECT pg_notify($1, $2)", channel, f"{generation_feed_key(run.project_id)}:{seq}"
    )


class GenerationQueries(Queries):
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        super().__init__(pool, schema)
        q = self.q
        self._run = f"SELECT {RUN_COLUMNS} FROM {q}.generation_runs WHERE id = $1"
        # The run of the project's newest feed message (clocks of replicas may disagree;
        # the feed's order is the projection's).
        self._latest = (
            f"SELECT {RUN_COLUMNS} FROM {q}.generation_runs WHERE id = (SELECT job_id FROM"
            f" {q}.generation_events WHERE project_id = $1 ORDER BY seq DESC LIMIT 1)"
        )
        self._after = (
            f"SELECT seq AS id, event, data::text AS data FROM {q}.generation_events"
            " WHERE project_id = $1 AND seq > $2 ORDER BY seq LIMIT 500"
        )
        self._head = f"SELECT last_seq FROM {q}.generation_feeds WHERE project_id = $1"
        self._first_of_job = (
            f"SELECT min(seq) FROM {q}.generation_events WHERE project_id = $1 AND job_id = $2"
        )

    async def run(self, job_id: UUID) -> RunRow | None:
        return await self.one(self._run, RunRow, job_id)

    async def latest_run(self, project_id: UUID) -> RunRow | None:
        return await self.one(self._latest, RunRow, project_id)

    async def feed_after(self, project_id: UUID, after: int) -> list[SseEvent]:
        return await self.all(self._after, sse_event, project_id, after)

    async def head(self, project_id: UUID) -> int:
        """The feed's last position (0 when the project never generated)."""
        return int(await self.pool.fetchval(self._head, project_id) or 0)

    async def first_of_job(self, project_id: UUID, job_id: UUID) -> int | None:
        seq = await self.pool.fetchval(self._first_of_job, project_id, job_id)
        return None if seq is None else int(seq)
