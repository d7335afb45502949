"""Doc 002's colour grades of a segment, and every segment's own playable media.

- `color-grade` records the grade at once (`grade_segment`: the segment is replaced by a
  graded one with the same media and window, non-destructively) and answers the
  replacement's id and URL; nothing is rendered until that URL is asked for.
- `grade-preview` changes nothing: the segment's middle frame with the grade applied.
- `GET /api/segment/{id}/media` is a segment's `url`: its window of its media, graded if it
  has a grade, rendered by the media service on first request and kept under a key made
  of what it shows (`segment_media`), served with HTTP Range so players can seek.

The segment is looked up first (a 404 before any body is read); grade values of the
wrong type or out of range are a 400 naming the field (preview_schemas.GradeBody).
"""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
from litestar import Request, Response, Router, get, post
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK
from videogen_contracts.media.editing_commands import (
    FrameAt,
    GradeSegment,
    SegmentMedia,
    SegmentMediaAnswer,
)
from videogen_contracts.media.events import SERVICE
from videogen_gateway.command_client import CommandRefused, stamped
from videogen_gateway.downloads import blob_path, file_response
from videogen_gateway.errors import ApiError, problem
from videogen_gateway.openapi import described, json_schema, problems
from videogen_gateway.runtime import runtime_of
from videogen_gateway.surfaces.editor.bodies import strict_body
from videogen_gateway.surfaces.editor.file_routes import file_url
from videogen_gateway.surfaces.editor.lookups import known_editor_ids, segment_of
from videogen_gateway.surfaces.editor.preview_routes import frame_keys
from videogen_gateway.surfaces.editor.preview_schemas import (
    FRAME_WIDTH,
    GradeBody,
    GradedOut,
    GradePreviewOut,
    grade_of,
)
from videogen_gateway.surfaces.editor.sending import (
    RetryKey,
    new_id,
    rejected,
    retry_key,
    send_media,
)

# A segment's first request renders it (a long segment takes a while); later ones find it.
RENDER_WAIT = 600.0


async def grade_body(request: Request[Any, Any, Any]) -> GradeBody:
    """The grade asked for; no body (or `null`) is every field neutral."""
    raw = (await request.body()).strip()
    if raw in (b"", b"null"):
        return GradeBody()
    return await strict_body(request, GradeBody)


def media_url(segment_id: object) -> str:
    return f"/api/segment/{segment_id}/media"


@post(
    "/{segment_id:str}/color-grade", status_code=HTTP_200_OK, guards=known_editor_ids,
    summary="Grade a segment: it is replaced by a graded segment (non-destructive)",
    operation_id="EditorColorGrade", responses=problems(400, 404, 409, 503),
    operation_class=described(at=200, body=json_schema(GradeBody | None)),
)
async def color_grade(
    state: State, request: Request[Any, Any, Any], segment_id: FromPath[str],
    idempotency_key: RetryKey = None,
) -> GradedOut:
    rt = runtime_of(state)
    segment = await segment_of(rt, segment_id)
    data = await grade_body(request)
    grade = grade_of(data)
    command_id = retry_key(idempotency_key, f"grade/{segment.id}",
                           msgspec.json.encode(grade).decode())
    command = stamped(
        GradeSegment, command_id, project_id=segment.project_id, segment_id=segment.id,
        grade=grade, replacement_id=new_id(command_id, "graded"),
    )
    await send_media(rt, "grade_segment", command)
    return GradedOut(segment_id=str(command.replacement_id),
                     graded_url=media_url(command.replacement_id))


@post(
    "/{segment_id:str}/grade-preview", status_code=HTTP_200_OK, guards=known_editor_ids,
    summary="The segment's middle frame with a grade applied (changes nothing)",
    operation_id="EditorGradePreview", responses=problems(400, 404, 503),
    operation_class=described(at=200, body=json_schema(GradeBody | None)),
)
async def grade_preview(
    state: State, request: Request[Any, Any, Any], segment_id: FromPath[str]
) -> GradePreviewOut:
    rt = runtime_of(state)
    segment = await segment_of(rt, segment_id)
    data = await grade_body(request)
    middle = (segment.start_ts + segment.end_ts) / 2
    [key] = await frame_keys(rt, [FrameAt(
        media_key=segment.media_key, ts=middle, max_width=FRAME_WIDTH, grade=grade_of(data)
    )], None)
    return GradePreviewOut(preview_frame_url=file_url(key))


@get(
    "/{segment_id:str}/media", summary="The segment's own playable video (HTTP Range)",
    operation_id="EditorSegmentMedia", responses=problems(404, 416, 503),
    media_type="video/mp4",
)
async def segment_media(
    state: State, request: Request[Any, Any, Any], segment_id: FromPath[str]
) -> Response[Any]:
    rt = runtime_of(state)
    segment = await segment_of(rt, segment_id)
    query = SegmentMedia(media_key=segment.media_key, start_ts=segment.start_ts,
                         end_ts=segment.end_ts, grade=segment.grade)
    try:
        reply = await rt.dispatcher.query(SERVICE, "segment_media", query,
                                          attempt_timeout=RENDER_WAIT)
    except CommandRefused as refused:
        raise rejected(refused.rejection, {}) from None
    answer = msgspec.json.decode(reply.answer, type=SegmentMediaAnswer)
    path = blob_path(rt.settings.data_dir, answer.key)
    try:
        size = (await asyncio.to_thread(path.stat)).st_size
    except FileNotFoundError:  # the project was deleted between the answer and now
        raise ApiError(404, f"segment {segment.id} has no media") from None
    extension = "webm" if answer.media_type == "video/webm" else "mp4"
    return file_response(
        path, size, filename=f"segment-{segment.id}.{extension}", media_type=answer.media_type,
        range_header=request.headers.get("range"),
        unsatisfied=lambda detail, headers: problem(416, detail, headers=headers),
    )


def grade_router() -> Router:
    return Router(path="/api/segment", route_handlers=[color_grade, grade_preview, segment_media],
                  tags=["editor"])
