"""How AI events change the `ai_timeline` rows (0009_ai_timeline.sql).

A generation (`AiEditRequested`) and a script run (`GenerationQueued`) are one row each,
keyed by their job, whose status the later events of the job move on; an accept
(`VariantAccepted`) and a score (`VariantScored`) are whole operations in one event, keyed
by that event's id. Every function runs in the projector's transaction, after its ordering
and tracking checks; the statements are harmless if repeated all the same (inserts do
nothing on a known key, updates set what the event says), and a finished row keeps its
status.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from videogen_contracts.media.ai_edits import (
    AiEditCompleted,
    AiEditEvent,
    AiEditFailed,
    AiEditRequested,
    AiEditStarted,
    VariantScored,
)
from videogen_contracts.media.editing import TimelineEvent, VariantAccepted
from videogen_contracts.script.generation import (
    GenerationCompleted,
    GenerationEvent,
    GenerationFailed,
    GenerationQueued,
    GenerationSectionCompleted,
    GenerationSectionStarted,
    GenerationStarted,
)

if TYPE_CHECKING:
    from videogen_eventstore.db import Conn


async def _insert(
    conn: Conn, q: str, row_id: UUID, kind: str, project_id: UUID, job_id: UUID,
    variant_id: UUID | None, status: str, summary: str, provider: str | None, at: datetime,
) -> None:
    await conn.execute(
        f"INSERT INTO {q}.ai_timeline (id, kind, project_id, job_id, variant_id, status,"
        " summary, provider, at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)"
        " ON CONFLICT (id) DO NOTHING",
        row_id, kind, project_id, job_id, variant_id, status, summary, provider, at,
    )


async def _status(
    conn: Conn, q: str, job_id: UUID, status: str, at: datetime, *,
    error: str | None = None, provider: str | None = None,
) -> None:
    await conn.execute(
        f"UPDATE {q}.ai_timeline SET status = $2, updated_at = $3,"
        " error = coalesce($4, error), provider = coalesce($5, provider)"
        " WHERE id = $1 AND status NOT IN ('completed', 'failed')",
        job_id, status, at, error, provider,
    )


async def apply_ai_timeline_media_event(
    conn: Conn, q: str, event_id: UUID, event: AiEditEvent | TimelineEvent
) -> None:
    """A media event: an AI generation's steps, a score, an accept (others pass by)."""
    match event:
        case AiEditRequested():
            providers = sorted({v.provider for v in event.variants})
            summary = (f"generate {len(event.variants)} variants of {event.prompt!r} in a"
                       f" {event.box.width}x{event.box.height} box over"
                       f" {event.start_ts:g}-{event.end_ts:g} s")  # fmt: skip
            await _insert(conn, q, event.job_id, "generate", event.project_id, event.job_id,
                          None, "pending", summary, ", ".join(providers), event.requested_at)
        case AiEditStarted():
            await _status(conn, q, event.job_id, "running", event.started_at)
        case AiEditCompleted():
            await _status(conn, q, event.job_id, "completed", event.completed_at)
        case AiEditFailed():
            await _status(conn, q, event.job_id, "failed", event.failed_at, error=event.reason)
        case VariantScored():
            summary = (f"scored variant {event.variant_id} against the {event.compare_to}:"
                       f" {event.score.overall_rating}")
            await _insert(conn, q, event_id, "score", event.project_id, event.job_id,
                          event.variant_id, "completed", summary, event.scorer, event.scored_at)
        case VariantAccepted():
            summary = (f"accepted variant {event.variant_id} onto the timeline as segment"
                       f" {event.generated.segment_id}")
            await _insert(conn, q, event_id, "accept", event.project_id, event.job_id,
                          event.variant_id, "completed", summary, None, event.accepted_at)
        case _:
            pass  # a variant rendered is progress inside its generation (GET /api/job)


async def apply_ai_timeline_script_event(conn: Conn, q: str, event: GenerationEvent) -> None:
    """A script run (the LLM writing): queued, started, its writer, finished."""
    match event:
        case GenerationQueued():
            summary = f"write a {event.target_minutes:g}-minute script ({event.mode})"
            await _insert(conn, q, event.job_id, "script", event.project_id, event.job_id,
                          None, "pending", summary, None, event.queued_at)
        case GenerationStarted():
            await _status(conn, q, event.job_id, "running", event.started_at)
        case GenerationSectionCompleted():
            await _status(conn, q, event.job_id, "running", event.completed_at,
                          provider=event.provider_label)
        case GenerationCompleted():
            await _status(conn, q, event.job_id, "completed", event.completed_at)
        case GenerationFailed():
            await _status(conn, q, event.job_id, "failed", event.failed_at, error=event.message)
        case GenerationSectionStarted():
            pass
