"""Builders for tests of code that uses an event store (no pytest dependency)."""

from __future__ import annotations

import uuid

import msgspec
from videogen_contracts.envelope import EventMetadata, NewEvent


def make_event(
    type_: str = "ThingHappened",
    *,
    n: int = 0,
    event_id: uuid.UUID | None = None,
    project_id: str | None = None,
    causation_id: str | None = None,
    command_id: str | None = None,
) -> NewEvent:
    """A NewEvent with a fresh id and a small JSON payload `{"n": n, ...}`."""
    return NewEvent(
        event_id=event_id or uuid.uuid4(),
        type=type_,
        data=msgspec.Raw(msgspec.json.encode({"n": n, "text": 'héllo "wörld"'})),
        metadata=EventMetadata(
            correlation_id=str(uuid.uuid4()),
            causation_id=causation_id,
            command_id=command_id,
            project_id=project_id,
        ),
    )
