"""The contract every event store implements (Postgres and in-memory).

Positions: a tailing reader orders events by `(transaction_id, global_position)` and only
sees transactions below the snapshot's xmin, so an event that commits late is never
skipped (see postgres.py). A checkpoint is therefore the pair, not the bare position.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import msgspec
from videogen_contracts.envelope import NewEvent, RecordedEvent

# expected_version: ANY skips the check; NO_STREAM demands that the stream is empty;
# a positive n demands that the stream's last version is exactly n. Versions start at 1.
ANY: int | None = None
NO_STREAM = 0


class WrongExpectedVersion(Exception):
    def __init__(self, stream_id: str, expected: int | None, actual: int) -> None:
        super().__init__(f"stream {stream_id}: expected version {expected}, actual {actual}")
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


class Position(msgspec.Struct, frozen=True, order=True):
    """Commit-safe checkpoint: ordering is by transaction id first, then global position."""

    transaction_id: int = 0
    global_position: int = 0


START = Position(0, 0)


class AppendResult(msgspec.Struct, frozen=True, kw_only=True):
    stream_version: int
    global_position: int
    # False when every event_id was already stored (an idempotent repeat): nothing written.
    written: bool = True


class EventStore(Protocol):
    async def append(
        self, stream_id: str, events: Sequence[NewEvent], expected_version: int | None
    ) -> AppendResult: ...

    async def read_stream(self, stream_id: str, from_version: int = 1) -> list[RecordedEvent]: ...

    async def read_all(self, after: Position, limit: int = 500) -> list[RecordedEvent]:
        """Committed events after `after`, in commit-safe order; never skips a late commit."""
        ...

    async def head(self) -> Position:
        """The position of the last event a tailing reader can see now."""
        ...


def position_of(event: RecordedEvent) -> Position:
    return Position(event.transaction_id, event.global_position)
