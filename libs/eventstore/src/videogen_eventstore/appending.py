"""One append = one call of the `append_events` SQL function (sql/0002_append_events.sql).

The function does the idempotency check, the expected-version check and the insert under a
per-stream lock, and returns an outcome; here we turn that outcome into an `AppendResult`
or an exception. Nothing is raised inside PostgreSQL for an expected conflict, so an append
made inside a caller's transaction never aborts it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING
from uuid import UUID

import msgspec
from videogen_contracts.envelope import NewEvent

from .api import AppendResult, WrongExpectedVersion
from .errors import DuplicateEventId
from .migrations import quote_ident

if TYPE_CHECKING:
    from .db import Conn

_encoder = msgspec.json.Encoder()


@lru_cache(maxsize=64)
def _statements(schema: str) -> tuple[str, str]:
    q = quote_ident(schema)
    out = "SELECT outcome, last_version, last_position FROM"
    return (
        f"{out} {q}.append_event($1, $2, $3, $4, $5, $6, $7, $8)",
        f"{out} {q}.append_events($1, $2, $3, $4, $5, $6, $7, $8)",
    )


async def append_to_stream(
    conn: Conn, schema: str, stream_id: str, events: Sequence[NewEvent],
    expected_version: int | None, *, notify: bool = True,
) -> AppendResult:
    """Append on `conn`, inside the caller's transaction if one is open.

    `notify=True` sends the relay's NOTIFY from inside the transaction, so it fires at the
    caller's commit. The store passes False and sends a coalesced one after commit instead
    (see notify.py for why).
    """
    ids = checked_ids(stream_id, events)
    single, batch = _statements(schema)
    if len(events) == 1:
        e = events[0]
        args: tuple[object, ...] = (
            e.event_id, e.type, e.schema_version, bytes(e.data).decode(),
            _encoder.encode(e.metadata).decode(),
        )
    else:
        args = (
            ids, [e.type for e in events], [e.schema_version for e in events],
            [bytes(e.data).decode() for e in events], _encoded_metadata(events),
        )
    row = await conn.fetchrow(
        single if len(events) == 1 else batch, stream_id, expected_version, *args, notify
    )
    assert row is not None
    return _result(stream_id, expected_version, ids, *row)


def _encoded_metadata(events: Sequence[NewEvent]) -> list[str]:
    """The events of one command usually share one metadata object: encode it once."""
    encoded: dict[int, str] = {}
    out = []
    for e in events:
        text = encoded.get(id(e.metadata))
        if text is None:
            text = encoded[id(e.metadata)] = _encoder.encode(e.metadata).decode()
        out.append(text)
    return out


def _result(
    stream_id: str, expected_version: int | None, ids: list[UUID], outcome: str, version: int,
    position: int | None,
) -> AppendResult:
    if outcome == "written" and position is not None:
        return AppendResult(stream_version=version, global_position=position)
    if outcome == "duplicate" and position is not None:
        return AppendResult(stream_version=version, global_position=position, written=False)
    if outcome == "conflict":
        raise WrongExpectedVersion(stream_id, expected_version, version)
    raise DuplicateEventId(stream_id, ids)


def checked_ids(stream_id: str, events: Sequence[NewEvent]) -> list[UUID]:
    """The events' ids; raises for an empty append or an id given twice."""
    if not events:
        raise ValueError(f"stream {stream_id}: nothing to append")
    ids = [e.event_id for e in events]
    if len(set(ids)) != len(ids):
        raise DuplicateEventId(stream_id, ids)
    return ids
