"""A migrated schema of the test's own, on the session's real PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest
from videogen_eventstore.migrations import migrate, quote_ident


@pytest.fixture
async def pg_pool(pg_url: str, schema: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(pg_url, min_size=1, max_size=40)
    await migrate(pool, schema)
    yield pool
    await pool.execute(f"DROP SCHEMA {quote_ident(schema)} CASCADE")
    await pool.close()
