"""How each AiEdit event changes the `ai_jobs`, `ai_variants` and `ai_scores` rows.

Every function runs inside the projector's transaction, after the ordering and tracking
checks, so it sees each event exactly once and in stream order. The statements are still
harmless if repeated: inserts do nothing on a known key, updates set what the event says.
A finished job keeps its status: a late step (there are none, the decider refuses them)
could not move it back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec
from videogen_contracts.media.ai_edits import (
    AiEditCompleted,
    AiEditEvent,
    AiEditFailed,
    AiEditRequested,
    AiEditStarted,
    VariantRendered,
    VariantScored,
)

if TYPE_CHECKING:
    from videogen_eventstore.db import Conn


def _json(value: object) -> str:
    return msgspec.json.encode(value).decode()


async def apply_ai_edit_event(conn: Conn, q: str, event: AiEditEvent) -> None:
    """Apply one AiEdit event; `q` is the quoted schema name."""
    match event:
        case AiEditRequested():
            await _requested(conn, q, event)
        case AiEditStarted():
            await _status(conn, q, event, "running", None, event.started_at)
        case VariantRendered():
            v = event.variant
            await conn.execute(
                f"UPDATE {q}.ai_variants SET video_key = $2, preview_key = $3, duration_s = $4,"
                " rendered_at = $5 WHERE id = $1",
                v.variant_id, v.video_key, v.preview_key, v.duration_s, event.rendered_at,
            )
        case AiEditCompleted():
            await _status(conn, q, event, "completed", None, event.completed_at)
        case AiEditFailed():
            await _status(conn, q, event, "failed", event.reason, event.failed_at)
        case VariantScored():
            await conn.execute(
                f"INSERT INTO {q}.ai_scores (variant_id, job_id, project_id, compare_to, score,"
                " scorer, scored_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                " ON CONFLICT DO NOTHING",
                event.variant_id, event.job_id, event.project_id, event.compare_to,
                _json(event.score), event.scorer, event.scored_at,
            )


async def _requested(conn: Conn, q: str, event: AiEditRequested) -> None:
    await conn.execute(
        f"INSERT INTO {q}.ai_jobs (id, project_id, prompt, edit, box, start_ts, end_ts,"
        " segment_id, seed, status, requested_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $10)"
        " ON CONFLICT (id) DO NOTHING",
        event.job_id, event.project_id, event.prompt, _json(event.edit), _json(event.box),
        event.start_ts, event.end_ts, event.segment_id, event.seed, event.requested_at,
    )
    await conn.executemany(
        f"INSERT INTO {q}.ai_variants (id, job_id, project_id, variant_index, provider,"
        " description, labels) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
        [(v.variant_id, event.job_id, event.project_id, v.index, v.provider, v.description,
          _json(v.labels)) for v in event.variants],
    )


async def _status(
    conn: Conn, q: str, event: AiEditEvent, status: str, error: str | None, at: object
) -> None:
    await conn.execute(
        f"UPDATE {q}.ai_jobs SET status = $2, error = $3, updated_at = $4"
        " WHERE id = $1 AND status NOT IN ('completed', 'failed')",
        event.job_id, status, error, at,
    )
