"""Doc 002's export shapes: the POST body as the document gives it, and the job views.

Pure functions, no I/O. The body is read by hand (`export_body`), so the project is looked
up (a 404) before the format is checked (a 400 naming the formats there are).
"""

from __future__ import annotations

from typing import Annotated, Literal, cast
from uuid import UUID

import msgspec
from videogen_contracts.export.exports import EXPORT_FORMATS, ExportFormat
from videogen_gateway.errors import ApiError
from videogen_gateway.readmodels.exports.readmodel import ExportRow

CREATED = "Export job created — check status with get_export_status"
DEFAULT_FORMAT: ExportFormat = "mp4"

ExportStatusName = Literal["pending", "running", "completed", "failed"]


class ExportBody(msgspec.Struct, frozen=True, kw_only=True):
    """POST /api/export, for the OpenAPI (`export_body` reads the body itself)."""

    project_id: Annotated[str, msgspec.Meta(min_length=1)]
    format: ExportFormat = DEFAULT_FORMAT


class ExportAccepted(msgspec.Struct, frozen=True, kw_only=True):
    export_job_id: str
    status: ExportStatusName = "pending"
    message: str = CREATED


class ExportStatus(msgspec.Struct, frozen=True, kw_only=True):
    export_job_id: str
    status: ExportStatusName
    # Set once completed (null before).
    export_url: str | None
    download_url: str | None
    # Set once failed.
    error: str | None


def _object(raw: bytes) -> dict[str, object]:
    try:
        body = msgspec.json.decode(raw or b"{}")
    except msgspec.DecodeError:
        raise ApiError(400, "the body is not JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "the body is a JSON object: {project_id, format}")
    return body


def project_id_of(raw: bytes) -> tuple[str, dict[str, object]]:
    """The body's `project_id` (any string: an unknown one is the caller's 404)."""
    body = _object(raw)
    project_id = body.get("project_id")
    if not isinstance(project_id, str) or not project_id:
        raise ApiError(400, "project_id is required: the id of the project to export",
                       "project_id")  # fmt: skip
    return project_id, body


def format_of(body: dict[str, object]) -> ExportFormat:
    fmt = body.get("format", DEFAULT_FORMAT)
    if isinstance(fmt, str) and fmt in EXPORT_FORMATS:
        return cast(ExportFormat, fmt)
    raise ApiError(400, f"format must be one of {', '.join(EXPORT_FORMATS)}: got {fmt!r}",
                   "format")  # fmt: skip


def file_url(export_id: UUID) -> str:
    """The file itself, to play (inline), with Range."""
    return f"/api/export/{export_id}/file"


def download_url(export_id: UUID) -> str:
    """The same file as an attachment, with Range."""
    return f"/api/export/{export_id}/download"


def export_status(row: ExportRow) -> ExportStatus:
    done = row.status == "completed" and row.video_key is not None
    return ExportStatus(
        # The projection writes only doc 002's four statuses.
        export_job_id=str(row.id), status=cast(ExportStatusName, row.status),
        export_url=file_url(row.id) if done else None,
        download_url=download_url(row.id) if done else None, error=row.error,
    )  # fmt: skip


MEDIA_TYPES: dict[str, str] = {
    "mp4": "video/mp4", "webm": "video/webm", "mov": "video/quicktime", "gif": "image/gif",
}  # fmt: skip


def download_name(row: ExportRow) -> str:
    return f"export-{row.id}.{row.format}"
