"""Tracking rows: how a consumer knows it already handled an event.

A consumer writes its effect and the row `(consumer, event_id)` in ONE transaction, and acks
the message only after that commits. A redelivery (the ack was lost, the consumer crashed
after commit) then finds the row and skips the effect; a crash before commit leaves neither,
and the redelivery does the work. Effectively-once, on top of at-least-once delivery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from .migrations import check_schema_name, quote_ident

if TYPE_CHECKING:
    from .db import Conn, Executor


async def track_once(conn: Conn, schema: str, consumer: str, event_id: UUID) -> bool:
    """Record `event_id` as processed by `consumer`; False if it already was.

    Call it inside the transaction that writes the effect. Two deliveries racing each other
    are serialized by the primary key: the second waits for the first to commit, then
    gets False (or True if the first rolled back).
    """
    q = quote_ident(check_schema_name(schema))
    inserted = await conn.fetchval(
        f"INSERT INTO {q}.tracking (consumer, event_id) VALUES ($1, $2)"
        " ON CONFLICT DO NOTHING RETURNING true",
        consumer, event_id,
    )
    return inserted is True


async def is_tracked(conn: Executor, schema: str, consumer: str, event_id: UUID) -> bool:
    q = quote_ident(check_schema_name(schema))
    found = await conn.fetchval(
        f"SELECT true FROM {q}.tracking WHERE consumer = $1 AND event_id = $2", consumer, event_id
    )
    return found is True
