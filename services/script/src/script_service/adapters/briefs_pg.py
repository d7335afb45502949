"""The script service's copy of each project's brief and cast, in its own schema.

We keep the project's events themselves (one row per event, keyed by the project stream's
version) and fold them when a brief is read. Why not one row per project, updated in
place: the project-events consumer is shared by every replica, so two events of one
project can be handled at the same time, or in the wrong order (a `CastMemberAdded` before
its `ProjectCreated`); an update in place would then lose one. Rows keyed by version are
order-free and a redelivery is `ON CONFLICT DO NOTHING`. A project has a handful of
events, so the fold costs nothing. Every event of a `project-<id>` stream is kept, even a
type we do not know (it still counts for the version a caller may wait for).
"""

from __future__ import annotations

from uuid import UUID

import asyncpg
import msgspec
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.project.events import ProjectEvent, event_decoder
from videogen_eventstore.migrations import check_schema_name, quote_ident

from script_service.app.briefs import ProjectBrief, fold_brief

PROJECT_STREAM = "project-"


async def create_brief_table(pool: asyncpg.Pool, schema: str) -> None:
    """Idempotent; replicas starting together take turns under an advisory lock."""
    q = quote_ident(check_schema_name(schema))
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"videogen.briefs/{schema}"
        )
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS {q}.project_facts ("
            " project_id uuid NOT NULL, stream_version integer NOT NULL,"
            " type text NOT NULL, data jsonb NOT NULL,"
            " PRIMARY KEY (project_id, stream_version))"
        )
        # Issue 13: the project's owner, as its events' metadata says (NULL before that).
        await conn.execute(f"ALTER TABLE {q}.project_facts ADD COLUMN IF NOT EXISTS owner text")


class PostgresBriefBook:
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self._pool = pool
        self._table = f"{quote_ident(check_schema_name(schema))}.project_facts"

    async def brief(self, project_id: UUID) -> ProjectBrief | None:
        rows = await self._pool.fetch(
            f"SELECT stream_version, data::text, owner FROM {self._table} WHERE project_id = $1",
            project_id,
        )
        brief = fold_brief((row[0], _decoded(row[1])) for row in rows)
        # The stream's owner is its first event's (every later one carries the same).
        owner = next((row[2] for row in rows if row[0] == 1), None)
        return msgspec.structs.replace(brief, owner=owner) if brief else None

    async def record(self, recorded: RecordedEvent) -> None:
        """Keep one event of a project's stream (a repeat is a no-op; others are ignored)."""
        if not recorded.stream_id.startswith(PROJECT_STREAM):
            return  # productions, settings: not part of a brief
        await self._pool.execute(
            f"INSERT INTO {self._table} (project_id, stream_version, type, data, owner)"
            " VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT DO NOTHING",
            UUID(recorded.stream_id.removeprefix(PROJECT_STREAM)),
            recorded.stream_version,
            recorded.type,
            bytes(recorded.data).decode(),
            recorded.metadata.owner,
        )


def _decoded(data: str) -> ProjectEvent | None:
    try:
        event: ProjectEvent = event_decoder.decode(data)
    except msgspec.ValidationError:
        return None  # a project event type added after this service was built
    return event
