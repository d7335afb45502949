"""Fixtures for the gateway's integration tests: a pool, and recorded Project events."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from uuid import UUID, uuid4

import asyncpg
import pytest
from videogen_contracts.envelope import EventMetadata, RecordedEvent, event_type_name, to_raw
from videogen_contracts.project.events import (
    SERVICE,
    ProjectEventBase,
    stream_id_for,
)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)

Recorder = Callable[..., RecordedEvent]


@pytest.fixture
async def pool(pg_url: str) -> AsyncIterator[asyncpg.Pool]:
    created = await asyncpg.create_pool(pg_url, min_size=1, max_size=8)
    yield created
    await created.close()


@pytest.fixture
def record() -> Recorder:
    """`record(event, version)`: a RecordedEvent as the relay would publish it."""
    positions = itertools.count(1)

    def make(event: ProjectEventBase, version: int, event_id: UUID | None = None) -> RecordedEvent:
        position = next(positions)
        return RecordedEvent(
            service=SERVICE,
            global_position=position,
            transaction_id=position,
            stream_id=stream_id_for(event.project_id),
            stream_version=version,
            event_id=event_id or uuid4(),
            type=event_type_name(type(event)),
            schema_version=1,
            data=to_raw(event),
            metadata=EventMetadata(correlation_id="test", project_id=str(event.project_id)),
            recorded_at=NOW,
        )

    return make
