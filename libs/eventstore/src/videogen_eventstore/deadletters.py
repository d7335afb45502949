"""Dead letters: messages a consumer could not decode or handle, kept for a human to see.

The bus terminates such a message (it would fail the same way on every redelivery) only
after recording it here, so nothing is dropped silently.
"""

from __future__ import annotations

from typing import Protocol

import asyncpg
import msgspec

from .migrations import check_schema_name, quote_ident


class DeadLetter(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    consumer: str
    subject: str
    payload: bytes
    error: str


class DeadLetterSink(Protocol):
    """Where the bus's consumer loop puts a message before it `term`s it."""

    async def record(self, consumer: str, subject: str, payload: bytes, error: str) -> None: ...


async def record_dead_letter(
    pool: asyncpg.Pool, schema: str, consumer: str, subject: str, payload: bytes, error: str
) -> int:
    q = quote_ident(check_schema_name(schema))
    new_id: int = await pool.fetchval(
        f"INSERT INTO {q}.dead_letters (consumer, subject, payload, error)"
        " VALUES ($1, $2, $3, $4) RETURNING id",
        consumer, subject, payload, error,
    )
    return new_id


async def list_dead_letters(
    pool: asyncpg.Pool, schema: str, consumer: str | None = None
) -> list[DeadLetter]:
    q = quote_ident(check_schema_name(schema))
    rows = await pool.fetch(
        f"SELECT id, consumer, subject, payload, error FROM {q}.dead_letters"
        " WHERE $1::text IS NULL OR consumer = $1 ORDER BY id",
        consumer,
    )
    return [DeadLetter(**dict(r)) for r in rows]


class PostgresDeadLetters:
    """A `DeadLetterSink` writing into one service schema's `dead_letters` table."""

    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self._pool = pool
        self._schema = check_schema_name(schema)

    async def record(self, consumer: str, subject: str, payload: bytes, error: str) -> None:
        await record_dead_letter(self._pool, self._schema, consumer, subject, payload, error)
