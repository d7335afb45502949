"""Fixtures for the script read models: a migrated schema, a projector, recorded events.

The pool is the one of readmodels/conftest.py; `record` here replaces its Project recorder.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from uuid import uuid4

import asyncpg
import msgspec
import pytest
from videogen_contracts.envelope import EventMetadata, RecordedEvent, to_raw
from videogen_contracts.script.events import stream_id_for, studio_script_id
from videogen_contracts.script.generation import generation_stream_id
from videogen_contracts.script.outline import outline_stream_id
from videogen_gateway.readmodels.migrations import migrate_gateway
from videogen_gateway.readmodels.projector import ScriptProjector

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
CONSUMER = "gateway-scripts"

Recorder = Callable[[msgspec.Struct], RecordedEvent]


@pytest.fixture
async def projector(pool: asyncpg.Pool, schema: str) -> ScriptProjector:
    await migrate_gateway(pool, schema)
    return ScriptProjector(pool, schema, CONSUMER)


def stream_of(event: msgspec.Struct) -> str:
    """The stream a script-service event is appended to, from the ids it carries."""
    if hasattr(event, "outline_id") and type(event).__name__.startswith("Outline"):
        return outline_stream_id(event.outline_id)
    if type(event).__name__.startswith("Generation"):
        return generation_stream_id(event.job_id)  # type: ignore[attr-defined]
    return stream_id_for(event.script_id)  # type: ignore[attr-defined]


@pytest.fixture
def record() -> Recorder:
    """`record(event)`: the event as the relay publishes it, next version of its stream."""
    positions = itertools.count(1)
    versions: dict[str, int] = {}

    def make(event: msgspec.Struct) -> RecordedEvent:
        stream = stream_of(event)
        versions[stream] = versions.get(stream, 0) + 1
        position = next(positions)
        return RecordedEvent(
            service="script",
            global_position=position,
            transaction_id=position,
            stream_id=stream,
            stream_version=versions[stream],
            event_id=uuid4(),
            type=str(type(event).__struct_config__.tag),
            schema_version=1,
            data=to_raw(event),
            metadata=EventMetadata(
                correlation_id="test", project_id=str(event.project_id)  # type: ignore[attr-defined]
            ),
            recorded_at=NOW,
        )

    return make


__all__ = ["NOW", "Recorder", "studio_script_id"]
