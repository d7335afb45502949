"""How each Project event changes the `projects` and `cast_members` read models.

Every function runs inside the projector's transaction, after the ordering and tracking
checks, so it sees each event exactly once and in stream order. The statements are still
written to be harmless if repeated (upserts, conditional updates), which keeps a rebuild
over a read model that was not fully dropped from failing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec
from msgspec import UNSET
from videogen_contracts.project.events import (
    CastMemberAdded,
    CastMemberRemoved,
    ProjectChanges,
    ProjectCreated,
    ProjectDeleted,
    ProjectEvent,
    ProjectUpdated,
)

if TYPE_CHECKING:
    from videogen_eventstore.db import Conn

# ProjectChanges fields are named as the columns they change; this tuple is also the
# whitelist that keeps the dynamic UPDATE below free of injected identifiers.
CHANGEABLE_COLUMNS = tuple(f.name for f in msgspec.structs.fields(ProjectChanges))


async def apply_project_event(conn: Conn, q: str, event: ProjectEvent, stream_version: int) -> None:
    """Apply one event; `q` is the quoted schema name."""
    match event:
        case ProjectCreated():
            await _created(conn, q, event)
        case ProjectUpdated():
            await _updated(conn, q, event)
        case ProjectDeleted():
            await conn.execute(
                f"UPDATE {q}.projects SET deleted = true, updated_at = $2 WHERE id = $1",
                event.project_id, event.deleted_at,
            )
            await conn.execute(f"DELETE FROM {q}.cast_members WHERE project_id = $1",
                               event.project_id)
        case CastMemberAdded():
            await _cast_added(conn, q, event, stream_version)
        case CastMemberRemoved():
            await conn.execute(f"DELETE FROM {q}.cast_members WHERE project_id = $1 AND id = $2",
                               event.project_id, event.character_id)


async def _created(conn: Conn, q: str, e: ProjectCreated) -> None:
    await conn.execute(
        f"INSERT INTO {q}.projects (id, topic, style, target_duration_minutes, description,"
        " audience, goal, tone, language, aspect_ratio, owner, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)"
        " ON CONFLICT (id) DO NOTHING",
        e.project_id, e.topic, e.style, e.target_duration_minutes, e.description, e.audience,
        e.goal, e.tone, e.language, e.aspect_ratio, e.owner, e.created_at,
    )


async def _updated(conn: Conn, q: str, e: ProjectUpdated) -> None:
    assignments = ["updated_at = $2"]
    values: list[object] = [e.project_id, e.updated_at]
    for column in CHANGEABLE_COLUMNS:
        if (value := getattr(e.changes, column)) is not UNSET:
            values.append(value)
            assignments.append(f"{column} = ${len(values)}")
    await conn.execute(f"UPDATE {q}.projects SET {', '.join(assignments)} WHERE id = $1", *values)


async def _cast_added(conn: Conn, q: str, e: CastMemberAdded, stream_version: int) -> None:
    # The stream version orders the cast as it was added (a batch is consecutive events).
    await conn.execute(
        f"INSERT INTO {q}.cast_members"
        " (project_id, id, name, description, role, voice, added_at, position)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (project_id, id) DO UPDATE SET name = excluded.name,"
        " description = excluded.description, role = excluded.role, voice = excluded.voice,"
        " added_at = excluded.added_at, position = excluded.position",
        e.project_id, e.character_id, e.name, e.description, e.role, e.voice, e.added_at,
        stream_version,
    )
