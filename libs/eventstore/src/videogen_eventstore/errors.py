"""Errors of the event stores beyond the contract's `WrongExpectedVersion`."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID


class DuplicateEventId(Exception):
    """Some event ids of an append are already stored, but not as a repeat of it.

    A repeat (every id already stored in the same stream) is an idempotent no-op; this is a
    caller's bug instead: ids reused across streams, or only part of an append repeated.
    """

    def __init__(self, stream_id: str, event_ids: Sequence[UUID]) -> None:
        super().__init__(f"stream {stream_id}: event ids already used elsewhere: {event_ids}")
        self.stream_id = stream_id
        self.event_ids = list(event_ids)
