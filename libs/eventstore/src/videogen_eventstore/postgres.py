"""The PostgreSQL event store: one `events` table per service schema.

Why `read_all` never skips a late commit. `global_position` comes from a sequence, so it is
handed out when a row is inserted, not when its transaction commits: writer A takes 10 and
writer B takes 11, B commits, a reader reads 11 and moves on, then A commits 10 behind the
reader's back. Instead a reader orders by `(transaction_id, global_position)` and only
reads rows whose transaction id is below `pg_snapshot_xmin(pg_current_snapshot())`, the
oldest transaction still running. Every transaction below xmin has finished (committed or
rolled back), and any transaction that starts later gets a larger id, so nothing can ever
appear behind a reader's checkpoint. The price: one long-running transaction holds every
reader back until it ends (the concurrency test holds one open for 2 s on purpose).

Appends go through the `append_events` SQL function (see appending.py): one round trip,
serialized per stream.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
import msgspec
from videogen_contracts.envelope import EventMetadata, NewEvent, RecordedEvent

from .api import START, AppendResult, Position
from .appending import append_to_stream
from .migrations import check_schema_name, notify_channel, quote_ident
from .notify import AppendNotifier

_metadata_decoder = msgspec.json.Decoder(EventMetadata)

# jsonb is read as text and wrapped in msgspec.Raw: no JSON parsing until someone needs it.
_COLUMNS = (
    "global_position, transaction_id, stream_id, stream_version, event_id, type,"
    " schema_version, data::text AS data, metadata::text AS metadata, recorded_at"
)


class PostgresEventStore:
    def __init__(self, pool: asyncpg.Pool, schema: str, service: str) -> None:
        self._pool = pool
        self.schema = check_schema_name(schema)
        self.service = service
        self._notifier = AppendNotifier(pool, notify_channel(schema))
        q = quote_ident(schema)
        self._stream_sql = (
            f"SELECT {_COLUMNS} FROM {q}.events"
            " WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version"
        )
        # Rows of transactions still running (or that might still start below xmin: none
        # can) are invisible here; see the module docstring.
        self._all_sql = (
            f"SELECT {_COLUMNS} FROM {q}.events"
            " WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())"
            " AND (transaction_id, global_position) > ($1::xid8, $2::bigint)"
            " ORDER BY transaction_id, global_position LIMIT $3"
        )
        last = " ORDER BY transaction_id DESC, global_position DESC LIMIT 1"
        self._head_sql = (
            f"SELECT transaction_id, global_position FROM {q}.events"
            " WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())" + last
        )
        self._committed_head_sql = f"SELECT transaction_id, global_position FROM {q}.events{last}"

    async def append(
        self, stream_id: str, events: Sequence[NewEvent], expected_version: int | None
    ) -> AppendResult:
        async with self._pool.acquire() as conn:
            result = await append_to_stream(
                conn, self.schema, stream_id, events, expected_version, notify=False
            )
        # Committed (autocommit statement): now wake the relay.
        if result.written:
            self._notifier.poke()
        return result

    async def read_stream(self, stream_id: str, from_version: int = 1) -> list[RecordedEvent]:
        rows = await self._pool.fetch(self._stream_sql, stream_id, from_version)
        return [self._decode(r) for r in rows]

    async def read_all(self, after: Position = START, limit: int = 500) -> list[RecordedEvent]:
        rows = await self._pool.fetch(
            self._all_sql, after.transaction_id, after.global_position, limit
        )
        return [self._decode(r) for r in rows]

    async def head(self) -> Position:
        row = await self._pool.fetchrow(self._head_sql)
        return START if row is None else Position(row[0], row[1])

    async def committed_head(self) -> Position:
        """The position of the last event committed now, visible to readers or not yet.

        A reader that reaches it has read everything committed before this call (it may
        have to wait for older transactions still running to end first).
        """
        row = await self._pool.fetchrow(self._committed_head_sql)
        return START if row is None else Position(row[0], row[1])

    def _decode(self, row: asyncpg.Record) -> RecordedEvent:
        return RecordedEvent(
            service=self.service, global_position=row[0], transaction_id=row[1], stream_id=row[2],
            stream_version=row[3], event_id=row[4], type=row[5], schema_version=row[6],
            data=msgspec.Raw(row[7]), metadata=_metadata_decoder.decode(row[8]), recorded_at=row[9],
        )
