"""Editor exports (doc 002): a project's active timeline rendered to one file, on stream
`export-<export_id>`, owned by the export service.

The request carries the cuts themselves (a snapshot of the active timeline, in order), so
the render does not depend on what the timeline becomes while it runs. The output key is
derived from the cuts and the format (`editor/<project_id>/exports/<digest>.<ext>`): exporting an
unchanged timeline again finds the file already there and renders nothing.

A project without uploads but with a script (made on the studio surface) is exported as a
production instead (narrated, captioned, reusing its narration); `production_id` names it.

Tags are class names, stored as is and never renamed. A new field gets a default; a
breaking change bumps `schema_version` and adds an upcaster.
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args
from uuid import UUID

import msgspec

from videogen_contracts.media.editing import ColorGrade
from videogen_contracts.project.events import Timestamp

ExportFormat = Literal["mp4", "webm", "mov", "gif"]
EXPORT_FORMATS: tuple[str, ...] = get_args(ExportFormat)

ExportFailureCode = Literal["invalid_input", "missing_input", "encoder_failed", "internal"]


def export_stream_id(export_id: UUID) -> str:
    """The Export aggregate's stream: `export-<uuid>`."""
    return f"export-{export_id}"


class Cut(msgspec.Struct, frozen=True, kw_only=True):
    """One active segment: `[start_ts, end_ts)` of `media_key`, graded when `grade` is set."""

    segment_id: UUID
    media_key: str
    start_ts: float
    end_ts: float
    grade: ColorGrade | None = None


class ExportEventBase(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    # Not a field: the version of this event's payload schema, written to the envelope.
    schema_version: ClassVar[int] = 1

    export_id: UUID
    project_id: UUID


class ExportRequested(ExportEventBase, frozen=True, kw_only=True, tag="ExportRequested"):
    format: ExportFormat
    cuts: list[Cut]
    output_key: str
    # Set when the project is exported as a production (a script, no uploads).
    production_id: UUID | None = None
    requested_at: Timestamp


class ExportStarted(ExportEventBase, frozen=True, kw_only=True, tag="ExportStarted"):
    started_at: Timestamp


class ExportCompleted(ExportEventBase, frozen=True, kw_only=True, tag="ExportCompleted"):
    video_key: str
    # Measured on the written file.
    duration_s: float
    size_bytes: int
    # True when the same cuts and format had been rendered before: nothing was encoded.
    reused: bool = False
    completed_at: Timestamp


class ExportFailed(ExportEventBase, frozen=True, kw_only=True, tag="ExportFailed"):
    code: ExportFailureCode
    reason: str
    failed_at: Timestamp


ExportEvent = ExportRequested | ExportStarted | ExportCompleted | ExportFailed

EXPORT_EVENT_TYPES: tuple[type[ExportEventBase], ...] = get_args(ExportEvent)

export_event_decoder = msgspec.json.Decoder(ExportEvent)


class ExportTimeline(msgspec.Struct, frozen=True, kw_only=True):
    """Render `cuts` to `format`. The reply comes once ExportRequested is stored."""

    command_id: str
    now: Timestamp
    export_id: UUID
    project_id: UUID
    format: ExportFormat
    cuts: list[Cut]
    production_id: UUID | None = None


EXPORT_COMMANDS: dict[str, type[msgspec.Struct]] = {"export_timeline": ExportTimeline}
