"""How each ManimSession event changes `manim_sessions`, `manim_jobs` and `manim_scenes`,
and what the project's feed says of it.

Every function runs inside the projector's transaction, after the ordering and tracking
checks, so it sees each event exactly once and in stream order. The statements are still
harmless if repeated: inserts do nothing on a known key, and a finished job keeps its
status (only a pending or running job moves).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec
from videogen_contracts.script.manim import (
    CodeRequested,
    CodeWritten,
    CombineRequested,
    ImplementationsRequested,
    ImplementationsWritten,
    ManimJobCancelled,
    ManimJobEventBase,
    ManimJobFailed,
    ManimJobStarted,
    ManimSessionEvent,
    ManimSessionOpened,
    PlanRequested,
    PlanWritten,
    SceneRendered,
    SceneRenderFailed,
    SceneRenderRequested,
    ScenesCombined,
)
from videogen_gateway.readmodels.manim.feed import Feed, JobMessage, append_feed

if TYPE_CHECKING:
    from videogen_eventstore.db import Conn

_RETURNING = " RETURNING kind, status, scene_number, error"


def _json(value: object) -> str:
    return msgspec.json.encode(value).decode()


async def apply_manim_session_event(conn: Conn, feed: Feed, event: ManimSessionEvent) -> None:
    """Apply one ManimSession event."""
    q = feed.q
    match event:
        case ManimSessionOpened():
            await conn.execute(
                f"INSERT INTO {q}.manim_sessions (session_id, project, project_key, topic,"
                " description, opened_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)"
                " ON CONFLICT (session_id) DO NOTHING",
                event.session_id, event.project, event.project_id, event.topic,
                event.description, event.opened_at,
            )
        case PlanRequested() | ImplementationsRequested() | CodeRequested() \
                | SceneRenderRequested() | CombineRequested():
            await _requested(conn, feed, event)
        case ManimJobStarted():
            await _moved(conn, feed, event, "running", event.started_at, ("pending",))
        case ManimJobFailed():
            await _moved(conn, feed, event, "failed", event.failed_at, error=event.reason)
        case ManimJobCancelled():
            await _moved(conn, feed, event, "cancelled", event.cancelled_at)
        case _:
            await _answered(conn, feed, event)


async def _answered(conn: Conn, feed: Feed, event: ManimSessionEvent) -> None:
    """A job's result (a plan, implementations, code, a render, a combine)."""
    q = feed.q
    match event:
        case PlanWritten():
            await conn.execute(
                f"UPDATE {q}.manim_sessions SET plan_xml = $2, updated_at = $3"
                " WHERE session_id = $1", event.session_id, event.plan_xml, event.written_at,
            )
            output = {"plan": event.plan_xml, "scene_count": len(event.scenes),
                      "writer": event.writer}
            await _moved(conn, feed, event, "completed", event.written_at, output=output)
        case ImplementationsWritten():
            plans = [{"scene_number": i.scene_number, "storyboard": i.storyboard,
                      "technical_implementation": i.technical_implementation,
                      "animation_narration": i.animation_narration}
                     for i in event.implementations]
            output = {"scene_plans": plans, "count": len(plans), "writer": event.writer}
            await _moved(conn, feed, event, "completed", event.written_at, output=output)
        case CodeWritten():
            await _code_written(conn, feed, event)
        case SceneRendered():
            await _scene_outcome(conn, q, event, "rendered", None, event.rendered_at,
                                 event.video_key, event.srt_key, event.code_key,
                                 event.duration_s)
            await _moved(conn, feed, event, "completed", event.rendered_at,
                         video_key=event.video_key, srt_key=event.srt_key,
                         code_key=event.code_key, duration_s=event.duration_s)
        case SceneRenderFailed():
            await _scene_outcome(conn, q, event, "failed", event.error, event.failed_at,
                                 None, None, event.code_key, None)
            await _moved(conn, feed, event, "failed", event.failed_at, error=event.error,
                         code_key=event.code_key)
        case ScenesCombined():
            await _moved(conn, feed, event, "completed", event.combined_at,
                         output=_combined(event.scenes), video_key=event.output_key,
                         srt_key=event.srt_key, duration_s=event.duration_s)


def _combined(scenes: list[Any]) -> list[dict[str, Any]]:
    return [{"scene_number": s.scene_number, "version": s.version, "video_key": s.video_key,
             "srt_key": s.srt_key, "duration_s": s.duration_s} for s in scenes]


async def _requested(
    conn: Conn, feed: Feed,
    event: PlanRequested | ImplementationsRequested | CodeRequested | SceneRenderRequested
    | CombineRequested,
) -> None:
    kind, topic = "combine", ""
    scene: int | None = None
    requested_version = code_version = None
    code: str | None = None
    output: str | None = None
    match event:
        case PlanRequested():
            kind, topic = "plan", event.topic
        case ImplementationsRequested():
            kind, topic = "implement", event.topic
        case CodeRequested():
            kind, topic, scene = "code", event.topic, event.scene_number
        case SceneRenderRequested():
            kind, topic, scene = "render", event.topic, event.scene_number
            requested_version, code_version, code = event.requested_version, event.version, \
                event.code
        case CombineRequested():
            output = _json(_combined(event.scenes))
    inserted = await conn.fetchval(
        f"INSERT INTO {feed.q}.manim_jobs (job_id, session_id, project_key, task_id, kind,"
        " status, topic, scene_number, requested_version, code_version, code, output,"
        " requested_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9, $10, $11::json, $12, $12)"
        " ON CONFLICT (job_id) DO NOTHING RETURNING job_id",
        event.job_id, event.session_id, event.project_id, event.task_id, kind, topic, scene,
        requested_version, code_version, code, output, event.requested_at,
    )
    if inserted is not None:
        await _announce(conn, feed, event, kind, "pending", scene, None, event.requested_at)


async def _code_written(conn: Conn, feed: Feed, event: CodeWritten) -> None:
    await conn.execute(
        f"INSERT INTO {feed.q}.manim_scenes (session_id, scene_number, version, code, reason,"
        " status, written_at) VALUES ($1, $2, $3, $4, $5, 'written', $6)"
        " ON CONFLICT DO NOTHING",
        event.session_id, event.scene_number, event.version, event.code, event.reason,
        event.written_at,
    )
    if event.reason == "supplied":
        return  # the client's code of a render job: the render answers that job
    output = {"scene_number": event.scene_number, "code": event.code,
              "raw_response": event.raw_response, "version": event.version,
              "writer": event.writer}
    await _moved(conn, feed, event, "completed", event.written_at, output=output,
                 code_version=event.version, code=event.code)


async def _scene_outcome(
    conn: Conn, q: str, event: SceneRendered | SceneRenderFailed, status: str,
    error: str | None, at: datetime, video_key: str | None, srt_key: str | None,
    code_key: str | None, duration_s: float | None,
) -> None:
    await conn.execute(
        f"UPDATE {q}.manim_scenes SET status = $4, error = $5, video_key = $6, srt_key = $7,"
        " code_key = COALESCE($8, code_key), duration_s = $9, rendered_at = $10"
        " WHERE session_id = $1 AND scene_number = $2 AND version = $3",
        event.session_id, event.scene_number, event.version, status, error, video_key,
        srt_key, code_key, duration_s, at,
    )


async def _moved(
    conn: Conn, feed: Feed, event: ManimJobEventBase, status: str, at: datetime,
    only_from: tuple[str, ...] = ("pending", "running"), *, output: object = None,
    error: str | None = None, **columns: object,
) -> None:
    """Move a job that is `only_from` to `status`, setting `columns`; announce it."""
    sets = ["status = $2", "updated_at = $3", "error = COALESCE($4, error)",
            "output = COALESCE($5::json, output)"]
    values: list[object] = [event.job_id, status, at, error,
                            None if output is None else _json(output), list(only_from)]
    for name, value in columns.items():
        values.append(value)
        sets.append(f"{name} = ${len(values)}")
    row = await conn.fetchrow(
        f"UPDATE {feed.q}.manim_jobs SET {', '.join(sets)}"
        f" WHERE job_id = $1 AND status = ANY($6::text[]){_RETURNING}", *values,
    )
    if row is not None:
        await _announce(conn, feed, event, row["kind"], status, row["scene_number"],
                        row["error"], at)


async def _announce(
    conn: Conn, feed: Feed, event: ManimJobEventBase, kind: str, status: str,
    scene: int | None, error: str | None, at: datetime,
) -> None:
    message = JobMessage(job_id=event.job_id, session_id=event.session_id,
                         task_id=event.task_id, kind=kind, status=status,
                         scene_number=scene, error=error)
    await append_feed(conn, feed, event.project_id, task_id=event.task_id,
                      job_id=event.job_id, event="job", data=message, at=at)
