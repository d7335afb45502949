"""Render events: one timeline encoded into one file, on stream `render-<render_id>`.

The export service owns the Render aggregate. Its events are the public, versioned record
the production process manager (and any other consumer) reacts to. Tags are class names,
stored as is and never renamed. A new field gets a default; a breaking change bumps
`schema_version` and adds an upcaster. Events carry blob keys, never bytes; the output key
is chosen by the requester and is unique to the job, so a re-run after a crash overwrites
the same blob instead of producing a second file.
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args
from uuid import UUID

import msgspec

from videogen_contracts.media.events import ChosenVisual, PictureSegment, SoundOptions
from videogen_contracts.project.events import Timestamp
from videogen_contracts.project.production import RenderSettings

SERVICE = "export"

RenderFailureCode = Literal["invalid_input", "missing_input", "encoder_failed", "internal"]


def stream_id_for(render_id: UUID) -> str:
    """The Render aggregate's stream: `render-<uuid>`."""
    return f"render-{render_id}"


class TimelineClip(msgspec.Struct, frozen=True, kw_only=True):
    """One scene of the timeline: a sentence's narration over its visual, in order."""

    clip_id: UUID
    # The spoken sentence (for logs and for drawtext fallbacks; captions come from `ass`).
    text: str
    narration_key: str
    # The scene lasts exactly as long as its narration (measured by the media service).
    duration_s: float
    visual: ChosenVisual
    # Added later (UNSET is never encoded): silence after the narration; the scene lasts
    # duration_s + pause_s.
    pause_s: float | msgspec.UnsetType = msgspec.UNSET


class CaptionTrack(msgspec.Struct, frozen=True, kw_only=True):
    """Captions timed on the whole timeline; `ass_key` is burnt in, `srt_key` is copied."""

    ass_key: str | None = None
    srt_key: str | None = None
    # Added later (UNSET is never encoded): the WebVTT (with word timings), copied too.
    vtt_key: str | msgspec.UnsetType | None = msgspec.UNSET


class RenderEventBase(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    # Not a field: the version of this event's payload schema, written to the envelope.
    schema_version: ClassVar[int] = 1

    render_id: UUID
    project_id: UUID
    # The production this render belongs to, when it was requested by one.
    production_id: UUID | None = None


class RenderRequested(RenderEventBase, frozen=True, kw_only=True, tag="RenderRequested"):
    clips: list[TimelineClip]
    captions: CaptionTrack
    settings: RenderSettings
    output_key: str
    # Where the `.srt` is copied next to the video; None when there are no captions.
    subtitle_key: str | None
    requested_at: Timestamp
    # Added later (UNSET is never encoded, so older requests read back equal):
    # the picture already encoded in segments (joined by stream copy; `clips` then give
    # the soundtrack's layout only), the finished sound, and the media half of the
    # quality report that the render completes with its measurements of the output.
    segments: list[PictureSegment] | msgspec.UnsetType = msgspec.UNSET
    sound: SoundOptions | msgspec.UnsetType = msgspec.UNSET
    media_report_key: str | msgspec.UnsetType | None = msgspec.UNSET


class RenderProgressed(RenderEventBase, frozen=True, kw_only=True, tag="RenderProgressed"):
    """The encode moved forward; `percent` only grows, in steps of about 5, below 100."""

    percent: int
    progressed_at: Timestamp


class RenderCompleted(RenderEventBase, frozen=True, kw_only=True, tag="RenderCompleted"):
    video_key: str
    subtitle_key: str | None
    # Measured on the written file, not taken from the timeline.
    duration_s: float
    size_bytes: int
    completed_at: Timestamp
    # Added later (UNSET is never encoded): the quality report (JSON) beside the video,
    # and the WebVTT captions.
    report_key: str | msgspec.UnsetType | None = msgspec.UNSET
    vtt_key: str | msgspec.UnsetType | None = msgspec.UNSET


class RenderFailed(RenderEventBase, frozen=True, kw_only=True, tag="RenderFailed"):
    code: RenderFailureCode
    reason: str
    failed_at: Timestamp


RenderEvent = RenderRequested | RenderProgressed | RenderCompleted | RenderFailed

EVENT_TYPES: tuple[type[RenderEventBase], ...] = get_args(RenderEvent)

event_decoder = msgspec.json.Decoder(RenderEvent)
