"""The editor surface in-process on real PostgreSQL and NATS, with the real media service.

The media service runs in-process (fake TTS and captions, which these tests never use; the
real probe), the gateway under uvicorn on the test's loop. Clips are uploaded by sending
`start_upload` and `store_upload` the way the gateway's upload route does, with the bytes
put in the blob store first.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from media_service.bootstrap import start_media_service
from media_service.config import MediaConfig
from media_service.workers.preparation import Toolkit
from nats.aio.client import Client
from videogen_bus.connection import connect, drain
from videogen_bus.rpc import send_command
from videogen_contracts.media.editing import asset_blob_key
from videogen_contracts.media.editing_commands import StartUpload, StoreUpload
from videogen_contracts.replies import CommandAccepted, CommandReply
from videogen_contracts.subjects import Namespace
from videogen_gateway.app import create_app
from videogen_gateway.positions import PositionWaiter
from videogen_gateway.readmodels.editor.queries import EditorQueries
from videogen_gateway.runtime import GatewayOptions
from videogen_local.infra import free_port
from videogen_runtime.settings import Settings

from tests.integration.services.media.editing.conftest import make_clip
from tests.unit.services.media.fakes import (
    DirBlobs,
    FakeCaptioner,
    FakeNarrator,
    FakeVisuals,
    WaveProbe,
)


@pytest.fixture(scope="session")
def clip_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return make_clip(tmp_path_factory.mktemp("clips") / "clip.mp4", seconds=4.0).read_bytes()


@dataclass
class EditorWorld:
    http: httpx.AsyncClient
    nc: Client
    ns: Namespace
    blobs: DirBlobs
    queries: EditorQueries
    waiter: PositionWaiter

    async def upload(self, data: bytes, project_id: uuid.UUID | None = None) -> uuid.UUID:
        """A clip on a project's timeline (a new project unless given); its segment id."""
        project_id = project_id or uuid.uuid4()
        asset_id, segment_id, now = uuid.uuid4(), uuid.uuid4(), datetime.now(UTC)
        sha = hashlib.sha256(data).hexdigest()
        key = asset_blob_key(project_id, sha)
        await self.blobs.put_bytes(key, data)
        reply: CommandReply | None = None
        for name, command in [
            ("start_upload", StartUpload(command_id=str(uuid.uuid4()), now=now,
                                         project_id=project_id, asset_id=asset_id,
                                         file_name="clip.mp4", content_type="video/mp4")),
            ("store_upload", StoreUpload(command_id=str(uuid.uuid4()), now=now,
                                         project_id=project_id, asset_id=asset_id,
                                         blob_key=key, sha256=sha, size_bytes=len(data),
                                         segment_id=segment_id)),
        ]:
            reply = await send_command(self.nc, self.ns, "media", name, command,
                                       correlation_id="it")
            assert isinstance(reply, CommandAccepted), reply
        assert isinstance(reply, CommandAccepted)
        assert await self.waiter.wait_for(reply.stream_id, reply.stream_version, within=10)
        return segment_id


@pytest.fixture
async def editor(
    pg_url: str, nats_url: str, world_id: str, tmp_path: Path
) -> AsyncIterator[EditorWorld]:
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id,
                        data_dir=tmp_path)
    blobs = DirBlobs(tmp_path / "blobs")
    tools = Toolkit(narrator=FakeNarrator(), probe=WaveProbe(), blobs=blobs,
                    captioner=FakeCaptioner(), visuals=FakeVisuals(),
                    clock=lambda: datetime.now(UTC))
    nc = await connect(nats_url, "editor-test")
    async with AsyncExitStack() as stack:
        await start_media_service(settings, stack, config=MediaConfig(), tools=tools)
        app = create_app(settings, GatewayOptions(resend_for=3.0, visible_within=5.0))
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, port=port, log_config=None,
                                               access_log=False))
        serving = asyncio.create_task(server.serve())
        async with asyncio.timeout(20):
            while not server.started:
                assert not serving.done(), "the gateway did not start"
                await asyncio.sleep(0.02)
        schema = settings.schema_for("gateway")
        rt = app.state["runtime"]
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
                yield EditorWorld(http, nc, Namespace(world_id), blobs,
                                  EditorQueries(rt.pool, schema), rt.waiter)
        finally:
            server.should_exit = True
            await serving
    await drain(nc)
