"""The editor's use cases on a real PostgreSQL event store, with real clips and PyAV."""

from __future__ import annotations

import hashlib
import subprocess
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from media_service.app.editing import TIMELINE, EditingHandlers
from media_service.domain.timeline import Timeline
from videogen_contracts.media.editing import asset_blob_key
from videogen_contracts.media.editing_commands import StartUpload, StoreUpload
from videogen_contracts.replies import CommandAccepted
from videogen_eventstore.decider import Streams
from videogen_eventstore.migrations import migrate, quote_ident
from videogen_eventstore.multi_stream import PostgresAtomicAppender
from videogen_eventstore.postgres import PostgresEventStore
from videogen_media.ffmpeg_path import ffmpeg_executable

from tests.unit.services.media.fakes import DirBlobs


def make_clip(path: Path, seconds: float = 3.0) -> Path:
    """A test pattern with a tone, H.264 + AAC."""
    subprocess.run(
        [ffmpeg_executable(), "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=s=160x120:r=25:d={seconds}",
         "-f", "lavfi", "-i", f"sine=f=440:r=48000:d={seconds}",
         "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", str(path)],
        check=True, timeout=60,
    )
    return path


@pytest.fixture(scope="session")
def clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return make_clip(tmp_path_factory.mktemp("clips") / "clip.mp4").read_bytes()


@dataclass
class Editor:
    handlers: EditingHandlers
    blobs: DirBlobs
    project_id: uuid.UUID

    async def upload(self, data: bytes, *, command_id: str | None = None,
                     asset_id: uuid.UUID | None = None) -> tuple[StoreUpload, CommandAccepted]:
        """Start an upload, put the bytes where the gateway would, and store it."""
        asset_id = asset_id or uuid.uuid4()
        now = datetime.now(UTC)
        await self.handlers.start_upload(StartUpload(
            command_id=str(uuid.uuid4()), now=now, project_id=self.project_id,
            asset_id=asset_id, file_name="clip.mp4", content_type="video/mp4",
        ), correlation_id="test")
        sha = hashlib.sha256(data).hexdigest()
        key = asset_blob_key(self.project_id, sha)
        await self.blobs.put_bytes(key, data)
        command = StoreUpload(
            command_id=command_id or str(uuid.uuid4()), now=now, project_id=self.project_id,
            asset_id=asset_id, blob_key=key, sha256=sha, size_bytes=len(data),
            segment_id=uuid.uuid4(),
        )
        return command, await self.handlers.store_upload(command, correlation_id="test")

    async def timeline(self) -> Timeline:
        state, _ = await self.handlers.streams.load(TIMELINE, self.project_id)
        return state


@pytest.fixture
async def editor(pg_url: str, schema: str, tmp_path: Path) -> AsyncIterator[Editor]:
    pool = await asyncpg.create_pool(pg_url, min_size=1, max_size=20)
    await migrate(pool, schema)
    store = PostgresEventStore(pool, schema, "media")
    blobs = DirBlobs(tmp_path / "blobs")
    handlers = EditingHandlers(store, PostgresAtomicAppender(pool, schema), blobs)
    assert isinstance(handlers.streams, Streams)
    yield Editor(handlers, blobs, uuid.uuid4())
    await pool.execute(f"DROP SCHEMA {quote_ident(schema)} CASCADE")
    await pool.close()
