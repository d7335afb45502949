"""The AI jobs read model from the JetStream log on real NATS and PostgreSQL.

The events are made by the media service's own use cases (in memory): an upload, an AI
job of two variants advanced by its worker's steps, a score, and two accepts (the second
replaces the first). They are published as the relay would, projected live, read through
AiEditQueries and EditorQueries, then dropped and rebuilt into exactly the same rows.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg
from media_service.app.ai_edits import AiEditHandlers
from media_service.app.editing import TIMELINE
from media_service.domain.ai_commands import (
    CompleteAiEdit,
    RecordRenderedVariant,
    RecordVariantScore,
    StartAiEdit,
)
from nats.js.client import JetStreamContext
from videogen_contracts.media.ai_edits import (
    AcceptVariant,
    Box,
    RegionEdit,
    RenderedVariant,
    RequestAiEdit,
    VariantScore,
    VariantSpec,
)
from videogen_contracts.subjects import Namespace
from videogen_gateway.readmodels.ai_edits.queries import AiEditQueries
from videogen_gateway.readmodels.editor.queries import EditorQueries
from videogen_gateway.readmodels.migrations import migrate_gateway
from videogen_gateway.readmodels.projector import MediaProjector
from videogen_gateway.readmodels.rebuild import rebuild
from videogen_runtime.settings import Settings

from tests.integration.gateway.readmodels.editor.test_editor_readmodel import (
    Editing,
    js,  # noqa: F401 (a fixture)
)
from tests.integration.gateway.readmodels.test_rebuild import project_live, publish_events
from tests.unit.services.media.fakes import DirBlobs

SCORE = VariantScore(overall_rating="good", details="outside the box: SSIM 0.99",
                     fidelity_to_prompt="high", visual_quality="good")


async def ai_story(editing: Editing, segment_id: uuid.UUID) -> tuple[uuid.UUID, list[uuid.UUID]]:
    ai = AiEditHandlers(editing.store)
    job_id, variants = uuid.uuid4(), [uuid.uuid4(), uuid.uuid4()]
    specs = [VariantSpec(variant_id=v, index=i, strength=0.5 + i / 4, softness=8,
                         description=f"blur {i}", labels=["offline", "blur"])
             for i, v in enumerate(variants)]
    timeline, _ = await editing.handlers.streams.load(TIMELINE, editing.project_id)
    media_key = timeline.segments[segment_id].segment.media_key
    await ai.request(RequestAiEdit(
        **editing.base(), job_id=job_id, prompt="blur the face",  # type: ignore[arg-type]
        edit=RegionEdit(operation="blur"), start_ts=2.0, end_ts=4.0, segment_id=segment_id,
        media_key=media_key, source_start_ts=2.0, source_end_ts=4.0,
        box=Box(x=10, y=10, width=100, height=80), seed=3, variants=specs,
    ), correlation_id="t")
    steps = {"job_id": job_id, "project_id": editing.project_id}
    await ai.record(StartAiEdit(**steps, now=editing.base()["now"]), correlation_id="t")  # type: ignore[arg-type]
    for v in variants:
        clip = RenderedVariant(variant_id=v, video_key=f"k/{v}.mp4", preview_key=f"k/{v}.jpg",
                               duration_s=2.0)
        await ai.record(RecordRenderedVariant(**steps, now=editing.base()["now"],  # type: ignore[arg-type]
                                              variant=clip), correlation_id="t")
    await ai.record(CompleteAiEdit(**steps, now=editing.base()["now"]), correlation_id="t")  # type: ignore[arg-type]
    await ai.record(RecordVariantScore(**editing.base(), job_id=job_id, variant_id=variants[0],  # type: ignore[arg-type]
                                       compare_to="original", score=SCORE, scorer="offline"),
                    correlation_id="t")
    for v in variants:
        await ai.accept(AcceptVariant(**editing.base(), job_id=job_id, variant_id=v,  # type: ignore[arg-type]
                                      segment_id=uuid.uuid4()), correlation_id="t")
    return job_id, variants


async def snapshot(pool: asyncpg.Pool, schema: str) -> dict[str, list[tuple[object, ...]]]:
    order = {"ai_jobs": "id", "ai_variants": "id", "ai_scores": "variant_id, scored_at",
             "editor_segments": "id"}
    return {table: [tuple(r) for r in await pool.fetch(
                f'SELECT * FROM "{schema}".{table} ORDER BY {by}')]
            for table, by in order.items()}


async def test_ai_jobs_are_projected_and_rebuilt_the_same(
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
                       projector=MediaProjector)

    queries = AiEditQueries(pool, schema)
    job = await queries.job(job_id)
    assert job is not None
    assert (job.status, job.prompt, job.box.width) == ("completed", "blur the face", 100)
    rows = await queries.variants_of(job_id)
    assert [v.id for v in rows] == variants
    assert [v.video_key for v in rows] == [f"k/{v}.mp4" for v in variants]
    [score] = await queries.scores_of(variants[0])
    assert score.score == SCORE
    playing = await EditorQueries(pool, schema).active_segments_of(project_id)
    assert [(s.source, s.start_ts, s.end_ts, s.variant_id) for s in playing] == [
        ("upload", 0.0, 2.0, None), ("generated", 0.0, 2.0, variants[1]),
        ("upload", 4.0, 10.0, None),
    ]

    live = await snapshot(pool, schema)
    await pool.execute(f'UPDATE "{schema}".ai_jobs SET status = \'garbage\'')
    replayed = await rebuild(settings)
    assert replayed == len(events)
    assert await snapshot(pool, schema) == live
