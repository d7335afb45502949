"""The production feed (readmodels/productions/feed.py) and the renders behind the studio's
`stale` flag (renders.py), on real PostgreSQL, fed through the project projector exactly as
the bus delivers events: ids without gaps, once per event however often it is delivered,
continued across a retry; the later of two completions is a project's last render."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from uuid import uuid4

import asyncpg
import pytest
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.project.production import (
    ProductionAdvanced,
    ProductionBrief,
    ProductionCompleted,
    ProductionFailed,
    ProductionQueued,
    ProductionRetried,
    ProductionScriptAttached,
    ProductionSentence,
    RenderSettings,
    VoiceSettings,
)
from videogen_eventstore.migrations import quote_ident
from videogen_gateway.readmodels.migrations import migrate_gateway
from videogen_gateway.readmodels.productions.readmodel import ProductionQueries
from videogen_gateway.readmodels.projector import Outcome, ProjectProjector

from tests.integration.gateway.readmodels.test_productions_readmodel import T0, Production


@pytest.fixture
async def pool(pg_url: str) -> AsyncIterator[asyncpg.Pool]:
    created = await asyncpg.create_pool(pg_url, min_size=1, max_size=4)
    yield created
    await created.close()


class Remembering(ProjectProjector):
    """The projector, remembering the last event it was given (to deliver it again)."""

    last: RecordedEvent | None = None

    async def apply(self, recorded: RecordedEvent) -> Outcome:
        self.last = recorded
        return await super().apply(recorded)


@pytest.fixture
async def projector(pool: asyncpg.Pool, schema: str) -> Remembering:
    await migrate_gateway(pool, schema)
    return Remembering(pool, schema, "gateway-projects")


async def test_the_feed_numbers_each_message_once_and_continues_after_a_retry(
    projector: Remembering, pool: asyncpg.Pool, schema: str
) -> None:
    queries = ProductionQueries(pool, schema)
    job = Production(projector)
    await job.queued()
    await job.advance("scripting", 0, "Writing the script...")
    await job.log("Starting script generation...")
    await job.advance("narrating", 20, "Generating audio...")
    await job.apply(ProductionAdvanced(
        production_id=job.id, from_stage="narrating", stage="narrating", progress=20,
        message="Generating audio... 1/2", at=job.at(), percent=50, items_done=1,
        items_total=2,
    ))
    await job.apply(ProductionFailed(production_id=job.id, stage="narrating",
                                     code="media_failed", reason="TTS died", at=job.at()))
    messages = await queries.events_after(job.id, 0)
    assert [(m.id, m.event) for m in messages] == [
        (1, "progress"), (2, "progress"), (3, "log"), (4, "progress"), (5, "progress"),
        (6, "failed"),
    ]
    narrated = json.loads(messages[4].data)
    assert (narrated["items_done"], narrated["items_total"], narrated["percent"]) == (1, 2, 50)
    assert (narrated["status"], narrated["stage"], narrated["progress"]) == (
        "processing", "narrating", 20)
    failed = json.loads(messages[5].data)
    assert (failed["status"], failed["stage"], failed["error"]) == ("failed", "failed", "TTS died")
    # Paging: after a position, at most `limit`.
    assert [m.id for m in await queries.events_after(job.id, 2, limit=2)] == [3, 4]

    # A redelivered event (same event id, same version) changes nothing.
    before = await queries.get(job.id)
    assert before is not None
    assert before.last_seq == 6
    assert projector.last is not None
    assert await projector.apply(projector.last) == Outcome.ALREADY_APPLIED
    assert [m.id for m in await queries.events_after(job.id, 0)] == list(range(1, 7))

    await job.apply(ProductionRetried(production_id=job.id, from_stage="failed",
                                      stage="narrating", attempt=2, at=job.at()))
    job.stage = "failed"
    await job.advance("narrating", 20, "Retrying from narrating...")
    await job.advance("rendering", 90, "Rendering video...")
    await job.apply(ProductionCompleted(
        production_id=job.id, video_key=f"videos/{job.id}.mp4", subtitle_key=None,
        duration_s=3.5, size_bytes=1234, at=job.at(),
    ))
    after = await queries.events_after(job.id, 6)
    assert [(m.id, m.event) for m in after] == [(7, "progress"), (8, "progress"),
                                                (9, "completed")]
    completed = json.loads(after[-1].data)
    assert completed["output_file"] == f"/api/v1/download/{job.id}"
    assert (completed["progress"], completed["size_bytes"]) == (100, 1234)


async def test_the_later_completion_is_the_project_s_last_render(
    projector: Remembering, pool: asyncpg.Pool, schema: str
) -> None:
    project_id, sentence = uuid4(), uuid4()
    older, newer = Production(projector), Production(projector)
    for job, text in ((older, "Old words."), (newer, "New words.")):
        await job.apply(ProductionQueued(
            production_id=job.id, project_id=project_id, kind="project", text="",
            render=RenderSettings(), voice=VoiceSettings(), queued_at=T0,
        ))
        await job.apply(ProductionScriptAttached(
            production_id=job.id, script_id=uuid4(), at=job.at(),
            sentences=[ProductionSentence(sentence_id=sentence, section_id=uuid4(), text=text)],
        ))
    q = quote_ident(schema)

    async def last_render() -> str:
        return str(await pool.fetchval(
            f"SELECT n.text FROM {q}.project_renders r JOIN {q}.production_sentences n"
            " ON n.production_id = r.production_id WHERE r.project_id = $1", project_id))

    # The newer render completes first on the bus; the older one's completion, applied
    # after it (another stream), must not take its place.
    for job, minutes in ((newer, 10), (older, 5)):
        await job.apply(ProductionCompleted(
            production_id=job.id, video_key="v.mp4", subtitle_key=None, duration_s=1.0,
            size_bytes=1, at=T0 + timedelta(minutes=minutes),
        ))
        assert await last_render() == "New words."


async def test_an_aura_job_has_no_feed_here(projector: Remembering, pool: asyncpg.Pool,
                                            schema: str) -> None:
    job = Production(projector)
    await job.apply(ProductionQueued(
        production_id=job.id, project_id=job.id, kind="brief", text="", queued_at=T0,
        render=RenderSettings(), voice=VoiceSettings(), brief=ProductionBrief(topic="Owls"),
    ))
    await job.advance("scripting", 0, "Writing the script...")
    assert await ProductionQueries(pool, schema).events_after(job.id, 0) == []
