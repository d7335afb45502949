"""The editor read models from the JetStream log on real NATS and PostgreSQL.

The events are made by the media service's own use cases (in memory, with a fake probe),
published as its relay would, projected live, read through EditorQueries, then dropped and
rebuilt by `rebuild` into exactly the same rows.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from media_service.app.editing import EditingHandlers
from nats.aio.client import Client
from nats.js.client import JetStreamContext
from videogen_bus.connection import connect, drain
from videogen_bus.streams import ensure_stream
from videogen_contracts.errors import Invalid
from videogen_contracts.media.editing import ColorGrade, asset_blob_key
from videogen_contracts.media.editing_commands import (
    DeleteSegment,
    GradeSegment,
    SplitSegment,
    StartUpload,
    StoreUpload,
    TrimSegment,
)
from videogen_contracts.subjects import Namespace
from videogen_eventstore.memory import InMemoryEventStore
from videogen_eventstore.multi_stream import InMemoryAtomicAppender
from videogen_gateway.readmodels.editor.queries import EditorQueries
from videogen_gateway.readmodels.migrations import migrate_gateway
from videogen_gateway.readmodels.projector import MediaProjector
from videogen_gateway.readmodels.rebuild import rebuild
from videogen_media.probe import AudioStreamInfo, MediaInfo, VideoStreamInfo
from videogen_runtime.settings import Settings

from tests.integration.gateway.readmodels.test_rebuild import project_live, publish_events
from tests.unit.services.media.fakes import DirBlobs

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
SERVICES = ("project", "script", "media")


async def ten_seconds(path: Path) -> MediaInfo:
    if (await asyncio.to_thread(path.read_bytes)).startswith(b"text"):
        return MediaInfo(duration=0.0, format_name="tty", video=None, audio=None)
    return MediaInfo(duration=10.0, format_name="mov,mp4", video=VideoStreamInfo(
        width=320, height=240, fps=25.0, codec="h264"), audio=AudioStreamInfo(
        codec="aac", sample_rate=48000, channels=1))


class Editing:
    def __init__(self, blobs: DirBlobs, project_id: uuid.UUID) -> None:
        self.store = InMemoryEventStore("media")
        self.handlers = EditingHandlers(self.store, InMemoryAtomicAppender(self.store), blobs,
                                        probe=ten_seconds)
        self.blobs, self.project_id = blobs, project_id
        self.ticks = 0

    def base(self) -> dict[str, object]:
        """A new command's ids, a second after the one before."""
        self.ticks += 1
        return {"command_id": str(uuid.uuid4()), "now": NOW + timedelta(seconds=self.ticks),
                "project_id": self.project_id}

    async def upload(self, data: bytes) -> uuid.UUID:
        asset_id, segment_id = uuid.uuid4(), uuid.uuid4()
        await self.handlers.start_upload(StartUpload(
            **self.base(), asset_id=asset_id, file_name="a.mp4", content_type="video/mp4",  # type: ignore[arg-type]
        ), correlation_id="t")
        sha = hashlib.sha256(data).hexdigest()
        key = asset_blob_key(self.project_id, sha)
        await self.blobs.put_bytes(key, data)
        await self.handlers.store_upload(StoreUpload(
            **self.base(), asset_id=asset_id, blob_key=key, sha256=sha,  # type: ignore[arg-type]
            size_bytes=len(data), segment_id=segment_id,
        ), correlation_id="t")
        return segment_id


async def story(blobs: DirBlobs, project_id: uuid.UUID) -> tuple[Editing, dict[str, uuid.UUID]]:
    """Two clips and a rejected file; the first split, its right half trimmed, its left
    half graded, the second clip deleted."""
    editing = Editing(blobs, project_id)
    first = await editing.upload(b"clip one")
    second = await editing.upload(b"clip two")
    with pytest.raises(Invalid):
        await editing.upload(b"text, not media")
    ids = {"first": first, "second": second, "left": uuid.uuid4(), "right": uuid.uuid4(),
           "graded": uuid.uuid4()}
    edit = editing.handlers.edit
    await edit(SplitSegment(**editing.base(), segment_id=first, split_ts=4.0,  # type: ignore[arg-type]
                            left_id=ids["left"], right_id=ids["right"]), correlation_id="t")
    await edit(TrimSegment(**editing.base(), segment_id=ids["right"], start_ts=5.0,  # type: ignore[arg-type]
                           end_ts=9.0), correlation_id="t")
    await edit(GradeSegment(**editing.base(), segment_id=ids["left"],  # type: ignore[arg-type]
                            grade=ColorGrade(saturation=0.0), replacement_id=ids["graded"]),
               correlation_id="t")
    await edit(DeleteSegment(**editing.base(), segment_id=second), correlation_id="t")  # type: ignore[arg-type]
    return editing, ids


@pytest.fixture
async def js(nats_url: str, ns: Namespace) -> AsyncIterator[JetStreamContext]:
    nc: Client = await connect(nats_url, "gateway-editor-readmodel-test")
    js = nc.jetstream()
    for service in SERVICES:
        await ensure_stream(js, ns, service)
    yield js
    for service in SERVICES:
        await js.delete_stream(ns.stream_name(service))
    await drain(nc)


async def snapshot(pool: asyncpg.Pool, schema: str) -> dict[str, list[tuple[object, ...]]]:
    return {
        table: [tuple(r) for r in await pool.fetch(f'SELECT * FROM "{schema}".{table} ORDER BY id')]
        for table in ("editor_assets", "editor_segments")
    }


async def test_the_timeline_is_projected_in_order_and_rebuilt_the_same(
    js: JetStreamContext, ns: Namespace, pool: asyncpg.Pool, pg_url: str, nats_url: str,
    world_id: str, tmp_path: Path,
) -> None:
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id)
    schema = settings.schema_for("gateway")
    await migrate_gateway(pool, schema)
    project_id = uuid.uuid4()
    editing, ids = await story(DirBlobs(tmp_path / "blobs"), project_id)
    events = await editing.store.read_all()
    await publish_events(js, ns, events)
    await project_live(js, ns, pool, schema, events[-1], service="media", purpose="media",
                       projector=MediaProjector)

    queries = EditorQueries(pool, schema)
    timeline = await queries.segments_of(project_id)
    order = ["first", "left", "graded", "right", "second"]
    assert [s.id for s in timeline] == [ids[name] for name in order]
    assert [s.position for s in timeline] == [0, 1, 2, 3, 4]
    assert [s.active for s in timeline] == [False, False, True, True, False]
    assert [s.ended for s in timeline] == ["split", "replaced", None, None, "deleted"]
    assert [s.order_index for s in timeline] == [0, 0, 0, 1, 2]
    playing = await queries.active_segments_of(project_id)
    assert [(s.id, s.source, s.start_ts, s.end_ts, s.order_index) for s in playing] == [
        (ids["graded"], "graded", 0.0, 4.0, 0), (ids["right"], "upload", 5.0, 9.0, 1),
    ]
    assert playing[0].grade == ColorGrade(saturation=0.0)
    graded = await queries.segment(ids["graded"])
    assert graded == playing[0]
    assets = await queries.assets_of(project_id)
    assert [a.status for a in assets] == ["stored", "stored", "rejected"]
    assert assets[0].duration_s == 10.0
    assert [s.kind for s in assets[0].streams] == ["video", "audio"]
    assert "no audio or video stream" in (assets[2].reason or "")

    live = await snapshot(pool, schema)
    await pool.execute(f'DELETE FROM "{schema}".editor_segments WHERE position > 1')
    await pool.execute(f'UPDATE "{schema}".editor_assets SET status = \'garbage\'')
    replayed = await rebuild(settings)
    assert replayed == len(events)
    assert await snapshot(pool, schema) == live
