"""The editor's preview and grade JSON shapes (doc 002), with their documented limits.

Bounds are checked by msgspec as the body is decoded, so a wrong type or a value out of
range is a 400 that names the field (errors.validation_field). What needs the timeline
(a time past its end, a strip over the cap) is checked by the routes.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta
from videogen_contracts.media.editing import GRADE_LIMITS, NEUTRAL_GRADE, ColorGrade

# A strip samples at most at a video's own rate.
MAX_STRIP_FPS = 60.0
# Preview widths: a frame for the viewer, and thumbnails for the strip under it.
FRAME_WIDTH = 640
STRIP_WIDTH = 320

Seconds = Annotated[float, Meta(ge=0, le=1e7, description="seconds on the project's timeline")]


class FrameBody(msgspec.Struct, frozen=True, kw_only=True):
    ts: Seconds


class FrameOut(msgspec.Struct, frozen=True, kw_only=True):
    frame_url: str
    timestamp: float


class StripBody(msgspec.Struct, frozen=True, kw_only=True):
    start: Seconds
    end: Seconds
    fps: Annotated[float, Meta(gt=0, le=MAX_STRIP_FPS,
                               description=f"frames per second, more than 0, at most "
                                           f"{MAX_STRIP_FPS:g}")] = 1.0


class StripOut(msgspec.Struct, frozen=True, kw_only=True):
    frames: list[FrameOut]


def _grade_meta(name: str) -> Meta:
    low, high = GRADE_LIMITS[name]
    neutral = getattr(NEUTRAL_GRADE, name)
    return Meta(ge=low, le=high, description=f"{low:g} to {high:g}; {neutral:g} = unchanged")


class GradeBody(msgspec.Struct, frozen=True, kw_only=True):
    """Every field is optional: a missing one (or null) keeps its neutral value. The
    ranges are GRADE_LIMITS, the contract's, and no others."""

    brightness: Annotated[float, _grade_meta("brightness")] | None = None
    contrast: Annotated[float, _grade_meta("contrast")] | None = None
    saturation: Annotated[float, _grade_meta("saturation")] | None = None
    temperature: Annotated[float, _grade_meta("temperature")] | None = None
    gamma: Annotated[float, _grade_meta("gamma")] | None = None
    hue_shift: Annotated[float, _grade_meta("hue_shift")] | None = None


def grade_of(body: GradeBody | None) -> ColorGrade:
    """The grade a body asks for: its fields over the neutral ones."""
    given = msgspec.structs.asdict(body) if body is not None else {}
    return ColorGrade(**{name: value for name, value in given.items() if value is not None})


class GradedOut(msgspec.Struct, frozen=True, kw_only=True):
    segment_id: str
    graded_url: str


class GradePreviewOut(msgspec.Struct, frozen=True, kw_only=True):
    preview_frame_url: str
