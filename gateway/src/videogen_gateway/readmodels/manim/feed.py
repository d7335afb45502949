"""Each Manim project's live feed (`manim_events`): what the SSE endpoints replay and push.

Positions are drawn per project from `manim_feeds` by an upsert whose row lock is held to
commit, so a second projection of the same project (another gateway replica) draws
`seq + 1` only after `seq` is committed: a reader that sees `seq + 1` has `seq` too
(readmodels/generations explains it at length). A task's feed is the project's rows of
that task, so its ids are the same positions, sparse but increasing.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

import msgspec
from videogen_gateway.realtime import feed_key

if TYPE_CHECKING:
    from videogen_eventstore.db import Conn

FEED = "manim"
# The feed messages after which a task's stream ends.
TASK_ENDS = frozenset({"completed", "failed", "cancelled"})


def manim_feed_key(project_key: UUID) -> str:
    return feed_key(FEED, project_key)


class Feed(msgspec.Struct, frozen=True):
    """Where a projection appends: the quoted schema and its positions channel."""

    q: str
    channel: str


async def append_feed(
    conn: Conn, feed: Feed, project_key: UUID, *, task_id: UUID | None, job_id: UUID | None,
    event: str, data: msgspec.Struct, at: datetime,
) -> None:
    """Append one message to the project's feed and wake its streams (on commit)."""
    # The row lock taken here is held to commit: it orders the feed (module doc).
    q = feed.q
    seq = await conn.fetchval(
        f"INSERT INTO {q}.manim_feeds (project_key, last_seq) VALUES ($1, 1)"
        " ON CONFLICT (project_key) DO UPDATE SET last_seq = manim_feeds.last_seq + 1"
        " RETURNING last_seq",
        project_key,
    )
    await conn.execute(
        f"INSERT INTO {q}.manim_events (project_key, seq, task_id, job_id, event, data,"
        " created_at) VALUES ($1, $2, $3, $4, $5, $6::json, $7)",
        project_key, seq, task_id, job_id, event, msgspec.json.encode(data).decode(), at,
    )
    await conn.execute(
        "SELECT pg_notify($1, $2)", feed.channel, f"{manim_feed_key(project_key)}:{seq}"
    )


class JobMessage(msgspec.Struct, frozen=True, kw_only=True):
    """A job's status changed (`event: job`)."""

    job_id: UUID
    session_id: str
    task_id: UUID | None
    kind: str
    status: str
    scene_number: int | None = None
    error: str | None = None


class TaskMessage(msgspec.Struct, frozen=True, kw_only=True):
    """A task moved (`event: queued | progress | completed | failed | cancelled`)."""

    task_id: UUID
    project_id: str
    session_id: str
    status: str
    progress: int
    message: str
    current_step: str | None
    step_index: int
    total_steps: int
    error: str | None = None
