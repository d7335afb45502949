"""The `editor_exports` read model (doc 002 export jobs) on real PostgreSQL and NATS:
projected live from the export stream, statuses only moving forward, and dropped and
rebuilt by `rebuild` into exactly the same rows."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from uuid import UUID, uuid4

import asyncpg
import pytest
from nats.aio.client import Client
from nats.js.client import JetStreamContext
from videogen_bus.connection import connect, drain
from videogen_bus.streams import ensure_stream
from videogen_contracts.envelope import EventMetadata, RecordedEvent, event_type_name, to_raw
from videogen_contracts.export.events import SERVICE
from videogen_contracts.export.exports import (
    Cut,
    ExportCompleted,
    ExportEventBase,
    ExportFailed,
    ExportRequested,
    ExportStarted,
    export_stream_id,
)
from videogen_contracts.subjects import Namespace
from videogen_gateway.readmodels.exports.readmodel import ExportQueries
from videogen_gateway.readmodels.migrations import migrate_gateway
from videogen_gateway.readmodels.projector import ExportProjector
from videogen_gateway.readmodels.rebuild import rebuild
from videogen_runtime.settings import Settings

from tests.integration.gateway.readmodels.test_rebuild import project_live, publish_events

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
SERVICES = ("project", "script", "export")


class Log:
    """RecordedEvents in stream order, as the export service's relay would publish them."""

    def __init__(self) -> None:
        self.positions = itertools.count(1)
        self.versions: dict[UUID, int] = {}

    def record(self, event: ExportEventBase) -> RecordedEvent:
        version = self.versions[event.export_id] = self.versions.get(event.export_id, 0) + 1
        position = next(self.positions)
        return RecordedEvent(
            service=SERVICE, global_position=position, transaction_id=position,
            stream_id=export_stream_id(event.export_id), stream_version=version,
            event_id=uuid4(), type=event_type_name(type(event)), schema_version=1,
            data=to_raw(event),
            metadata=EventMetadata(correlation_id="t", project_id=str(event.project_id)),
            recorded_at=NOW,
        )  # fmt: skip


def exports(log: Log) -> tuple[list[RecordedEvent], dict[str, UUID]]:
    """Three exports of one project: completed (reused), failed, and still running."""
    pid = uuid4()
    ids = {"done": uuid4(), "failed": uuid4(), "running": uuid4()}
    cut = Cut(segment_id=uuid4(), media_key=f"editor/{pid}/assets/a", start_ts=0, end_ts=2)

    def requested(eid: UUID) -> ExportRequested:
        return ExportRequested(export_id=eid, project_id=pid, format="webm", cuts=[cut],
                               output_key=f"editor/{pid}/exports/d.webm", requested_at=NOW)

    def started(eid: UUID) -> ExportStarted:
        return ExportStarted(export_id=eid, project_id=pid, started_at=NOW)

    done, failed, running = ids["done"], ids["failed"], ids["running"]
    events: list[ExportEventBase] = [
        requested(done), requested(failed), started(done), requested(running),
        started(failed), started(running),
        ExportCompleted(export_id=done, project_id=pid, video_key=f"editor/{pid}/exports/d.webm",
                        duration_s=2.0, size_bytes=1234, reused=True, completed_at=NOW),
        ExportFailed(export_id=failed, project_id=pid, code="missing_input", reason="gone",
                     failed_at=NOW),
        # A failure after the outcome changes nothing (the decider never records one, but
        # the projection does not rely on it).
        ExportFailed(export_id=done, project_id=pid, code="internal", reason="late",
                     failed_at=NOW),
    ]  # fmt: skip
    return [log.record(e) for e in events], ids


@pytest.fixture
async def js(nats_url: str, ns: Namespace) -> AsyncIterator[JetStreamContext]:
    nc: Client = await connect(nats_url, "gateway-exports-rebuild-test")
    js = nc.jetstream()
    for service in SERVICES:
        await ensure_stream(js, ns, service)
    yield js
    for service in SERVICES:
        await js.delete_stream(ns.stream_name(service))
    await drain(nc)


async def snapshot(pool: asyncpg.Pool, schema: str) -> list[tuple[object, ...]]:
    sql = f'SELECT * FROM "{schema}".editor_exports ORDER BY id'
    return [tuple(r) for r in await pool.fetch(sql)]


async def test_exports_are_projected_then_rebuilt_the_same(
    js: JetStreamContext, ns: Namespace, pool: asyncpg.Pool, pg_url: str, nats_url: str,
    world_id: str,
) -> None:
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id)
    schema = settings.schema_for("gateway")
    await migrate_gateway(pool, schema)
    events, ids = exports(Log())
    await publish_events(js, ns, events)
    await project_live(js, ns, pool, schema, events[-1], service="export", purpose="exports",
                       projector=ExportProjector)  # fmt: skip

    queries = ExportQueries(pool, schema)
    rows = {name: await queries.get(eid) for name, eid in ids.items()}
    done, failed, running = rows["done"], rows["failed"], rows["running"]
    assert done is not None
    assert (done.status, done.reused, done.duration_s, done.error) == ("completed", True, 2.0, None)
    assert failed is not None
    assert (failed.status, failed.error) == ("failed", "gone")
    assert running is not None
    assert (running.status, running.video_key) == ("running", None)

    live = await snapshot(pool, schema)
    await pool.execute(f'UPDATE "{schema}".editor_exports SET status = \'garbage\'')
    replayed = await rebuild(settings)
    assert replayed == len(events)
    assert await snapshot(pool, schema) == live
