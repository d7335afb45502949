"""Reads of the AI timeline: one page of operations, newest first, and where the next begins.

Pages are keyset pages on (at, id), not offsets: an operation recorded while a client pages
does not shift the rows it has yet to read, so nothing is shown twice or skipped. The
cursor is the last row's (at, id), opaque to clients.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec
from videogen_gateway.readmodels.owners import owned_filter, viewer
from videogen_gateway.readmodels.queries import Queries, columns


class AiOperationRow(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    kind: str
    project_id: UUID
    job_id: UUID
    variant_id: UUID | None
    status: str
    summary: str
    provider: str | None
    error: str | None
    at: datetime
    updated_at: datetime


class _Cursor(msgspec.Struct, frozen=True, array_like=True):
    at: datetime
    id: UUID


class BadCursor(ValueError):
    """Not a cursor this listing handed out."""


def encode_cursor(row: AiOperationRow) -> str:
    raw = msgspec.json.encode(_Cursor(row.at, row.id))
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> _Cursor:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        return msgspec.json.decode(raw, type=_Cursor)
    except (binascii.Error, ValueError, msgspec.DecodeError) as error:
        raise BadCursor(text) from error


class AiTimelineQueries(Queries):
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        super().__init__(pool, schema)
        # A deleted project's operations disappear with it (their rows stay).
        # Only the acting user's projects' operations (everyone's for an admin).
        select = (f"SELECT {columns(AiOperationRow)} FROM {self.q}.ai_timeline t"
                  f" WHERE {self.alive('t.project_id')} AND ")
        order = " ORDER BY at DESC, id DESC LIMIT $1"
        self._first = select + owned_filter(self.q, "t.project_id", 2) + order
        self._after = (select + owned_filter(self.q, "t.project_id", 4)
                       + " AND (at, id) < ($2, $3)" + order)

    async def page(
        self, limit: int, cursor: str | None = None
    ) -> tuple[list[AiOperationRow], str | None]:
        """Up to `limit` operations, newest first, after `cursor`; and the next cursor."""
        if cursor is None:
            rows = await self.all(self._first, AiOperationRow, limit + 1, viewer())
        else:
            after = decode_cursor(cursor)
            rows = await self.all(self._after, AiOperationRow, limit + 1, after.at, after.id,
                                  viewer())
        more = len(rows) > limit
        rows = rows[:limit]
        return rows, encode_cursor(rows[-1]) if more else None
