"""The two media commands of an upload, as the upload and project routes both send them.

`start_upload` announces the asset when an upload URL is handed out (or an import begins);
`store_upload` hands the complete file to the media service, which probes it and records
the asset as stored (with its first segment on the timeline) or rejected.

`store_upload` is keyed on the asset and the bytes (`command_id`, `segment_id` derive from
both): a client that sends the same file again after a lost answer gets the same answer
and no second segment; other bytes for a stored asset are the service's 409.
"""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path
from uuid import UUID, uuid4, uuid5

from videogen_contracts.media.editing import asset_stream_id
from videogen_contracts.media.editing_commands import StartUpload, StoreUpload
from videogen_gateway.command_client import new_ids, stamped
from videogen_gateway.downloads import blob_path
from videogen_gateway.errors import Rejected
from videogen_gateway.runtime import Runtime
from videogen_gateway.surfaces.editor.project_schemas import StoredOut
from videogen_gateway.surfaces.editor.sending import send_media
from videogen_gateway.surfaces.editor.upload_tokens import UploadTokens
from videogen_gateway.surfaces.editor.uploads import Received, Receiver
from videogen_media.blobs import LocalBlobStore


def receiver_of(rt: Runtime) -> Receiver:
    return Receiver(LocalBlobStore(blob_path(rt.settings.data_dir, "")),
                    rt.options.upload_max_bytes)


@cache
def _tokens(configured: str | None, data_dir: Path, ttl: float) -> UploadTokens:
    # Once per process: the key file is read (or made) on the first upload, not per request.
    return UploadTokens.from_option(configured, data_dir, ttl)


def tokens_of(rt: Runtime) -> UploadTokens:
    o = rt.options
    return _tokens(o.upload_key, rt.settings.data_dir, o.upload_token_ttl)


async def start_asset(rt: Runtime, project_id: UUID, file_name: str, content_type: str,
                      asset_id: UUID | None = None) -> UUID:
    command = stamped(StartUpload, project_id=project_id, asset_id=asset_id or uuid4(),
                      file_name=file_name, content_type=content_type)
    await send_media(rt, "start_upload", command)
    return command.asset_id


def upload_url(rt: Runtime, base_url: str, project_id: UUID, asset_id: UUID) -> str:
    token = tokens_of(rt).issue(project_id, asset_id, time.time())
    return f"{base_url.rstrip('/')}/api/project/{project_id}/upload/{asset_id}?token={token}"


async def store_received(
    rt: Runtime, receiver: Receiver, project_id: UUID, asset_id: UUID, received: Received
) -> StoredOut:
    """Move the complete file onto its content address and have the media service take it."""
    sha256 = received.sha256
    if sha256 is None:
        raise ValueError("the upload is not complete")
    key = await receiver.store(project_id, asset_id, sha256)
    _, now = new_ids()
    command = StoreUpload(
        command_id=f"store-upload:{asset_id}:{sha256}", now=now, project_id=project_id,
        asset_id=asset_id, blob_key=key, sha256=sha256, size_bytes=received.size,
        segment_id=uuid5(asset_id, sha256),
    )
    try:
        await send_media(rt, "store_upload", command)
    except Rejected as refused:
        if refused.field == "file":
            await _rejected(rt, receiver, asset_id, key)
        raise
    return StoredOut(asset_id=asset_id, project_id=project_id, status="stored", sha256=sha256,
                     size_bytes=received.size, segment_id=command.segment_id)


async def _rejected(rt: Runtime, receiver: Receiver, asset_id: UUID, key: str) -> None:
    """The media service recorded the file as not media (AssetRejected) and answered so."""
    # Not kept. (The same bytes cannot be another asset's stored file: a probe of equal
    # bytes finds the same.)
    await receiver.blobs.delete_prefix(key)
    # A refusal carries no position to wait for, but the verdict is the asset stream's
    # second event (after AssetUploadStarted): read-your-writes for the rejection too, so
    # the project's details right after show the asset rejected with its reason.
    await rt.waiter.wait_for(asset_stream_id(asset_id), 2, rt.options.visible_within)
