"""Builders for tests of code that uses an event store (no pytest dependency)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

import msgspec
from videogen_contracts.envelope import EventMetadata, NewEvent, RecordedEvent

from .api import AppendResult, WrongExpectedVersion
from .memory import InMemoryEventStore


def make_event(
    type_: str = "ThingHappened", *, n: int = 0, event_id: uuid.UUID | None = None,
    project_id: str | None = None, causation_id: str | None = None, command_id: str | None = None,
) -> NewEvent:
    """A NewEvent with a fresh id and a small JSON payload `{"n": n, ...}`."""
    return NewEvent(
        event_id=event_id or uuid.uuid4(),
        type=type_,
        data=msgspec.Raw(msgspec.json.encode({"n": n, "text": 'héllo "wörld"'})),
        metadata=EventMetadata(
            correlation_id=str(uuid.uuid4()), causation_id=causation_id, command_id=command_id,
            project_id=project_id,
        ),
    )


class InterleavingStore(InMemoryEventStore):
    """Yields after every read, so concurrent commands all load before any appends; counts
    the appends that lost the race."""

    conflicts = 0

    async def read_stream(self, stream_id: str, from_version: int = 1) -> list[RecordedEvent]:
        events = await super().read_stream(stream_id, from_version)
        await asyncio.sleep(0)
        return events

    async def append(
        self, stream_id: str, events: Sequence[NewEvent], expected_version: int | None
    ) -> AppendResult:
        try:
            return await super().append(stream_id, events, expected_version)
        except WrongExpectedVersion:
            self.conflicts += 1
            raise
