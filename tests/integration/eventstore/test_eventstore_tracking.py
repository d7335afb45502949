"""Tracking rows and dead letters: a consumer given the same event twice has one effect."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
from videogen_eventstore.deadletters import (
    PostgresDeadLetters,
    list_dead_letters,
    record_dead_letter,
)
from videogen_eventstore.migrations import quote_ident
from videogen_eventstore.tracking import is_tracked, track_once


class Boom(Exception):
    pass


async def _counter_table(pool: asyncpg.Pool, schema: str) -> str:
    table = f"{quote_ident(schema)}.effects"
    await pool.execute(f"CREATE TABLE {table} (id int PRIMARY KEY, n int NOT NULL)")
    await pool.execute(f"INSERT INTO {table} VALUES (1, 0)")
    return table


async def _consume(
    pool: asyncpg.Pool, schema: str, table: str, event_id: uuid.UUID, *, fail: bool = False
) -> bool:
    """A consumer: its effect and its tracking row commit together, or neither does."""
    async with pool.acquire() as conn, conn.transaction():
        if not await track_once(conn, schema, "counter", event_id):
            return False
        await conn.execute(f"UPDATE {table} SET n = n + 1 WHERE id = 1")
        if fail:
            raise Boom
        return True


async def test_the_same_event_twice_has_one_effect(pg_pool: asyncpg.Pool, schema: str) -> None:
    table = await _counter_table(pg_pool, schema)
    event_id = uuid.uuid4()

    first = await _consume(pg_pool, schema, table, event_id)
    second = await _consume(pg_pool, schema, table, event_id)
    racing = await asyncio.gather(*(_consume(pg_pool, schema, table, event_id) for _ in range(5)))

    assert (first, second, any(racing)) == (True, False, False)
    assert await pg_pool.fetchval(f"SELECT n FROM {table}") == 1
    async with pg_pool.acquire() as conn:
        assert await track_once(conn, schema, "another-consumer", event_id)


async def test_racing_deliveries_of_a_new_event_have_one_effect(
    pg_pool: asyncpg.Pool, schema: str
) -> None:
    table = await _counter_table(pg_pool, schema)
    event_id = uuid.uuid4()

    outcomes = await asyncio.gather(*(_consume(pg_pool, schema, table, event_id) for _ in range(8)))

    assert outcomes.count(True) == 1
    assert await pg_pool.fetchval(f"SELECT n FROM {table}") == 1


async def test_a_failed_effect_leaves_no_tracking_row_so_the_retry_applies(
    pg_pool: asyncpg.Pool, schema: str
) -> None:
    table = await _counter_table(pg_pool, schema)
    event_id = uuid.uuid4()

    with pytest.raises(Boom):
        await _consume(pg_pool, schema, table, event_id, fail=True)
    assert not await is_tracked(pg_pool, schema, "counter", event_id)
    assert await _consume(pg_pool, schema, table, event_id)

    assert await pg_pool.fetchval(f"SELECT n FROM {table}") == 1


async def test_dead_letters_are_recorded_with_their_payload(
    pg_pool: asyncpg.Pool, schema: str
) -> None:
    sink = PostgresDeadLetters(pg_pool, schema)
    await sink.record("gateway-projects", "vg.project.p1.Weird", b"\x00not json", "bad json")
    await record_dead_letter(pg_pool, schema, "other", "vg.x", b"{}", "unknown type")

    letters = await list_dead_letters(pg_pool, schema, "gateway-projects")

    assert [(d.consumer, d.subject, d.payload, d.error) for d in letters] == [
        ("gateway-projects", "vg.project.p1.Weird", b"\x00not json", "bad json")
    ]
    assert len(await list_dead_letters(pg_pool, schema)) == 2
