"""Read models from the JetStream log on real NATS and PostgreSQL: live, out of order, and
rebuilt from scratch with `python -m videogen_gateway rebuild`'s function."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from uuid import uuid4

import asyncpg
import pytest
from nats.aio.client import Client
from nats.js.client import JetStreamContext
from videogen_bus.connection import connect, drain
from videogen_bus.consumer import run_consumer
from videogen_bus.streams import ensure_stream
from videogen_contracts.envelope import RecordedEvent, encode_recorded
from videogen_contracts.project.events import (
    CastMemberAdded,
    CastMemberRemoved,
    ProjectChanges,
    ProjectCreated,
    ProjectDeleted,
    ProjectEventBase,
    ProjectUpdated,
)
from videogen_contracts.subjects import Namespace
from videogen_eventstore.deadletters import PostgresDeadLetters
from videogen_gateway.positions import PositionWaiter
from videogen_gateway.readmodels.migrations import migrate_gateway
from videogen_gateway.readmodels.projector import ProjectProjector, StreamProjector
from videogen_gateway.readmodels.rebuild import rebuild
from videogen_runtime.settings import Settings

from .conftest import NOW, Recorder

SNAPSHOT = (
    "SELECT id, topic, style, target_duration_minutes, audience, language, deleted,"
    " created_at, updated_at FROM {q}.projects ORDER BY id",
    "SELECT project_id, id, name, role, position FROM {q}.cast_members ORDER BY project_id, id",
    "SELECT stream_id, version FROM {q}.stream_positions ORDER BY stream_id",
)


@pytest.fixture
async def js(nats_url: str, ns: Namespace) -> AsyncIterator[JetStreamContext]:
    nc: Client = await connect(nats_url, "gateway-rebuild-test")
    js = nc.jetstream()
    await ensure_stream(js, ns, "project")
    yield js
    await js.delete_stream(ns.stream_name("project"))
    await drain(nc)


async def publish_events(
    js: JetStreamContext, ns: Namespace, events: list[RecordedEvent]
) -> None:
    for e in events:
        subject = ns.event_subject(e.service, e.metadata.project_id, e.type)
        await js.publish(subject, encode_recorded(e), headers={"Nats-Msg-Id": str(e.event_id)})


def history(record: Recorder) -> list[RecordedEvent]:
    """Three projects: one edited with a cast, one deleted, one untouched."""
    a, b, c, ada, bo = uuid4(), uuid4(), uuid4(), uuid4(), uuid4()

    def created(pid: object, topic: str) -> ProjectCreated:
        return ProjectCreated(
            project_id=pid, topic=topic, style=None, target_duration_minutes=3.0,  # type: ignore[arg-type]
            description=None, audience=None, goal=None, tone=None, language="en",
            aspect_ratio="16:9", owner=None, created_at=NOW,
        )

    def cast(pid: object, cid: object, name: str) -> CastMemberAdded:
        return CastMemberAdded(project_id=pid, character_id=cid, name=name,  # type: ignore[arg-type]
                               description=None, role=None, voice=None, added_at=NOW)

    streams: dict[object, list[ProjectEventBase]] = {
        a: [created(a, "A"), cast(a, ada, "Ada"), cast(a, bo, "Bo"),
            ProjectUpdated(project_id=a, changes=ProjectChanges(topic="A2", style="noir"),
                           updated_at=NOW),
            CastMemberRemoved(project_id=a, character_id=ada, removed_at=NOW)],
        b: [created(b, "B"), ProjectDeleted(project_id=b, deleted_at=NOW)],
        c: [created(c, "C")],
    }
    # Interleave the streams as concurrent writers would.
    out: list[RecordedEvent] = []
    versions = {pid: 0 for pid in streams}
    while any(streams.values()):
        for pid, events in streams.items():
            if events:
                versions[pid] += 1
                out.append(record(events.pop(0), versions[pid]))
    return out


async def snapshot(pool: asyncpg.Pool, schema: str) -> list[list[tuple[object, ...]]]:
    return [
        [tuple(r) for r in await pool.fetch(sql.format(q=f'"{schema}"'))] for sql in SNAPSHOT
    ]


async def project_live(
    js: JetStreamContext, ns: Namespace, pool: asyncpg.Pool, schema: str, last: RecordedEvent,
    *, service: str = "project", purpose: str = "projects",
    projector: type[StreamProjector] = ProjectProjector,
) -> None:
    """Run a stream's projection as the gateway does until `last` is applied."""
    durable = ns.durable("gateway", purpose)
    stop = asyncio.Event()
    task = asyncio.create_task(run_consumer(
        js, stream=ns.stream_name(service), durable=durable, filter_subjects=None,
        handle=projector(pool, schema, durable).handle,
        dead_letters=PostgresDeadLetters(pool, schema), stop=stop, idle_wait=0.2,
    ))
    try:
        waiter = PositionWaiter(pool, schema)
        assert await waiter.wait_for(last.stream_id, last.stream_version, within=10)
    finally:
        stop.set()
        await task


async def test_out_of_order_publishes_converge(
    js: JetStreamContext, ns: Namespace, pool: asyncpg.Pool, world_id: str, record: Recorder
) -> None:
    schema = f"{world_id}_gateway"
    await migrate_gateway(pool, schema)
    events = history(record)
    a_events = [e for e in events if e.stream_id == events[0].stream_id]
    # The last events of one stream reach the log before the earlier ones.
    reordered = a_events[::-1] + [e for e in events if e not in a_events]
    await publish_events(js, ns, reordered)
    await project_live(js, ns, pool, schema, a_events[-1])
    rows = await pool.fetch(f'SELECT name FROM "{schema}".cast_members')
    assert [r["name"] for r in rows] == ["Bo"]
    topic = await pool.fetchval(f'SELECT topic FROM "{schema}".projects WHERE topic LIKE $1', "A%")
    assert topic == "A2"


async def test_rebuild_from_the_log_yields_the_same_read_model(
    js: JetStreamContext, ns: Namespace, pool: asyncpg.Pool, pg_url: str, nats_url: str,
    world_id: str, record: Recorder,
) -> None:
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id)
    schema = settings.schema_for("gateway")
    await migrate_gateway(pool, schema)
    events = history(record)
    await publish_events(js, ns, events)
    await project_live(js, ns, pool, schema, events[-1])
    live = await snapshot(pool, schema)
    assert len(live[0]) == 3
    assert len(live[2]) == 3

    # Damage the read model, then rebuild it from the log alone.
    await pool.execute(f'DELETE FROM "{schema}".cast_members')
    await pool.execute(f'UPDATE "{schema}".projects SET topic = \'garbage\'')
    replayed = await rebuild(settings)
    assert replayed == len(events)
    assert await snapshot(pool, schema) == live
    # And again: a rebuild is repeatable.
    await rebuild(settings)
    assert await snapshot(pool, schema) == live
