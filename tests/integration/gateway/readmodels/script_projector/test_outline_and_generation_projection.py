"""Outlines and generation runs on real PostgreSQL, and the SSE feed the runs write."""

from __future__ import annotations

import asyncio
from uuid import UUID, uuid4

import asyncpg
import msgspec
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.script.events import ScriptSection
from videogen_contracts.script.generation import (
    GenerationCompleted,
    GenerationFailed,
    GenerationQueued,
    GenerationSectionCompleted,
    GenerationSectionStarted,
    GenerationStarted,
)
from videogen_contracts.script.outline import (
    OutlineApproved,
    OutlineGenerated,
    OutlineSectionPlan,
    OutlineSectionRegenerated,
)
from videogen_gateway.positions import PositionWaiter, listening
from videogen_gateway.readmodels.generations.readmodel import GenerationQueries, generation_feed_key
from videogen_gateway.readmodels.outlines.readmodel import OutlineQueries
from videogen_gateway.readmodels.projector import ScriptProjector
from videogen_gateway.realtime import Hub

from .conftest import CONSUMER, NOW, Recorder


def plan(title: str, minutes: float) -> OutlineSectionPlan:
    return OutlineSectionPlan(title=title, summary=f"About {title}", target_minutes=minutes,
                              key_points=["one", "two"])


async def test_outline_generated_regenerated_approved(
    projector: ScriptProjector, pool: asyncpg.Pool, schema: str, record: Recorder
) -> None:
    pid, oid, job = uuid4(), uuid4(), uuid4()
    await projector.apply(record(OutlineGenerated(
        outline_id=oid, project_id=pid, title="Volcanoes",
        total_target_minutes=5.0, sections=[plan("Intro", 2.0), plan("Lava", 3.0)],
        provider_label="offline", generated_at=NOW,
    )))
    await projector.apply(record(OutlineSectionRegenerated(
        outline_id=oid, project_id=pid, section_index=1, section=plan("Magma", 4.0),
        instructions="deeper", provider_label="offline", regenerated_at=NOW,
    )))
    queries = OutlineQueries(pool, schema)
    outline = await queries.get(oid)
    assert outline is not None
    assert [s.title for s in outline.sections] == ["Intro", "Magma"]
    assert outline.total_target_minutes == 6.0
    assert outline.status == "draft"
    await projector.apply(record(OutlineApproved(
        outline_id=oid, project_id=pid, job_id=job, approved_at=NOW,
    )))
    listed = await queries.of_project(pid)
    assert [(o.id, o.status, o.job_id) for o in listed] == [(oid, "approved", job)]
    assert await queries.of_project(uuid4()) == []


def run_events(
    pid: UUID, job: UUID, titles: list[str], *, fail: bool = False
) -> list[msgspec.Struct]:
    total = len(titles)
    events: list[msgspec.Struct] = [
        GenerationQueued(job_id=job, project_id=pid, mode="auto", target_minutes=2.0,
                         estimated_seconds=30, queued_at=NOW),
        GenerationStarted(job_id=job, project_id=pid, outline_id=uuid4(), total_sections=total,
                          section_titles=titles, started_at=NOW),
    ]
    for i, title in enumerate(titles):
        events.append(GenerationSectionStarted(job_id=job, project_id=pid, section_index=i,
                                               total_sections=total, title=title,
                                               started_at=NOW))
        if fail:
            events.append(GenerationFailed(job_id=job, project_id=pid, failed_at=NOW,
                                           message="the language model answered 500",
                                           code="llm_unavailable", section_index=i))
            return events
        section = ScriptSection(section_id=uuid4(), title=title, order=i, sentences=[])
        events.append(GenerationSectionCompleted(
            job_id=job, project_id=pid, section_index=i, total_sections=total,
            section=section, provider_label="offline", completed_at=NOW,
        ))
    events.append(GenerationCompleted(job_id=job, project_id=pid, script_id=uuid4(),
                                      total_sentences=12, total_duration_minutes=1.5,
                                      completed_at=NOW))
    return events


async def test_a_run_feeds_progress_then_complete_with_dense_ids(
    projector: ScriptProjector, pool: asyncpg.Pool, schema: str, record: Recorder
) -> None:
    pid, job = uuid4(), uuid4()
    for event in run_events(pid, job, ["Intro", "Middle"]):
        await projector.apply(record(event))
    queries = GenerationQueries(pool, schema)
    feed = await queries.feed_after(pid, 0)
    assert [m.id for m in feed] == list(range(1, 8))
    assert [m.event for m in feed] == ["progress"] * 6 + ["complete"]
    data = [msgspec.json.decode(m.data) for m in feed]
    assert data[0] == {
        "jobId": str(job), "status": "queued", "currentSection": 0, "totalSections": 0,
        "currentSectionTitle": None, "percentComplete": 0, "sectionsCompleted": 0,
    }
    assert data[4]["currentSection"] == 2
    assert data[4]["currentSectionTitle"] == "Middle"
    assert data[4]["percentComplete"] == 50
    assert data[-1] == {"jobId": str(job), "totalSentences": 12, "totalDurationMinutes": 1.5}
    run = await queries.run(job)
    assert run is not None
    assert (run.status, run.percent_complete, run.total_sentences) == ("completed", 100, 12)
    assert await queries.head(pid) == 7
    assert await queries.feed_after(pid, 5) == feed[5:]

    second = uuid4()
    for event in run_events(pid, second, ["Only"], fail=True):
        await projector.apply(record(event))
    assert await queries.first_of_job(pid, second) == 8
    last = (await queries.feed_after(pid, 7))[-1]
    assert last.event == "error"
    assert msgspec.json.decode(last.data) == {
        "jobId": str(second), "message": "the language model answered 500"
    }
    latest = await queries.latest_run(pid)
    assert latest is not None
    assert (latest.id, latest.status) == (second, "failed")


async def test_replicas_projecting_one_project_at_once_never_share_or_skip_an_id(
    pool: asyncpg.Pool, schema: str, projector: ScriptProjector, record: Recorder
) -> None:
    """Two runs of one project, projected concurrently by two "replicas"."""
    pid = uuid4()
    other = ScriptProjector(pool, schema, CONSUMER)
    first = [record(e) for e in run_events(pid, uuid4(), ["a", "b", "c"])]
    second = [record(e) for e in run_events(pid, uuid4(), ["d", "e"])]

    async def project(replica: ScriptProjector, events: list[RecordedEvent]) -> None:
        for event in events:
            await replica.apply(event)

    await asyncio.gather(project(projector, first), project(other, second))
    feed = await GenerationQueries(pool, schema).feed_after(pid, 0)
    assert [m.id for m in feed] == list(range(1, len(first) + len(second) + 1))


async def test_each_feed_message_wakes_the_hub(
    pg_url: str, pool: asyncpg.Pool, schema: str, projector: ScriptProjector, record: Recorder
) -> None:
    pid = uuid4()
    waiter, hub = PositionWaiter(pool, schema), Hub()
    waiter.observe(hub)
    async with listening(waiter, pg_url, schema):
        for _ in range(100):
            if hub.live:
                break
            await asyncio.sleep(0.02)
        assert hub.live
        with hub.subscription(generation_feed_key(pid)) as wake:
            for event in run_events(pid, uuid4(), ["a"])[:1]:
                await projector.apply(record(event))
            await asyncio.wait_for(wake.wait(), 5)
