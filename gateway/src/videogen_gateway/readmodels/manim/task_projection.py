"""How each ManimTask event changes `manim_tasks` and `manim_step_times`, and what the
project's feed says of it.

Runs inside the projector's transaction (each event once, in stream order). A step's time
is measured from its `ManimTaskStepStarted` to the next one (or to the task's end); the
render step counts its scenes as units, so the ETA scales with the scene count. A
finished task keeps its status.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import asyncpg
import msgspec
from videogen_contracts.script.manim import (
    ManimTaskCancelled,
    ManimTaskCompleted,
    ManimTaskEvent,
    ManimTaskFailed,
    ManimTaskProgressed,
    ManimTaskQueued,
    ManimTaskStepStarted,
)
from videogen_gateway.readmodels.manim.feed import Feed, TaskMessage, append_feed

if TYPE_CHECKING:
    from videogen_eventstore.db import Conn

_OPEN = "('queued', 'progress')"
_MESSAGE = ("project, session_id, status, progress, message, step, step_index, steps,"
            " error")


async def apply_manim_task_event(conn: Conn, feed: Feed, event: ManimTaskEvent) -> None:
    """Apply one ManimTask event."""
    q = feed.q
    match event:
        case ManimTaskQueued():
            inserted = await conn.fetchval(
                f"INSERT INTO {q}.manim_tasks (task_id, kind, project, project_key,"
                " session_id, scene_number, scene_count, status, steps, message, created_at,"
                " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8::json, $9,"
                " $10, $10) ON CONFLICT (task_id) DO NOTHING RETURNING task_id",
                event.task_id, event.kind, event.project, event.project_id,
                event.session_id, event.scene_number, event.scene_count,
                msgspec.json.encode(event.steps).decode(), "queued", event.queued_at,
            )
            if inserted is not None:
                await _announce(conn, feed, event, "queued", event.queued_at)
        case ManimTaskStepStarted():
            await _close_step(conn, q, event, event.started_at)
            await conn.execute(
                f"INSERT INTO {q}.manim_step_times (task_id, kind, step, units, started_at)"
                f" SELECT task_id, kind, $2, CASE WHEN $2 = 'render' AND kind = 'generate'"
                " THEN GREATEST(COALESCE(scene_count, 1), 1) ELSE 1 END, $3"
                f" FROM {q}.manim_tasks WHERE task_id = $1 ON CONFLICT DO NOTHING",
                event.task_id, event.step, event.started_at,
            )
            await _update(conn, feed, event, "progress", event.started_at,
                          "step = $4, step_index = $5, message = $6, step_started_at = $3,"
                          " units_done = 0, units_total = 0",
                          event.step, event.index, event.message)
        case ManimTaskProgressed():
            if event.total > 0:
                await conn.execute(
                    f"UPDATE {q}.manim_step_times SET units = $3 WHERE task_id = $1"
                    " AND step = $2", event.task_id, event.step, event.total,
                )
            await _update(conn, feed, event, "progress", event.at,
                          "progress = GREATEST(progress, $4), message = $5,"
                          " units_done = $6, units_total = $7",
                          event.progress, event.message, event.done, event.total)
        case ManimTaskCompleted():
            await _close_step(conn, q, event, event.completed_at)
            result = msgspec.json.encode(event).decode()
            await _update(conn, feed, event, "completed", event.completed_at,
                          "progress = 100, message = $4, result = $5::json",
                          "completed", result)
        case ManimTaskFailed():
            await _close_step(conn, q, event, event.failed_at)
            await _update(conn, feed, event, "failed", event.failed_at,
                          "message = $4, error = $5", f"failed at {event.step}", event.error)
        case ManimTaskCancelled():
            await _close_step(conn, q, event, event.cancelled_at)
            await _update(conn, feed, event, "cancelled", event.cancelled_at,
                          "message = $4", "cancelled")


async def _close_step(conn: Conn, q: str, event: ManimTaskEvent, at: datetime) -> None:
    await conn.execute(
        f"UPDATE {q}.manim_step_times SET ended_at = $2 WHERE task_id = $1"
        " AND ended_at IS NULL", event.task_id, at,
    )


async def _update(
    conn: Conn, feed: Feed, event: ManimTaskEvent, status: str, at: datetime, sets: str,
    *values: object,
) -> None:
    """Set `sets` ($4.. are `values`) and `status` on an unfinished task; announce it."""
    row = await conn.fetchrow(
        f"UPDATE {feed.q}.manim_tasks SET status = $2, updated_at = $3, {sets}"
        f" WHERE task_id = $1 AND status IN {_OPEN} RETURNING {_MESSAGE}",
        event.task_id, status, at, *values,
    )
    if row is not None:
        await _announce(conn, feed, event, status, at, row)


async def _announce(
    conn: Conn, feed: Feed, event: ManimTaskEvent, status: str, at: datetime,
    row: asyncpg.Record | None = None,
) -> None:
    """Append the task's state to the feed: `progress` while it runs, else how it ended."""
    if row is None:  # just queued: nothing stored yet but the event
        assert isinstance(event, ManimTaskQueued)
        message = TaskMessage(
            task_id=event.task_id, project_id=event.project, session_id=event.session_id,
            status=status, progress=0, message="queued", current_step=None, step_index=0,
            total_steps=len(event.steps),
        )
    else:
        message = TaskMessage(
            task_id=event.task_id, project_id=row["project"], session_id=row["session_id"],
            status=status, progress=row["progress"], message=row["message"],
            current_step=row["step"], step_index=row["step_index"],
            total_steps=len(msgspec.json.decode(row["steps"])), error=row["error"],
        )
    name = "progress" if status in ("queued", "progress") else status
    await append_feed(conn, feed, event.project_id, task_id=event.task_id, job_id=None,
                      event=name, data=message, at=at)
