"""The editor commands through the running media service (NATS rpc, real PostgreSQL), and
the editor's blobs removed with their project."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from datetime import UTC, datetime

import msgspec
from videogen_bus.rpc import send_command
from videogen_contracts.media.editing import asset_blob_key
from videogen_contracts.media.editing_commands import StartUpload, StoreUpload
from videogen_contracts.media.events import SERVICE
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply

from tests.integration.services.media.test_media_plumbing import (
    World,
    publish_project_deleted,
    world,
)

__all__ = ["world"]
REJECTED = b"rejected, but its bytes were stored first"


async def send(world: World, name: str, command: msgspec.Struct | bytes) -> CommandReply:
    return await send_command(world.nc, world.service.plumbing.namespace, SERVICE, name,
                              command, correlation_id=str(uuid.uuid4()))


async def store(world: World, project_id: uuid.UUID, data: bytes) -> CommandReply:
    asset_id, now = uuid.uuid4(), datetime.now(UTC)
    started = await send(world, "start_upload", StartUpload(
        command_id=str(uuid.uuid4()), now=now, project_id=project_id, asset_id=asset_id,
        file_name="notes.mp4", content_type="video/mp4",
    ))
    assert isinstance(started, CommandAccepted)
    sha = hashlib.sha256(data).hexdigest()
    key = asset_blob_key(project_id, sha)
    await world.service.tools.blobs.put_bytes(key, data)
    return await send(world, "store_upload", StoreUpload(
        command_id=str(uuid.uuid4()), now=now, project_id=project_id, asset_id=asset_id,
        blob_key=key, sha256=sha, size_bytes=len(data), segment_id=uuid.uuid4(),
    ))


async def test_a_non_media_upload_is_answered_invalid_naming_the_file(world: World) -> None:
    reply = await store(world, uuid.uuid4(), b"a text file, renamed\n" * 20)
    assert isinstance(reply, CommandRejected)
    assert reply.code == "invalid"
    assert reply.field == "file"
    assert "not a readable audio or video file" in reply.message


async def test_a_bad_edit_body_is_answered_invalid_naming_the_field(world: World) -> None:
    reply = await send(world, "split_segment", b'{"command_id": "x", "split_ts": "middle"}')
    assert isinstance(reply, CommandRejected)
    assert reply.code == "invalid"


async def test_deleting_the_project_deletes_its_editor_blobs(world: World) -> None:
    blobs = world.service.tools.blobs
    mine, theirs = uuid.uuid4(), uuid.uuid4()
    await store(world, mine, REJECTED)
    await blobs.put_bytes(f"editor/{mine}/frames/f.jpg", b"jpeg")
    await blobs.put_bytes(f"editor/{theirs}/frames/f.jpg", b"jpeg")

    await publish_project_deleted(world, mine)
    for _ in range(200):
        if not await blobs.exists(f"editor/{mine}/frames/f.jpg"):
            break
        await asyncio.sleep(0.05)
    assert not await blobs.exists(f"editor/{mine}/frames/f.jpg")
    assert not await blobs.exists(asset_blob_key(mine, hashlib.sha256(REJECTED).hexdigest()))
    assert await blobs.exists(f"editor/{theirs}/frames/f.jpg")
