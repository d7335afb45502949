"""Doc 002's timeline edits: split, trim and delete a segment.

The segment is looked up first (an unknown id, or one of a deleted project, is a 404 before
any body is read); the media service then decides on the project's one timeline stream,
with an expected version, so two concurrent edits both apply, one after the other, or the
later one is a 409 naming what the first did: never a lost update. Edits are
non-destructive: a split deactivates its segment and answers the two new ones; a delete
only deactivates.

A client may send `Idempotency-Key`: a retry with the same key is stored once and gets
the first answer (the same `left` and `right`); without one, a retried split meets its
own first result and is a 409 (the segment is already split).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, delete, post
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK
from videogen_contracts.media.editing_commands import DeleteSegment, SplitSegment, TrimSegment
from videogen_gateway.command_client import stamped
from videogen_gateway.openapi import described, json_schema, problems
from videogen_gateway.runtime import runtime_of
from videogen_gateway.surfaces.editor.bodies import strict_body
from videogen_gateway.surfaces.editor.lookups import known_editor_ids, segment_of
from videogen_gateway.surfaces.editor.segment_schemas import (
    DeletedOut,
    SegmentOut,
    SplitBody,
    SplitOut,
    TrimBody,
    segment_out,
)
from videogen_gateway.surfaces.editor.sending import RetryKey, new_id, retry_key, send_media

TRIM_FIELDS = {"start_ts": "new_start_ts", "end_ts": "new_end_ts"}


@post(
    "/{segment_id:str}/split", status_code=HTTP_200_OK, guards=known_editor_ids,
    summary="Split a segment in two at split_ts; the original is deactivated",
    operation_id="EditorSplitSegment", responses=problems(400, 404, 409, 503),
    operation_class=described(at=200, body=json_schema(SplitBody)),
)
async def split_segment(
    state: State, request: Request[Any, Any, Any], segment_id: FromPath[str],
    idempotency_key: RetryKey = None,
) -> SplitOut:
    rt = runtime_of(state)
    segment = await segment_of(rt, segment_id)
    data = await strict_body(request, SplitBody)
    command_id = retry_key(idempotency_key, f"split/{segment.id}", repr(data.split_ts))
    command = stamped(
        SplitSegment, command_id, project_id=segment.project_id, segment_id=segment.id,
        split_ts=data.split_ts, left_id=new_id(command_id, "left"),
        right_id=new_id(command_id, "right"),
    )
    await send_media(rt, "split_segment", command)
    left, right = await segment_of(rt, command.left_id), await segment_of(rt, command.right_id)
    return SplitOut(left=segment_out(left), right=segment_out(right))


@post(
    "/{segment_id:str}/trim", status_code=HTTP_200_OK, guards=known_editor_ids,
    summary="Trim a segment to new start and end times within its upload's bounds",
    operation_id="EditorTrimSegment", responses=problems(400, 404, 409, 503),
    operation_class=described(at=200, body=json_schema(TrimBody)),
)
async def trim_segment(
    state: State, request: Request[Any, Any, Any], segment_id: FromPath[str],
    idempotency_key: RetryKey = None,
) -> SegmentOut:
    rt = runtime_of(state)
    segment = await segment_of(rt, segment_id)
    data = await strict_body(request, TrimBody)
    command = stamped(
        TrimSegment, retry_key(idempotency_key, f"trim/{segment.id}"),
        project_id=segment.project_id, segment_id=segment.id, start_ts=data.new_start_ts,
        end_ts=data.new_end_ts,
    )
    await send_media(rt, "trim_segment", command, TRIM_FIELDS)
    return segment_out(await segment_of(rt, segment.id))


@delete(
    "/{segment_id:str}", status_code=HTTP_200_OK, guards=known_editor_ids,
    summary="Soft-delete a segment (it stays in the project's history, inactive)",
    operation_id="EditorDeleteSegment", responses=problems(400, 404, 409, 503),
)
async def delete_segment(
    state: State, segment_id: FromPath[str], idempotency_key: RetryKey = None
) -> DeletedOut:
    rt = runtime_of(state)
    segment = await segment_of(rt, segment_id)
    command = stamped(
        DeleteSegment, retry_key(idempotency_key, f"delete/{segment.id}", ""),
        project_id=segment.project_id, segment_id=segment.id,
    )
    await send_media(rt, "delete_segment", command)
    return DeletedOut()


def segment_router() -> Router:
    return Router(
        "/api/segment", route_handlers=[split_segment, trim_segment, delete_segment],
        tags=["editor"],
    )
