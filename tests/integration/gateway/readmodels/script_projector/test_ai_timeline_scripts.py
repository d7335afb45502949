"""Script writing on the AI timeline: a generation run is one operation, moved on by its
events, with the writer that wrote it (real PostgreSQL)."""

from __future__ import annotations

from uuid import uuid4

import asyncpg
from videogen_contracts.script.generation import GenerationFailed, GenerationQueued
from videogen_gateway.readmodels.ai_timeline.queries import AiTimelineQueries
from videogen_gateway.readmodels.projector import ScriptProjector

from .conftest import NOW, Recorder
from .test_outline_and_generation_projection import run_events


async def test_a_script_run_is_one_operation_on_the_ai_timeline(
    projector: ScriptProjector, pool: asyncpg.Pool, schema: str, record: Recorder
) -> None:
    pid, job, failed = uuid4(), uuid4(), uuid4()
    for event in run_events(pid, job, ["Intro", "Lava"]):
        await projector.apply(record(event))
    await projector.apply(record(GenerationQueued(
        job_id=failed, project_id=pid, mode="from-outline", target_minutes=1.0,
        estimated_seconds=10, queued_at=NOW)))  # fmt: skip
    await projector.apply(record(GenerationFailed(
        job_id=failed, project_id=pid, message="the model is down", failed_at=NOW)))

    rows, _ = await AiTimelineQueries(pool, schema).page(10)
    by_job = {r.job_id: r for r in rows if r.project_id == pid}
    done, broken = by_job[job], by_job[failed]
    assert (done.kind, done.status, done.provider) == ("script", "completed", "offline")
    assert done.summary == "write a 2-minute script (auto)"
    assert (broken.status, broken.error) == ("failed", "the model is down")
