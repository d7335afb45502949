"""Doc 002's previews of a project's timeline: one frame at a time, or a strip of them.

A time `ts` on the project's timeline is a time in what plays: the active segments one
after another, each lasting `end_ts - start_ts`. The route maps it onto one segment and
a time in that segment's media, then asks the media service for the frames (the query
`preview_frames`: it decodes what is not cached yet and answers blob keys). The JPEGs are
served by the file route (file_routes.py) under URLs made of their content keys, so a
client may cache them forever.

The project is looked up first (a 404 before any body is read), then the body: a time
past the timeline's end, an empty range, or a strip of more frames than the cap
(`GatewayOptions.editor_strip_max_frames`) is a 400 that names the field.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, Router, post
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK
from videogen_contracts.media.editing_commands import (
    FrameAt,
    PreviewFrames,
    PreviewFramesAnswer,
)
from videogen_contracts.media.events import SERVICE
from videogen_gateway.command_client import CommandRefused
from videogen_gateway.errors import ApiError
from videogen_gateway.openapi import described, json_schema, problems
from videogen_gateway.readmodels.editor.rows import SegmentRow
from videogen_gateway.runtime import Runtime, runtime_of
from videogen_gateway.surfaces.editor.bodies import strict_body
from videogen_gateway.surfaces.editor.file_routes import file_url
from videogen_gateway.surfaces.editor.lookups import editor_queries, known_editor_ids
from videogen_gateway.surfaces.editor.preview_schemas import (
    FRAME_WIDTH,
    STRIP_WIDTH,
    FrameBody,
    FrameOut,
    StripBody,
    StripOut,
)
from videogen_gateway.surfaces.editor.sending import rejected
from videogen_gateway.surfaces.studio.lookups import parse_id

# Decoding from an original whose proxy is not made yet takes up to a GOP per frame.
PREVIEW_WAIT = 60.0
# The last frame of a segment is a hair before its end (`end_ts` is exclusive).
END_MARGIN = 1e-3


def source_time(segments: Sequence[SegmentRow], ts: float) -> tuple[SegmentRow, float]:
    """The segment showing at timeline time `ts`, and the time in its media."""
    offset = 0.0
    for segment in segments:
        length = segment.end_ts - segment.start_ts
        if ts < offset + length:
            return segment, segment.start_ts + (ts - offset)
        offset += length
    last = segments[-1]
    return last, max(last.start_ts, last.end_ts - END_MARGIN)


def timeline_length(segments: Sequence[SegmentRow]) -> float:
    return sum(segment.end_ts - segment.start_ts for segment in segments)


async def playing(rt: Runtime, project_id: UUID) -> list[SegmentRow]:
    return await editor_queries(rt).active_segments_of(project_id)


def _within(segments: Sequence[SegmentRow], ts: float, field: str) -> None:
    length = timeline_length(segments)
    if not segments:
        raise ApiError(400, f"{field}: the project's timeline is empty", field)
    if ts > length + END_MARGIN:
        raise ApiError(400, f"{field}: {ts:g} s is past the end of the timeline "
                            f"({length:g} s)", field)


async def frame_keys(rt: Runtime, frames: list[FrameAt], field: str | None) -> list[str]:
    """Ask the media service for the frames; their JPEG blob keys, in order. A refusal
    about the media (audio only, say) is put on the client's `field`."""
    try:
        reply = await rt.dispatcher.query(
            SERVICE, "preview_frames", PreviewFrames(frames=frames), attempt_timeout=PREVIEW_WAIT
        )
    except CommandRefused as refused:
        raise rejected(refused.rejection, {"media_key": field} if field else {}) from None
    return msgspec.json.decode(reply.answer, type=PreviewFramesAnswer).keys


def _frame_at(segments: Sequence[SegmentRow], ts: float, width: int) -> FrameAt:
    segment, at = source_time(segments, ts)
    return FrameAt(media_key=segment.media_key, ts=at, max_width=width, grade=segment.grade)


@post(
    "/{project_id:str}/preview/frame", status_code=HTTP_200_OK, guards=known_editor_ids,
    summary="The frame of the project's timeline at ts (a JPEG URL)",
    operation_id="EditorPreviewFrame", responses=problems(400, 404, 503),
    operation_class=described(at=200, body=json_schema(FrameBody)),
)
async def preview_frame(
    state: State, request: Request[Any, Any, Any], project_id: FromPath[str]
) -> FrameOut:
    rt = runtime_of(state)
    data = await strict_body(request, FrameBody)
    segments = await playing(rt, parse_id(project_id, "project"))
    _within(segments, data.ts, "ts")
    [key] = await frame_keys(rt, [_frame_at(segments, data.ts, FRAME_WIDTH)], "ts")
    return FrameOut(frame_url=file_url(key), timestamp=data.ts)


def strip_times(body: StripBody, cap: int) -> list[float]:
    """`start`, then every 1/fps seconds before `end`; at most `cap` of them."""
    if body.end <= body.start:
        raise ApiError(400, "end: a strip ends after it starts", "end")
    count = math.ceil((body.end - body.start) * body.fps - 1e-9)
    if count > cap:
        raise ApiError(400, f"fps: {count} frames is more than a strip's {cap}; lower fps or "
                            "narrow the range", "fps")
    return [body.start + i / body.fps for i in range(count)]


@post(
    "/{project_id:str}/preview/strip", status_code=HTTP_200_OK, guards=known_editor_ids,
    summary="Frames of the project's timeline from start to end at fps (JPEG URLs)",
    operation_id="EditorPreviewStrip", responses=problems(400, 404, 503),
    operation_class=described(at=200, body=json_schema(StripBody)),
)
async def preview_strip(
    state: State, request: Request[Any, Any, Any], project_id: FromPath[str]
) -> StripOut:
    rt = runtime_of(state)
    data = await strict_body(request, StripBody)
    times = strip_times(data, rt.options.editor_strip_max_frames)
    segments = await playing(rt, parse_id(project_id, "project"))
    _within(segments, data.end, "end")
    keys = await frame_keys(rt, [_frame_at(segments, ts, STRIP_WIDTH) for ts in times], "start")
    return StripOut(frames=[
        FrameOut(frame_url=file_url(key), timestamp=round(ts, 6))
        for ts, key in zip(times, keys, strict=True)
    ])


def preview_router() -> Router:
    return Router(path="/api/project", route_handlers=[preview_frame, preview_strip],
                  tags=["editor"])
