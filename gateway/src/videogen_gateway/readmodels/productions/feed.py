"""The production feed: the SSE messages of `GET /api/v1/jobs/{id}/events` (docs/jobs-api.md).

`feed_messages` is a pure translation of one Production event, given the job as the
`productions` row shows it after that event, into the messages a client receives for it.
`append_feed` writes them inside the project projector's transaction: the row's `last_seq`
is raised by the number of messages in the same UPDATE that locks it, so a job's SSE ids
have no gaps and commit in order, and the commit's NOTIFY of `production-<id>:<version>`
wakes the job's streams (realtime.Hub), as for Aura's jobs.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec
from videogen_contracts.project.production import (
    ProductionAdvanced,
    ProductionCancelled,
    ProductionCompleted,
    ProductionEvent,
    ProductionFailed,
    ProductionQueued,
    ProductionStepLogged,
)

if TYPE_CHECKING:
    from uuid import UUID

    from videogen_eventstore.db import Conn

# The stages that end a production, and the names of their messages: a job's stream closes
# after one of these.
TERMINAL = frozenset({"completed", "failed", "cancelled"})


class JobNow(msgspec.Struct, frozen=True, kw_only=True):
    """The job as its `productions` row shows it once the event is applied."""

    id: UUID
    status: str
    stage: str
    progress: int
    message: str


def download_path(job_id: UUID) -> str:
    """Where the job's video is served (surfaces/text2video/routes.py)."""
    return f"/api/v1/download/{job_id}"


def _progress(job: JobNow, at: datetime, *, percent: int | None = None,
              items_done: int | None = None, items_total: int | None = None) -> dict[str, Any]:
    return {
        "job_id": str(job.id), "status": job.status, "stage": job.stage,
        "progress": job.progress, "message": job.message, "items_done": items_done,
        "items_total": items_total, "percent": percent, "at": at.isoformat(),
    }


def feed_messages(job: JobNow, event: ProductionEvent) -> list[tuple[str, dict[str, Any]]]:
    """The (event name, data) messages for one event, in order."""
    match event:
        case ProductionQueued():
            return [("progress", _progress(job, event.queued_at))]
        case ProductionAdvanced() if event.stage not in TERMINAL:
            return [("progress", _progress(
                job, event.at, percent=event.percent, items_done=event.items_done,
                items_total=event.items_total))]
        case ProductionStepLogged():
            return [("log", {"job_id": str(job.id), "line": event.line,
                             "at": event.at.isoformat()})]
        case ProductionCompleted():
            return [("completed", {
                **_progress(job, event.at, percent=100),
                "output_file": download_path(job.id), "duration_s": event.duration_s,
                "size_bytes": event.size_bytes,
            })]
        case ProductionFailed():
            return [("failed", {**_progress(job, event.at), "error": event.reason})]
        case ProductionCancelled():
            return [("cancelled", {**_progress(job, event.at), "reason": event.reason})]
        case _:
            # Artefacts, retries (the ProductionAdvanced that follows says where it resumes)
            # and stall warnings (a log line says it) are nothing this feed shows.
            return []


async def append_feed(conn: Conn, q: str, event: ProductionEvent) -> None:
    """Append the event's messages to its production's feed (see the module doc)."""
    # FOR UPDATE: the row is already locked by the UPDATE that applied the event, if any;
    # if not, this takes the lock, so two transactions never draw the same ids. Aura's jobs
    # (kind "brief") have a feed of their own, in Aura's terms (aura_jobs): none here.
    row = await conn.fetchrow(
        f"SELECT id, status, stage, progress, message FROM {q}.productions WHERE id = $1"
        " AND kind <> 'brief' FOR UPDATE", event.production_id,
    )
    if row is None:
        return
    messages = feed_messages(JobNow(**row), event)
    if not messages:
        return
    last = await conn.fetchval(
        f"UPDATE {q}.productions SET last_seq = last_seq + $2 WHERE id = $1 RETURNING last_seq",
        event.production_id, len(messages),
    )
    first = int(last) - len(messages) + 1
    at = event.queued_at if isinstance(event, ProductionQueued) else event.at
    await conn.executemany(
        f"INSERT INTO {q}.production_events (production_id, seq, event, data, created_at)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (production_id, seq) DO NOTHING",
        [(event.production_id, first + i, name, msgspec.json.encode(data).decode(), at)
         for i, (name, data) in enumerate(messages)],
    )
