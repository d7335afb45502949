"""Postgres-only behaviour: appends inside a caller's transaction, and heads under xmin."""

from __future__ import annotations

import asyncpg
import pytest
from videogen_eventstore.api import NO_STREAM, START, WrongExpectedVersion, position_of
from videogen_eventstore.appending import append_to_stream
from videogen_eventstore.postgres import PostgresEventStore
from videogen_eventstore.testing import make_event


async def test_a_conflict_inside_a_transaction_leaves_it_usable(
    pg_pool: asyncpg.Pool, schema: str
) -> None:
    store = PostgresEventStore(pg_pool, schema, "project")
    repeated = make_event()
    await store.append("s", [repeated], NO_STREAM)

    async with pg_pool.acquire() as conn, conn.transaction():
        with pytest.raises(WrongExpectedVersion):
            await append_to_stream(conn, schema, "s", [make_event()], NO_STREAM)
        again = await append_to_stream(conn, schema, "s", [repeated], NO_STREAM)
        written = await append_to_stream(conn, schema, "s", [make_event(), make_event()], 1)

    assert not again.written
    assert (written.written, written.stream_version) == (True, 3)
    assert [e.stream_version for e in await store.read_stream("s")] == [1, 2, 3]


async def test_an_open_transaction_hides_later_commits_from_head_but_not_committed_head(
    pg_pool: asyncpg.Pool, schema: str
) -> None:
    store = PostgresEventStore(pg_pool, schema, "project")
    async with pg_pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        await append_to_stream(conn, schema, "early", [make_event()], NO_STREAM)
        await store.append("late", [make_event()], NO_STREAM)

        [late] = await store.read_stream("late")
        assert await store.head() == START
        assert await store.read_all(START) == []
        assert await store.committed_head() == position_of(late)

        await tx.commit()

    assert [e.stream_id for e in await store.read_all(START)] == ["early", "late"]
    assert await store.head() == position_of(late)
