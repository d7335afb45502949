"""Migrations: applied once even when several replicas start at the same moment."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest
from videogen_eventstore.migrations import load_migrations, migrate, quote_ident


@pytest.fixture
async def bare_pool(pg_url: str, schema: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool and a schema name, with nothing created yet."""
    pool = await asyncpg.create_pool(pg_url, min_size=1, max_size=8)
    yield pool
    await pool.execute(f"DROP SCHEMA IF EXISTS {quote_ident(schema)} CASCADE")
    await pool.close()


async def test_five_concurrent_migrators_apply_each_version_exactly_once(
    bare_pool: asyncpg.Pool, schema: str
) -> None:
    applied = await asyncio.gather(*(migrate(bare_pool, schema) for _ in range(5)))

    versions = [m.version for m in load_migrations()]
    assert sorted(v for run in applied for v in run) == versions
    assert sum(1 for run in applied if run) == 1
    rows = await bare_pool.fetch(
        f"SELECT version FROM {quote_ident(schema)}.schema_migrations ORDER BY version"
    )
    assert [r["version"] for r in rows] == versions


async def test_migrating_again_changes_nothing(bare_pool: asyncpg.Pool, schema: str) -> None:
    await migrate(bare_pool, schema)

    assert await migrate(bare_pool, schema) == []
    tables = await bare_pool.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", schema
    )
    assert {r["table_name"] for r in tables} >= {
        "events",
        "checkpoints",
        "tracking",
        "dead_letters",
        "schema_migrations",
    }


async def test_bad_schema_names_are_refused(bare_pool: asyncpg.Pool) -> None:
    with pytest.raises(ValueError, match="invalid schema name"):
        await migrate(bare_pool, 'x"; DROP TABLE y; --')
