"""An in-memory event store for unit tests; it passes the same contract suite as Postgres.

Every append happens under one lock and is "committed" as it is made, so commit order is
append order and `transaction_id` can simply equal `global_position`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID

from videogen_contracts.envelope import NewEvent, RecordedEvent

from .api import START, AppendResult, Position, WrongExpectedVersion, position_of
from .appending import checked_ids
from .errors import DuplicateEventId


class InMemoryEventStore:
    def __init__(self, service: str) -> None:
        self.service = service
        self._lock = asyncio.Lock()
        self._log: list[RecordedEvent] = []
        self._streams: dict[str, list[RecordedEvent]] = {}
        self._by_id: dict[UUID, RecordedEvent] = {}

    async def append(
        self, stream_id: str, events: Sequence[NewEvent], expected_version: int | None
    ) -> AppendResult:
        ids = checked_ids(stream_id, events)
        async with self._lock:
            repeat = self._repeat_of(stream_id, ids)
            if repeat is not None:
                return repeat
            stream = self._streams.setdefault(stream_id, [])
            if expected_version is not None and expected_version != len(stream):
                raise WrongExpectedVersion(stream_id, expected_version, len(stream))
            for event in events:
                self._record(stream_id, stream, event)
            last = stream[-1]
            return AppendResult(
                stream_version=last.stream_version, global_position=last.global_position
            )

    def _repeat_of(self, stream_id: str, ids: list[UUID]) -> AppendResult | None:
        """Mirror of the SQL function: all ids stored in this stream is an idempotent repeat."""
        found = [self._by_id[i] for i in ids if i in self._by_id]
        if not found:
            return None
        if len(found) != len(ids) or any(e.stream_id != stream_id for e in found):
            raise DuplicateEventId(stream_id, ids)
        return AppendResult(
            stream_version=max(e.stream_version for e in found),
            global_position=max(e.global_position for e in found), written=False,
        )

    def _record(self, stream_id: str, stream: list[RecordedEvent], event: NewEvent) -> None:
        position = len(self._log) + 1
        recorded = RecordedEvent(
            service=self.service, global_position=position, transaction_id=position,
            stream_id=stream_id, stream_version=len(stream) + 1, event_id=event.event_id,
            type=event.type, schema_version=event.schema_version, data=event.data,
            metadata=event.metadata, recorded_at=datetime.now(UTC),
        )
        self._log.append(recorded)
        stream.append(recorded)
        self._by_id[event.event_id] = recorded

    async def read_stream(self, stream_id: str, from_version: int = 1) -> list[RecordedEvent]:
        return [e for e in self._streams.get(stream_id, []) if e.stream_version >= from_version]

    async def read_all(self, after: Position = START, limit: int = 500) -> list[RecordedEvent]:
        # transaction_id == global_position here, so the log index is the position - 1.
        start = max(after.global_position, 0)
        return self._log[start : start + limit]

    async def head(self) -> Position:
        return position_of(self._log[-1]) if self._log else START
