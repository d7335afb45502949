"""Where an AI edit falls: its timeline range on one segment's source, its box in pixels.

- Times are on the project timeline (what plays: the active segments one after another).
  v1 edits within one segment, so the range must lie in one: a range across a cut is a
  400 that says so, one past the end a 400 naming `end_ts`.
- The box is in pixels of the source frame, or fractions of it when all four values are
  within 0..1. It must have a positive size and lie inside the frame (a pixel of rounding
  is forgiven), else a 400 naming `bounding_box`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from videogen_contracts.media.ai_edits import Box
from videogen_gateway.errors import ApiError
from videogen_gateway.readmodels.editor.rows import SegmentRow
from videogen_gateway.surfaces.editor.ai_schemas import BoundingBox, GenerateBody
from videogen_gateway.surfaces.editor.preview_routes import END_MARGIN, timeline_length


@dataclass(frozen=True, slots=True)
class SourceRange:
    segment: SegmentRow
    source_start_ts: float
    source_end_ts: float


def source_range(segments: Sequence[SegmentRow], body: GenerateBody) -> SourceRange:
    start, end = body.start_ts, body.end_ts
    for name, value in (("start_ts", start), ("end_ts", end)):
        if not math.isfinite(value) or value < 0:
            raise ApiError(400, f"{name} must be a finite, non-negative number of seconds", name)
    if start >= end:
        raise ApiError(400, f"end_ts ({end:g}) must be after start_ts ({start:g})", "end_ts")
    if not segments:
        raise ApiError(400, "the project's timeline is empty: upload a clip first", "start_ts")
    length = timeline_length(segments)
    if end > length + END_MARGIN:
        raise ApiError(400, f"end_ts: {end:g} s is past the end of the timeline ({length:g} s)",
                       "end_ts")
    offset = 0.0
    for segment in segments:
        seconds = segment.end_ts - segment.start_ts
        if start < offset + seconds:
            if end > offset + seconds + END_MARGIN:
                raise ApiError(400, f"the range {start:g}..{end:g} s crosses a cut at"
                                    f" {offset + seconds:g} s: an AI edit lies within one"
                                    " segment", "end_ts")
            first = segment.start_ts + (start - offset)
            last = min(segment.end_ts, segment.start_ts + (end - offset))
            return SourceRange(segment, round(first, 6), round(last, 6))
        offset += seconds
    raise ApiError(400, f"start_ts: {start:g} s is at the end of the timeline", "start_ts")


def pixel_box(box: BoundingBox, width: int, height: int) -> Box:
    values = (box.x, box.y, box.width, box.height)
    if not all(math.isfinite(v) for v in values):
        raise ApiError(400, "bounding_box: every value must be a finite number", "bounding_box")
    if box.width <= 0 or box.height <= 0:
        raise ApiError(400, "bounding_box: width and height must be positive", "bounding_box")
    if all(0 <= v <= 1 for v in values):  # fractions of the frame
        x, y, w, h = box.x * width, box.y * height, box.width * width, box.height * height
    else:
        x, y, w, h = values
    if x < -1 or y < -1 or x + w > width + 1 or y + h > height + 1:
        raise ApiError(400, f"bounding_box: ({box.x:g}, {box.y:g}, {box.width:g} x"
                            f" {box.height:g}) is outside the {width} x {height} frame",
                       "bounding_box")
    left, top = max(0, round(x)), max(0, round(y))
    right, bottom = min(width, round(x + w)), min(height, round(y + h))
    if right - left < 1 or bottom - top < 1:
        raise ApiError(400, "bounding_box: the box is less than a pixel", "bounding_box")
    return Box(x=left, y=top, width=right - left, height=bottom - top)
