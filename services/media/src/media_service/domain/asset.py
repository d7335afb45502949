"""The Asset aggregate (one uploaded file) as a pure decider.

An asset is announced (`StartUpload`, when the gateway hands out an upload URL), then
decided once on what the probe found in its bytes (`ProbedUpload`): stored, or rejected
with the reason. The probe is I/O, so the use case (app/editing.py) runs it and hands the
result in; which files are usable is decided here.

Duplicates: blobs are content-addressed (`asset_blob_key`), so the same file uploaded twice
to a project is stored once. The second upload is still a new asset with its own segment
pointing at the same blob: an editor user who drops a clip in twice expects to see it twice
on the timeline, and nothing is copied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal, assert_never
from uuid import UUID

import msgspec
from videogen_contracts.errors import Conflict, Invalid, NotFound
from videogen_contracts.media.editing import (
    AssetEvent,
    AssetRejected,
    AssetStored,
    AssetUploadStarted,
    MediaStream,
    asset_blob_key,
)
from videogen_contracts.media.editing_commands import StartUpload, StoreUpload

MAX_FILE_NAME_CHARS = 255
_SHA256_HEX = frozenset("0123456789abcdef")

AssetStatus = Literal["unknown", "started", "stored", "rejected"]


class ProbedUpload(msgspec.Struct, frozen=True, kw_only=True):
    """`store_upload` with what the probe found in the stored bytes."""

    upload: StoreUpload
    duration_s: float = 0.0
    streams: tuple[MediaStream, ...] = ()
    # Why the file could not be opened as media at all (corrupt, truncated, not media).
    unreadable: str | None = None

    @property
    def command_id(self) -> str:
        return self.upload.command_id


AssetCommand = StartUpload | ProbedUpload


@dataclass(frozen=True, slots=True)
class Asset:
    status: AssetStatus = "unknown"
    project_id: UUID | None = None
    sha256: str = ""
    reason: str = ""


INITIAL = Asset()


def evolve(state: Asset, event: AssetEvent) -> Asset:
    match event:
        case AssetUploadStarted():
            return Asset(status="started", project_id=event.project_id)
        case AssetStored():
            return replace(state, status="stored", sha256=event.sha256)
        case AssetRejected():
            return replace(state, status="rejected", reason=event.reason)
        case _:
            assert_never(event)


def decide(command: AssetCommand, state: Asset) -> list[AssetEvent]:
    match command:
        case StartUpload():
            return _start(command, state)
        case ProbedUpload():
            return _store(command, state)
        case _:
            assert_never(command)


def _start(command: StartUpload, state: Asset) -> list[AssetEvent]:
    if state.status != "unknown":
        raise Conflict(f"asset {command.asset_id} already exists")
    check_file_name(command.file_name)
    return [
        AssetUploadStarted(
            asset_id=command.asset_id, project_id=command.project_id,
            file_name=command.file_name, content_type=command.content_type,
            started_at=command.now,
        )
    ]


def check_file_name(name: str) -> None:
    """A plain file name: the blob key never uses it, but it is shown back to users."""
    if not name.strip():
        raise Invalid("file_name", "file_name is required")
    if len(name) > MAX_FILE_NAME_CHARS:
        raise Invalid("file_name", f"file_name is at most {MAX_FILE_NAME_CHARS} characters")
    if "/" in name or "\\" in name or "\x00" in name or name.strip() in (".", ".."):
        raise Invalid("file_name", "file_name must be a plain name, without a path")


def _store(command: ProbedUpload, state: Asset) -> list[AssetEvent]:
    upload = command.upload
    if state.status == "unknown" or state.project_id != upload.project_id:
        raise NotFound(f"asset {upload.asset_id} not found")
    if state.status == "rejected":
        raise Conflict(f"asset {upload.asset_id} was rejected: {state.reason}")
    if state.status == "stored":
        if state.sha256 == upload.sha256:
            return []  # the same bytes delivered again (a retried upload): nothing changes
        raise Conflict(f"asset {upload.asset_id} is already stored with other content")
    _check_blob(upload)
    reason = unusable_because(command)
    if reason is not None:
        return [
            AssetRejected(
                asset_id=upload.asset_id, project_id=upload.project_id, reason=reason,
                rejected_at=upload.now,
            )
        ]
    return [
        AssetStored(
            asset_id=upload.asset_id, project_id=upload.project_id, blob_key=upload.blob_key,
            sha256=upload.sha256, size_bytes=upload.size_bytes, duration_s=command.duration_s,
            streams=list(command.streams), segment_id=upload.segment_id, stored_at=upload.now,
        )
    ]


def _check_blob(upload: StoreUpload) -> None:
    if len(upload.sha256) != 64 or not set(upload.sha256) <= _SHA256_HEX:
        raise Invalid("sha256", "sha256 must be 64 lowercase hex digits")
    if upload.blob_key != asset_blob_key(upload.project_id, upload.sha256):
        raise Invalid("blob_key", "blob_key must be the project's key for this sha256")
    if upload.size_bytes < 0:
        raise Invalid("size_bytes", "size_bytes cannot be negative")


def unusable_because(probed: ProbedUpload) -> str | None:
    """Why the probed file cannot go on a timeline, or None when it can."""
    if probed.upload.size_bytes == 0:
        return "the file is empty (0 bytes)"
    if probed.unreadable is not None:
        return f"not a readable audio or video file: {probed.unreadable}"
    if not probed.streams:
        return "the file has no audio or video stream"
    if not math.isfinite(probed.duration_s) or probed.duration_s <= 0:
        return "the file has no duration (no playable frames or samples)"
    return None
