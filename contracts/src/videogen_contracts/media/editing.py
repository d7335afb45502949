"""Editor events: uploaded assets and each project's non-destructive timeline (doc 002).

Two aggregates, owned by the media service:
- `Asset`, on stream `asset-<asset_id>`: one uploaded (or imported) file. It is announced
  when the gateway hands out an upload URL, then either stored (probed as audio or video,
  content-addressed by sha256) or rejected with the reason.
- `Timeline`, on stream `timeline-<project_id>`: the project's segments in order. Edits
  never destroy: a split or a grade deactivates the segment it replaces and adds new
  ones, so every segment ever made stays in the history (and in the read model).

Tags are class names, stored as is and never renamed. A new field gets a default; a
breaking change bumps `schema_version` and adds an upcaster. Events carry blob keys, never
bytes. Times (`start_ts`, `end_ts`) are seconds in the segment's *source media*.
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args
from uuid import UUID

import msgspec

from videogen_contracts.project.events import Timestamp

SegmentSource = Literal["upload", "graded", "generated"]


def asset_stream_id(asset_id: UUID) -> str:
    """The Asset aggregate's stream: `asset-<uuid>`."""
    return f"asset-{asset_id}"


def timeline_stream_id(project_id: UUID) -> str:
    """The Timeline aggregate's stream: `timeline-<project_uuid>` (one per project)."""
    return f"timeline-{project_id}"


def editor_prefix(project_id: UUID) -> str:
    """Every editor blob of a project lives under this prefix (deleted with the project)."""
    return f"editor/{project_id}/"


def asset_blob_key(project_id: UUID, sha256: str) -> str:
    """An uploaded file, by content: the same file uploaded twice to a project is stored once."""
    return f"{editor_prefix(project_id)}assets/{sha256}"


# The documented ranges of a colour grade. Every field is optional and neutral by default,
# so `{}` is "no change"; the gateway and the decider both read these bounds from here.
GRADE_LIMITS: dict[str, tuple[float, float]] = {
    "brightness": (-1.0, 1.0),  # added to luma (ffmpeg eq): 0 = unchanged
    "contrast": (0.0, 3.0),  # a factor: 1 = unchanged, 0 = flat grey
    "saturation": (0.0, 3.0),  # a factor: 1 = unchanged, 0 = grey
    "temperature": (-1.0, 1.0),  # warm (+) or cool (-): 0 = unchanged (6500 K)
    "gamma": (0.1, 10.0),  # ffmpeg eq gamma: 1 = unchanged
    "hue_shift": (-180.0, 180.0),  # degrees: 0 = unchanged
}


class ColorGrade(msgspec.Struct, frozen=True, kw_only=True):
    """A colour grade; every default is neutral, so `ColorGrade()` changes nothing."""

    brightness: float = 0.0
    contrast: float = 1.0
    saturation: float = 1.0
    temperature: float = 0.0
    gamma: float = 1.0
    hue_shift: float = 0.0

    def is_neutral(self) -> bool:
        return self == NEUTRAL_GRADE


NEUTRAL_GRADE = ColorGrade()


class MediaStream(msgspec.Struct, frozen=True, kw_only=True):
    """One stream of a probed file, as PyAV reports it."""

    kind: Literal["video", "audio"]
    codec: str
    # Video only.
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    # Audio only.
    sample_rate: int | None = None
    channels: int | None = None


class Segment(msgspec.Struct, frozen=True, kw_only=True):
    """One piece of the timeline: a window of one media file."""

    segment_id: UUID
    project_id: UUID
    # The uploaded asset the media comes from (a graded segment keeps its original's).
    asset_id: UUID
    source: SegmentSource
    # The file this segment plays: the asset's blob, or the graded render of it.
    media_key: str
    start_ts: float
    end_ts: float
    # The grade baked into `media_key` (source == "graded"); None otherwise.
    grade: ColorGrade | None = None
    # The AI variant this segment came from (source == "generated"; issue 11).
    variant_id: UUID | None = None


# ---- Asset -------------------------------------------------------------------------------


class AssetEventBase(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    # Not a field: the version of this event's payload schema, written to the envelope.
    schema_version: ClassVar[int] = 1

    asset_id: UUID
    project_id: UUID


class AssetUploadStarted(AssetEventBase, frozen=True, kw_only=True, tag="AssetUploadStarted"):
    """An upload URL was handed out; the bytes have not arrived yet."""

    file_name: str
    content_type: str
    started_at: Timestamp


class AssetStored(AssetEventBase, frozen=True, kw_only=True, tag="AssetStored"):
    """The bytes arrived, were probed as audio or video, and are stored by content."""

    # `asset_blob_key(project_id, sha256)`: the same file uploaded twice is stored once.
    blob_key: str
    sha256: str
    size_bytes: int
    duration_s: float
    streams: list[MediaStream]
    # The asset's first segment, appended to the end of the project's timeline.
    segment_id: UUID
    stored_at: Timestamp


class AssetRejected(AssetEventBase, frozen=True, kw_only=True, tag="AssetRejected"):
    """The bytes are not usable media (or not allowed); nothing reaches the timeline."""

    reason: str
    rejected_at: Timestamp


AssetEvent = AssetUploadStarted | AssetStored | AssetRejected

ASSET_EVENT_TYPES: tuple[type[AssetEventBase], ...] = get_args(AssetEvent)

asset_event_decoder = msgspec.json.Decoder(AssetEvent)


# ---- Timeline ----------------------------------------------------------------------------


class TimelineEventBase(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    # Not a field: the version of this event's payload schema, written to the envelope.
    schema_version: ClassVar[int] = 1

    project_id: UUID


class SegmentAppended(TimelineEventBase, frozen=True, kw_only=True, tag="SegmentAppended"):
    """A new segment at the end of the timeline (an upload covering the whole clip)."""

    segment: Segment
    appended_at: Timestamp


class SegmentSplit(TimelineEventBase, frozen=True, kw_only=True, tag="SegmentSplit"):
    """`segment_id` is deactivated; `left` then `right` take its place, in that order."""

    segment_id: UUID
    left: Segment
    right: Segment
    split_at: Timestamp


class SegmentTrimmed(TimelineEventBase, frozen=True, kw_only=True, tag="SegmentTrimmed"):
    segment_id: UUID
    start_ts: float
    end_ts: float
    trimmed_at: Timestamp


class SegmentDeleted(TimelineEventBase, frozen=True, kw_only=True, tag="SegmentDeleted"):
    """A soft delete: the segment stays in the history, inactive."""

    segment_id: UUID
    deleted_at: Timestamp


class SegmentReplaced(TimelineEventBase, frozen=True, kw_only=True, tag="SegmentReplaced"):
    """`segment_id` is deactivated and `replacement` takes its place (a grade, a variant)."""

    segment_id: UUID
    replacement: Segment
    replaced_at: Timestamp


class VariantAccepted(TimelineEventBase, frozen=True, kw_only=True, tag="VariantAccepted"):
    """An AI variant is on the timeline (issue 11): `segment_id` is deactivated and `left`,
    `generated`, `right` take its place, in that order. `left`/`right` are what remains of
    it before and after the edited range (None at an edge); when the job already had a
    variant on the timeline, `segment_id` is that variant's segment and both are None.
    `generated` plays the variant's clip, window 0..its duration."""

    job_id: UUID
    variant_id: UUID
    segment_id: UUID
    left: Segment | None = None
    generated: Segment
    right: Segment | None = None
    accepted_at: Timestamp


TimelineEvent = (
    SegmentAppended | SegmentSplit | SegmentTrimmed | SegmentDeleted | SegmentReplaced
    | VariantAccepted
)

TIMELINE_EVENT_TYPES: tuple[type[TimelineEventBase], ...] = get_args(TimelineEvent)

timeline_event_decoder = msgspec.json.Decoder(TimelineEvent)
