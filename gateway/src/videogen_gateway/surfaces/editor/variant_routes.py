"""Doc 002's variants: accept one onto the timeline, and play it or see its preview.

Accept is idempotent: the media service decides it on the project's timeline, where the
segment under the job's range is split at its edges and the middle replaced by a
`generated` segment; accepting the same variant again records nothing, and accepting
another variant of the same job replaces the first one's segment. A variant of a deleted
project, one not rendered, or one whose range has gone from the timeline since (deleted,
split inside it) is a 409 with the reason.
"""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK
from videogen_contracts.media.ai_edits import AcceptVariant
from videogen_gateway.command_client import stamped
from videogen_gateway.downloads import blob_path, file_response
from videogen_gateway.errors import ApiError, problem
from videogen_gateway.openapi import problems
from videogen_gateway.readmodels.ai_edits.queries import AiVariantRow
from videogen_gateway.runtime import Runtime, runtime_of
from videogen_gateway.surfaces.editor.ai_routes import ai_edits
from videogen_gateway.surfaces.editor.ai_schemas import AcceptedOut
from videogen_gateway.surfaces.editor.lookups import editor_queries
from videogen_gateway.surfaces.editor.segment_schemas import segment_out
from videogen_gateway.surfaces.editor.sending import RetryKey, new_id, retry_key, send_media
from videogen_gateway.surfaces.studio.lookups import parse_id


async def variant_of(rt: Runtime, raw: str) -> AiVariantRow:
    variant_id = parse_id(raw, "variant")
    row = await ai_edits(rt).variant(variant_id)
    if row is None:
        raise ApiError(404, f"variant {variant_id} not found")
    return row


@post(
    "/{variant_id:str}/accept", status_code=HTTP_200_OK,
    summary="Put a variant on the timeline (idempotent; replaces its job's earlier one)",
    operation_id="EditorAcceptVariant", responses=problems(400, 404, 409, 503),
)
async def accept_variant(
    state: State, variant_id: FromPath[str], idempotency_key: RetryKey = None
) -> AcceptedOut:
    rt = runtime_of(state)
    variant = await variant_of(rt, variant_id)
    if await ai_edits(rt).project_deleted(variant.project_id):
        raise ApiError(409, f"variant {variant.id} cannot be accepted: its project"
                            f" {variant.project_id} was deleted")
    # No natural key: accepting V1, V2, then V1 again must put V1 back, so a plain repeat
    # is a new command, which the timeline finds already done (nothing recorded).
    command_id = retry_key(idempotency_key, f"accept/{variant.id}")
    command = stamped(
        AcceptVariant, command_id, project_id=variant.project_id, job_id=variant.job_id,
        variant_id=variant.id, segment_id=new_id(command_id, "segment"),
    )
    await send_media(rt, "accept_variant", command)
    placed = [s for s in await editor_queries(rt).active_segments_of(variant.project_id)
              if s.variant_id == variant.id]
    if not placed:  # an edit right after took it away again
        raise ApiError(409, f"variant {variant.id} is no longer on the timeline")
    return AcceptedOut(variant_id=str(variant.id), job_id=str(variant.job_id),
                       project_id=str(variant.project_id), segment=segment_out(placed[0]))


async def _variant_file(
    rt: Runtime, raw: str, which: str
) -> tuple[AiVariantRow, str]:
    variant = await variant_of(rt, raw)
    key = variant.video_key if which == "video" else variant.preview_key
    if key is None or await ai_edits(rt).project_deleted(variant.project_id):
        raise ApiError(404, f"variant {variant.id} has no {which} (not rendered yet)")
    return variant, key


@get("/{variant_id:str}/media", summary="The variant's clip: the edited range (HTTP Range)",
     operation_id="EditorVariantMedia", responses=problems(404, 416, 503),
     media_type="video/mp4")
async def variant_media(
    state: State, request: Request[Any, Any, Any], variant_id: FromPath[str]
) -> Response[Any]:
    rt = runtime_of(state)
    variant, key = await _variant_file(rt, variant_id, "video")
    path = blob_path(rt.settings.data_dir, key)
    try:
        size = (await asyncio.to_thread(path.stat)).st_size
    except FileNotFoundError:
        raise ApiError(404, f"variant {variant.id} has no video") from None
    return file_response(
        path, size, filename=f"variant-{variant.id}.mp4", media_type="video/mp4",
        range_header=request.headers.get("range"),
        unsatisfied=lambda detail, headers: problem(416, detail, headers=headers),
    )


@get("/{variant_id:str}/preview.jpg", summary="A JPEG of the variant's middle frame",
     operation_id="EditorVariantPreview", responses=problems(404, 503), media_type="image/jpeg")
async def variant_preview(state: State, variant_id: FromPath[str]) -> Response[bytes]:
    rt = runtime_of(state)
    variant, key = await _variant_file(rt, variant_id, "preview")
    try:
        body = await asyncio.to_thread(blob_path(rt.settings.data_dir, key).read_bytes)
    except FileNotFoundError:
        raise ApiError(404, f"variant {variant.id} has no preview") from None
    # The key is the variant's own: its bytes never change once rendered.
    return Response(body, media_type="image/jpeg",
                    headers={"Cache-Control": "public, max-age=31536000, immutable"})


def variant_router() -> Router:
    return Router("/api/variant", route_handlers=[accept_variant, variant_media, variant_preview],
                  tags=["editor"])

