"""The gateway's schema: the event-store tables it needs, then its own read models.

The tracking and dead-letter tables come from `videogen_eventstore.migrations` (the same
DDL every consumer uses, so `track_once` and the consumer loop's dead letters work here
unchanged). The read models are versioned separately, in `readmodel_migrations`, because
they are ours alone and `rebuild` drops and recreates them.

Replicas starting at once take turns on a transaction-scoped advisory lock keyed on the
schema: the first applies what is missing, the others then find it all recorded.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import TYPE_CHECKING

import asyncpg
from videogen_eventstore.migrations import check_schema_name, migrate, quote_ident

if TYPE_CHECKING:
    from videogen_eventstore.db import Conn

_FILE_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

# Every table the read-model migrations create, dropped by `drop_read_models`; all but
# `inngest_events` (0004), which no log could rebuild (its migration says why).
READ_MODEL_TABLES = (
    "projects", "cast_members", "stream_positions", "productions",
    "sections", "sentences", "outlines", "generation_runs", "generation_events",
    "generation_feeds", "aura_jobs", "aura_job_steps", "aura_job_events",
    "editor_assets", "editor_segments", "editor_exports",
    "ai_jobs", "ai_variants", "ai_scores", "ai_timeline",
    "manim_sessions", "manim_jobs", "manim_scenes", "manim_tasks", "manim_step_times",
    "manim_feeds", "manim_events", "api_keys", "resource_owners",
    "production_events", "production_sentences", "project_renders",
)
# Views over those tables, dropped first (a table a view reads cannot be dropped alone).
READ_MODEL_VIEWS = ("active_jobs",)


def positions_channel(schema: str) -> str:
    """The NOTIFY channel on which the projection announces `<stream_id>:<version>`."""
    return f"{schema}_positions"


def _read_model_migrations() -> list[tuple[int, str, str]]:
    files = resources.files("videogen_gateway.readmodels").joinpath("sql").iterdir()
    return sorted((int(m[1]), f.name, f.read_text("utf-8"))
                  for f in files if (m := _FILE_NAME.match(f.name)))


async def _lock(conn: Conn, schema: str) -> None:
    """Replicas take turns (until the transaction ends)."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                       f"videogen.readmodels/{schema}")


async def migrate_gateway(pool: asyncpg.Pool, schema: str) -> list[int]:
    """Bring the gateway schema up to date; returns the read-model versions applied."""
    check_schema_name(schema)
    await migrate(pool, schema)
    q = quote_ident(schema)
    applied: list[int] = []
    async with pool.acquire() as conn, conn.transaction():
        await _lock(conn, schema)
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS {q}.readmodel_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r[0] for r in await conn.fetch(f"SELECT version FROM {q}.readmodel_migrations")}
        for version, name, sql in _read_model_migrations():
            if version not in done:
                await conn.execute(sql.replace("__schema__", q))
                await conn.execute(
                    f"INSERT INTO {q}.readmodel_migrations (version, name) VALUES ($1, $2)",
                    version, name,
                )
                applied.append(version)
    return applied


async def drop_read_models(pool: asyncpg.Pool, schema: str, consumers: list[str]) -> None:
    """Forget every read model and the tracking rows of `consumers`, for a rebuild."""
    q = quote_ident(check_schema_name(schema))
    async with pool.acquire() as conn, conn.transaction():
        await _lock(conn, schema)
        for view in READ_MODEL_VIEWS:
            await conn.execute(f"DROP VIEW IF EXISTS {q}.{view}")
        for table in READ_MODEL_TABLES:
            await conn.execute(f"DROP TABLE IF EXISTS {q}.{table}")
        await conn.execute(f"DROP TABLE IF EXISTS {q}.readmodel_migrations")
        await conn.execute(f"DELETE FROM {q}.tracking WHERE consumer = ANY($1::text[])", consumers)
