"""Named checkpoints: how far a tailing reader (the relay, say) has got through the log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .api import START, Position
from .migrations import check_schema_name, quote_ident

if TYPE_CHECKING:
    from .db import Executor


async def load_checkpoint(conn: Executor, schema: str, name: str) -> Position:
    q = quote_ident(check_schema_name(schema))
    row = await conn.fetchrow(
        f"SELECT transaction_id, global_position FROM {q}.checkpoints WHERE name = $1", name
    )
    return START if row is None else Position(row[0], row[1])


async def save_checkpoint(conn: Executor, schema: str, name: str, position: Position) -> None:
    """Move the checkpoint forward; never back (a stale writer cannot rewind it)."""
    q = quote_ident(check_schema_name(schema))
    await conn.execute(
        f"INSERT INTO {q}.checkpoints AS c (name, transaction_id, global_position)"
        " VALUES ($1, $2::xid8, $3)"
        " ON CONFLICT (name) DO UPDATE"
        " SET transaction_id = excluded.transaction_id,"
        " global_position = excluded.global_position, updated_at = now()"
        " WHERE (c.transaction_id, c.global_position)"
        " < (excluded.transaction_id, excluded.global_position)",
        name, position.transaction_id, position.global_position,
    )
