"""The AI timeline from the JetStream log on real NATS and PostgreSQL: a generation, a
score and two accepts (made by the media service's own use cases, in memory), projected
live, paged newest first, then dropped and rebuilt into exactly the same rows."""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg
import pytest
from nats.js.client import JetStreamContext
from videogen_contracts.subjects import Namespace
from videogen_gateway.readmodels.ai_timeline.queries import AiTimelineQueries, BadCursor
from videogen_gateway.readmodels.migrations import migrate_gateway
from videogen_gateway.readmodels.projector import MediaProjector
from videogen_gateway.readmodels.rebuild import rebuild
from videogen_runtime.settings import Settings

from tests.integration.gateway.readmodels.ai_edits.test_ai_edits_readmodel import ai_story
from tests.integration.gateway.readmodels.editor.test_editor_readmodel import (
    Editing,
    js,  # noqa: F401 (a fixture)
)
from tests.integration.gateway.readmodels.test_rebuild import project_live, publish_events
from tests.unit.services.media.fakes import DirBlobs


async def test_ai_operations_are_listed_newest_first_and_rebuilt_the_same(
    js: JetStreamContext, ns: Namespace, pool: asyncpg.Pool, pg_url: str,  # noqa: F811
    nats_url: str, world_id: str, tmp_path: Path,
) -> None:
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id)
    schema = settings.schema_for("gateway")
    await migrate_gateway(pool, schema)
    project_id = uuid.uuid4()
    editing = Editing(DirBlobs(tmp_path / "blobs"), project_id)
    segment_id = await editing.upload(b"clip one")
    job_id, variants = await ai_story(editing, segment_id)
    events = await editing.store.read_all()
    await publish_events(js, ns, events)
    await project_live(js, ns, pool, schema, events[-1], service="media", purpose="media",
                       projector=MediaProjector)  # fmt: skip

    queries = AiTimelineQueries(pool, schema)
    rows, cursor = await queries.page(10)
    assert cursor is None
    # All were recorded at the same instant here: the order is then by id, still stable.
    assert sorted(r.kind for r in rows) == ["accept", "accept", "generate", "score"]
    assert {r.job_id for r in rows} == {job_id}
    [generate] = [r for r in rows if r.kind == "generate"]
    assert generate.status == "completed"
    assert "blur the face" in generate.summary
    [score] = [r for r in rows if r.kind == "score"]
    assert (score.variant_id, score.provider) == (variants[0], "offline")
    assert "against the original" in score.summary
    assert {r.variant_id for r in rows if r.kind == "accept"} == set(variants)

    first, after = await queries.page(3)
    rest, end = await queries.page(3, after)
    assert after is not None
    assert end is None
    assert [r.id for r in first + rest] == [r.id for r in rows]
    with pytest.raises(BadCursor):
        await queries.page(3, "not-a-cursor")

    live = [tuple(r) for r in await pool.fetch(f'SELECT * FROM "{schema}".ai_timeline ORDER BY id')]
    await pool.execute(f'UPDATE "{schema}".ai_timeline SET status = \'garbage\'')
    assert await rebuild(settings) == len(events)
    rebuilt = await pool.fetch(f'SELECT * FROM "{schema}".ai_timeline ORDER BY id')
    assert [tuple(r) for r in rebuilt] == live
