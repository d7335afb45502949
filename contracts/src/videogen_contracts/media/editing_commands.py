"""Editor commands (doc 002), served by the media service on `ns.command_subject("media", name)`.

The gateway sends them with a command id per HTTP request, so a retried request is stored
once. It chooses the ids of what a command creates (`asset_id`, `left_id`, …) so that it
can answer with them and wait for them in its read model. Every edit names the segment it
changes; the decider refuses an edit of an inactive segment (`Conflict`) and bounds that
fall outside the segment's source window (`Invalid(field)`).

Preview queries (frames, strips, a graded frame, a segment's playable clip) change nothing
and record no event: they answer with the blob key of a cached JPEG or clip.
"""

from __future__ import annotations

from uuid import UUID

import msgspec

from videogen_contracts.media.editing import ColorGrade
from videogen_contracts.project.events import Timestamp


class EditorCommandBase(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    # Timezone-aware (UTC); the decider copies it into the events it records.
    now: Timestamp
    project_id: UUID


class StartUpload(EditorCommandBase, frozen=True, kw_only=True):
    asset_id: UUID
    file_name: str
    content_type: str


class StoreUpload(EditorCommandBase, frozen=True, kw_only=True):
    """The bytes are in the blob store under `blob_key` (content-addressed by `sha256`):
    probe them, then record AssetStored and append a segment, or AssetRejected."""

    asset_id: UUID
    blob_key: str
    sha256: str
    size_bytes: int
    segment_id: UUID


class SplitSegment(EditorCommandBase, frozen=True, kw_only=True):
    segment_id: UUID
    split_ts: float
    left_id: UUID
    right_id: UUID


class TrimSegment(EditorCommandBase, frozen=True, kw_only=True):
    segment_id: UUID
    start_ts: float
    end_ts: float


class DeleteSegment(EditorCommandBase, frozen=True, kw_only=True):
    segment_id: UUID


class GradeSegment(EditorCommandBase, frozen=True, kw_only=True):
    segment_id: UUID
    grade: ColorGrade
    replacement_id: UUID


EDITOR_COMMANDS: dict[str, type[msgspec.Struct]] = {
    "start_upload": StartUpload, "store_upload": StoreUpload,
    "split_segment": SplitSegment, "trim_segment": TrimSegment,
    "delete_segment": DeleteSegment, "grade_segment": GradeSegment,
}


# ---- Queries (no events) ----------------------------------------------------------------


class FrameAt(msgspec.Struct, frozen=True, kw_only=True):
    """One frame of `media_key` at `ts` seconds of the source, at most `max_width` wide."""

    media_key: str
    ts: float
    max_width: int = 640
    grade: ColorGrade | None = None


class PreviewFrames(msgspec.Struct, frozen=True, kw_only=True):
    frames: list[FrameAt]


class PreviewFramesAnswer(msgspec.Struct, frozen=True, kw_only=True):
    # The JPEG blob keys, one per frame asked for, in order.
    keys: list[str]


class SegmentMedia(msgspec.Struct, frozen=True, kw_only=True):
    """A segment's own playable file: `[start_ts, end_ts)` of `media_key`, graded.

    Rendered on first request and kept under a key made of what it shows, so asking again
    (any segment with the same media, window and grade) finds it.
    """

    media_key: str
    start_ts: float
    end_ts: float
    grade: ColorGrade | None = None


class SegmentMediaAnswer(msgspec.Struct, frozen=True, kw_only=True):
    # The blob to serve: the rendered clip, or the media itself when the segment is all
    # of it, ungraded.
    key: str
    media_type: str


EDITOR_QUERIES: dict[str, type[msgspec.Struct]] = {
    "preview_frames": PreviewFrames, "segment_media": SegmentMedia,
}
