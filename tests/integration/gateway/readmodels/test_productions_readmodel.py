"""The `productions` read model (doc 004 jobs) on real PostgreSQL, fed by the projector."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg
import pytest
from videogen_contracts.envelope import EventMetadata, RecordedEvent, event_type_name, to_raw
from videogen_contracts.project.events import SERVICE
from videogen_contracts.project.production import (
    ProductionAdvanced,
    ProductionCancelled,
    ProductionCompleted,
    ProductionEventBase,
    ProductionFailed,
    ProductionQueued,
    ProductionStage,
    ProductionStepLogged,
    RenderSettings,
    VoiceSettings,
    stream_id_for,
)
from videogen_gateway.readmodels.migrations import migrate_gateway
from videogen_gateway.readmodels.productions.readmodel import ProductionQueries
from videogen_gateway.readmodels.projector import ProjectProjector

T0 = datetime(2022, 3, 30, 16, 0, tzinfo=UTC)


@pytest.fixture
async def projector(pool: asyncpg.Pool, schema: str) -> ProjectProjector:
    await migrate_gateway(pool, schema)
    return ProjectProjector(pool, schema, "gateway-projects")


class Production:
    """Records one production's events in stream order, as the relay would publish them."""

    positions = itertools.count(1)

    def __init__(self, projector: ProjectProjector) -> None:
        self.id = uuid4()
        self.projector = projector
        self.version = 0
        self.stage: ProductionStage = "queued"
        self.clock = itertools.count(1)

    def at(self) -> datetime:
        return T0 + timedelta(seconds=next(self.clock))

    async def apply(self, event: ProductionEventBase) -> None:
        self.version += 1
        position = next(self.positions)
        await self.projector.apply(
            RecordedEvent(
                service=SERVICE, global_position=position, transaction_id=position,
                stream_id=stream_id_for(self.id), stream_version=self.version,
                event_id=uuid4(), type=event_type_name(type(event)), schema_version=1,
                data=to_raw(event),
                metadata=EventMetadata(correlation_id="t", project_id=str(self.id)),
                recorded_at=T0,
            )
        )

    async def queued(self) -> None:
        await self.apply(ProductionQueued(
            production_id=self.id, project_id=self.id, kind="text2video", text="Hi there.",
            render=RenderSettings(), voice=VoiceSettings(), queued_at=T0,
        ))

    async def advance(self, stage: ProductionStage, progress: int, message: str) -> None:
        await self.apply(ProductionAdvanced(
            production_id=self.id, from_stage=self.stage, stage=stage, progress=progress,
            message=message, at=self.at(),
        ))
        self.stage = stage

    async def log(self, line: str) -> None:
        await self.apply(ProductionStepLogged(production_id=self.id, line=line, at=self.at()))


Start = Callable[[], Production]


@pytest.fixture
def start(projector: ProjectProjector) -> Start:
    return lambda: Production(projector)


async def test_a_job_moves_through_the_documented_view(
    start: Start, pool: asyncpg.Pool, schema: str
) -> None:
    queries = ProductionQueries(pool, schema)
    job = start()
    await job.queued()
    row = await queries.get(job.id)
    assert row is not None
    assert (row.status, row.progress, row.logs) == ("queued", 0, [])
    assert int(row.created_at.timestamp()) == 1648656000

    await job.advance("scripting", 0, "Writing the script...")
    await job.log("Starting script generation...")
    await job.advance("narrating", 20, "Generating audio...")
    await job.log("Starting audio generation...")
    row = await queries.get(job.id)
    assert row is not None
    assert (row.status, row.stage, row.progress, row.message) == (
        "processing", "narrating", 20, "Generating audio...",
    )
    assert row.logs == ["Starting script generation...", "Starting audio generation..."]

    await job.advance("rendering", 94, "Rendering video... 45%")
    await job.log("Video rendering completed")
    await job.apply(ProductionCompleted(
        production_id=job.id, video_key=f"videos/{job.id}.mp4", subtitle_key=None,
        duration_s=6.5, size_bytes=1000, at=job.at(),
    ))
    row = await queries.get(job.id)
    assert row is not None
    assert (row.status, row.progress, row.message) == (
        "completed", 100, "Video generation completed",
    )
    assert row.video_key == f"videos/{job.id}.mp4"
    assert row.logs[-1] == "Video rendering completed"
    assert [r.id for r in await queries.list()] == [job.id]
    # Completed before reports existed: none (migration 0015's columns stay NULL).
    assert (row.report_key, row.vtt_key) == (None, None)


async def test_a_finished_job_records_its_report_and_webvtt(
    start: Start, pool: asyncpg.Pool, schema: str
) -> None:
    job = start()
    await job.queued()
    await job.advance("rendering", 90, "Rendering video...")
    await job.apply(ProductionCompleted(
        production_id=job.id, video_key=f"videos/{job.id}.mp4", subtitle_key=None,
        duration_s=6.5, size_bytes=1000, at=job.at(), report_key=f"reports/{job.id}.json",
        vtt_key=f"videos/{job.id}.vtt",
    ))
    row = await ProductionQueries(pool, schema).get(job.id)
    assert row is not None
    assert (row.report_key, row.vtt_key) == (f"reports/{job.id}.json", f"videos/{job.id}.vtt")


async def test_failed_and_cancelled_jobs_are_failed_for_doc_clients(
    start: Start, pool: asyncpg.Pool, schema: str
) -> None:
    queries = ProductionQueries(pool, schema)
    failed, cancelled = start(), start()
    for job in (failed, cancelled):
        await job.queued()
        await job.advance("scripting", 0, "Writing the script...")
    await failed.apply(ProductionFailed(
        production_id=failed.id, stage="scripting", code="script_failed",
        reason="nothing to narrate", at=failed.at(),
    ))
    await cancelled.apply(ProductionCancelled(
        production_id=cancelled.id, stage="scripting", reason=None, at=cancelled.at(),
    ))
    rows = {r.id: r for r in await queries.list()}
    assert (rows[failed.id].status, rows[failed.id].message) == (
        "failed", "Error: nothing to narrate",
    )
    assert (rows[cancelled.id].status, rows[cancelled.id].stage) == ("failed", "cancelled")


async def test_an_unknown_job_is_none(pool: asyncpg.Pool, schema: str, projector: object) -> None:
    assert await ProductionQueries(pool, schema).get(UUID(int=7)) is None
