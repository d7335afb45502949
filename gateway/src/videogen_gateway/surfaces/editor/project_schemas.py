"""The editor's project and upload shapes (doc 002), and their translation to commands.

An editor project is the project service's Project, the one every surface shows: `name`
is its `topic`, `description` its description. Doc 002 shows the body with every field,
but an editor's "New project" button sends what the user typed, often nothing, so every
field is optional: no name is "Untitled project", and an empty `video_url` imports nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta
from videogen_contracts.media.editing import MediaStream
from videogen_contracts.project import limits
from videogen_contracts.project.commands import CreateProject
from videogen_gateway.readmodels.editor.rows import AssetRow, SegmentRow
from videogen_gateway.readmodels.projects.rows import ProjectRow
from videogen_gateway.surfaces.editor.segment_schemas import SegmentOut, segment_out

UNTITLED = "Untitled project"
FILE_NAME_MAX = 255
CONTENT_TYPE_MAX = 255

Name = Annotated[str, Meta(min_length=1, max_length=limits.TOPIC_MAX,
                           description=f"the project's name; not blank (default {UNTITLED!r})")]
Description = Annotated[str, Meta(max_length=limits.DESCRIPTION_MAX)]
VideoUrl = Annotated[str, Meta(
    max_length=limits.URL_MAX,
    description="a video imported as the first upload: an http(s) URL under an allowed"
                " prefix, or a file under the import directory ('' imports nothing)",
)]
FileName = Annotated[str, Meta(min_length=1, max_length=FILE_NAME_MAX,
                               description="a plain file name, without a path")]
# No NUL: the services refuse it in any text (PostgreSQL cannot store it), so say so here.
ContentType = Annotated[str, Meta(max_length=CONTENT_TYPE_MAX, pattern="^[^\x00]*$")]


class EditorProjectBody(msgspec.Struct, kw_only=True):
    name: Name | None = None
    description: Description | None = None
    video_url: VideoUrl | None = None


class EditorProjectOut(msgspec.Struct, kw_only=True):
    id: UUID
    name: str
    description: str | None
    status: str
    created_at: datetime
    updated_at: datetime


class AssetOut(msgspec.Struct, kw_only=True):
    id: UUID
    project_id: UUID
    file_name: str
    content_type: str
    # uploading (an upload URL was handed out) | stored | rejected
    status: str
    # Once stored: what the probe found. `duration` in seconds.
    sha256: str | None
    size_bytes: int | None
    duration: float | None
    streams: list[MediaStream]
    # The segment the upload made at the end of the timeline.
    segment_id: UUID | None
    # Why it was rejected.
    reason: str | None
    created_at: datetime


class EditorProjectDetailOut(EditorProjectOut, kw_only=True):
    # Every upload of the project, in the order they were made, rejected ones too.
    assets: list[AssetOut]
    # Every segment ever made, active or not, in timeline order.
    timeline: list[SegmentOut]


class UploadBody(msgspec.Struct, kw_only=True):
    file_name: FileName
    content_type: ContentType = "application/octet-stream"


class UploadUrlOut(msgspec.Struct, kw_only=True):
    upload_url: str
    asset_id: UUID


class StoredOut(msgspec.Struct, kw_only=True):
    """The answer to the request that completes an upload."""

    asset_id: UUID
    project_id: UUID
    status: Literal["stored"]
    sha256: str
    size_bytes: int
    segment_id: UUID


def create_command(body: EditorProjectBody, project_id: UUID, command_id: str,
                   now: datetime) -> CreateProject:
    return CreateProject(command_id=command_id, now=now, project_id=project_id,
                         topic=body.name or UNTITLED, description=body.description)


def project_out(row: ProjectRow) -> EditorProjectOut:
    return EditorProjectOut(id=row.id, name=row.topic, description=row.description,
                            status=row.status, created_at=row.created_at,
                            updated_at=row.updated_at)


def asset_out(row: AssetRow) -> AssetOut:
    return AssetOut(id=row.id, project_id=row.project_id, file_name=row.file_name,
                    content_type=row.content_type, status=row.status, sha256=row.sha256,
                    size_bytes=row.size_bytes, duration=row.duration_s, streams=row.streams,
                    segment_id=row.segment_id, reason=row.reason, created_at=row.created_at)


def project_detail_out(
    row: ProjectRow, assets: list[AssetRow], segments: list[SegmentRow]
) -> EditorProjectDetailOut:
    return EditorProjectDetailOut(**msgspec.structs.asdict(project_out(row)),
                            assets=[asset_out(a) for a in assets],
                            timeline=[segment_out(s) for s in segments])


def stored_out(row: AssetRow) -> StoredOut:
    """A stored asset, as the request that completed its upload was answered."""
    if row.sha256 is None or row.size_bytes is None or row.segment_id is None:
        raise ValueError(f"asset {row.id} is not stored")
    return StoredOut(asset_id=row.id, project_id=row.project_id, status="stored",
                     sha256=row.sha256, size_bytes=row.size_bytes, segment_id=row.segment_id)
