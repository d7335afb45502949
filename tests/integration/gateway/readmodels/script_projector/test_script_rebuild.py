"""The script read models from the JetStream log on real NATS and PostgreSQL: projected
live, then dropped and rebuilt by `rebuild` into exactly the same rows (the SSE feed's ids
included, so a client's Last-Event-ID still means the same message after a rebuild)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import uuid4

import asyncpg
import msgspec
import pytest
from nats.aio.client import Client
from nats.js.client import JetStreamContext
from videogen_bus.connection import connect, drain
from videogen_bus.streams import ensure_stream
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.script.events import SentenceTextChanged, studio_script_id
from videogen_contracts.script.outline import OutlineApproved, OutlineGenerated
from videogen_contracts.subjects import Namespace
from videogen_gateway.readmodels.migrations import migrate_gateway
from videogen_gateway.readmodels.projector import ScriptProjector
from videogen_gateway.readmodels.rebuild import rebuild
from videogen_runtime.settings import Settings

from tests.integration.gateway.readmodels.test_rebuild import project_live, publish_events

from .conftest import NOW, Recorder
from .test_outline_and_generation_projection import plan, run_events
from .test_script_projection import replaced, script

TABLES = {
    "sections": "id", "sentences": "id", "outlines": "id", "generation_runs": "id",
    "generation_events": "project_id, seq",
}


@pytest.fixture
async def js(nats_url: str, ns: Namespace) -> AsyncIterator[JetStreamContext]:
    nc: Client = await connect(nats_url, "gateway-script-rebuild-test")
    js = nc.jetstream()
    for service in ("project", "script"):
        await ensure_stream(js, ns, service)
    yield js
    for service in ("project", "script"):
        await js.delete_stream(ns.stream_name(service))
    await drain(nc)


def history(record: Recorder) -> list[RecordedEvent]:
    """Two projects: a script edited, an outline approved, a run completed and one failed."""
    a, b, outline = uuid4(), uuid4(), uuid4()
    sections = script(a, [2, 3])
    events: list[msgspec.Struct] = [
        replaced(a, sections),
        OutlineGenerated(outline_id=outline, project_id=b, title="T", total_target_minutes=2,
                         sections=[plan("x", 1), plan("y", 1)], provider_label="offline",
                         generated_at=NOW),
        *run_events(b, uuid4(), ["x", "y"]),
        SentenceTextChanged(script_id=studio_script_id(a), project_id=a,
                            sentence_id=sections[1].sentences[0].sentence_id,
                            section_id=sections[1].section_id, text="edited", revision=2,
                            changed_at=NOW),
        OutlineApproved(outline_id=outline, project_id=b, job_id=uuid4(), approved_at=NOW),
        *run_events(b, uuid4(), ["z"], fail=True),
    ]
    return [record(e) for e in events]


async def snapshot(pool: asyncpg.Pool, schema: str) -> dict[str, list[tuple[object, ...]]]:
    return {
        table: [tuple(r) for r in await pool.fetch(
            f'SELECT * FROM "{schema}".{table} ORDER BY {order}'
        )]
        for table, order in TABLES.items()
    }


async def test_rebuild_gives_the_same_script_read_models(
    js: JetStreamContext, ns: Namespace, pool: asyncpg.Pool, pg_url: str, nats_url: str,
    world_id: str, record: Recorder,
) -> None:
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id)
    schema = settings.schema_for("gateway")
    await migrate_gateway(pool, schema)
    events = history(record)
    await publish_events(js, ns, events)
    await project_live(js, ns, pool, schema, events[-1], service="script",
                       purpose="scripts", projector=ScriptProjector)
    live = await snapshot(pool, schema)
    assert {table: len(rows) for table, rows in live.items()} == {
        "sections": 2, "sentences": 5, "outlines": 1, "generation_runs": 2,
        "generation_events": 7 + 4,
    }
    await pool.execute(f'DELETE FROM "{schema}".sentences')
    await pool.execute(f'UPDATE "{schema}".outlines SET title = \'garbage\'')
    await pool.execute(f'DELETE FROM "{schema}".generation_events WHERE seq > 3')

    replayed = await rebuild(settings)
    assert replayed == len(events)
    assert await snapshot(pool, schema) == live
