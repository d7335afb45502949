"""The editor's uploads (doc 002): an upload URL, then the bytes sent to it.

`POST /api/project/{id}/upload {file_name, content_type}` announces the asset and answers
`{upload_url, asset_id}`. The URL is this gateway's, signed for that project and asset
and valid for an hour (upload_tokens.py); like an S3 presigned URL it takes a `PUT` of
the raw bytes, and also a multipart `POST` with the file in the field `file`. A `PUT`
with `Content-Range` continues an interrupted upload (uploads.py has the protocol).

The request that completes the file answers 200 with the stored asset once the media
service has probed it and the timeline shows its segment (read-your-writes); a file that
is not audio or video is a 400 with the reason. An unfinished one is a 308 with `Range`.
"""

from __future__ import annotations

import time
from typing import Any

from litestar import Request, Response, Router, post, route
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery, JSONBody
from videogen_gateway.access.route_opts import costly
from videogen_gateway.errors import ApiError
from videogen_gateway.openapi import problems
from videogen_gateway.runtime import runtime_of
from videogen_gateway.surfaces.editor import project_schemas as shapes
from videogen_gateway.surfaces.editor.lookups import editor_queries, known_editor_ids
from videogen_gateway.surfaces.editor.upload_bodies import (
    boundary_of,
    multipart_field,
    request_body,
)
from videogen_gateway.surfaces.editor.upload_commands import (
    receiver_of,
    start_asset,
    store_received,
    tokens_of,
    upload_url,
)
from videogen_gateway.surfaces.editor.uploads import Interrupted, content_range, received_range
from videogen_gateway.surfaces.studio.lookups import existing_project, parse_id

UPLOAD_PATH = "/api/project/{project_id:str}/upload"


@post(
    UPLOAD_PATH, status_code=200, guards=known_editor_ids,
    opt=costly("upload"),
    summary="Get an upload URL for a new video asset", responses=problems(400, 404, 503),
)
async def request_upload(
    request: Request[Any, Any, Any], state: State, project_id: FromPath[str],
    data: JSONBody[shapes.UploadBody],
) -> shapes.UploadUrlOut:
    rt = runtime_of(state)
    pid = parse_id(project_id, "project")
    asset_id = await start_asset(rt, pid, data.file_name, data.content_type)
    return shapes.UploadUrlOut(upload_url=upload_url(rt, str(request.base_url), pid, asset_id),
                               asset_id=asset_id)


@route(
    UPLOAD_PATH + "/{asset_id:str}", http_method=["PUT", "POST"], status_code=200,
    opt=costly("upload"),
    # The body is streamed to disk under our own limit (GatewayOptions.upload_max_bytes).
    request_max_body_size=None,
    summary="Send an asset's bytes: PUT raw (Content-Range resumes) or POST multipart 'file'",
    responses=problems(400, 403, 404, 409, 413, 415, 416, 503),
)
async def receive_upload(
    request: Request[Any, Any, Any], state: State, project_id: FromPath[str],
    asset_id: FromPath[str], token: FromQuery[str | None] = None,
) -> Response[Any]:
    rt = runtime_of(state)
    pid = await existing_project(rt, project_id)
    aid = parse_id(asset_id, "asset")
    tokens_of(rt).check(token, pid, aid, time.time())
    asset = await editor_queries(rt).asset(aid)
    if asset is not None and asset.status == "rejected":
        raise ApiError(409, f"asset {aid} was rejected ({asset.reason}); ask for a new"
                            " upload URL to send another file")
    where = content_range(request.headers.get("content-range"))
    if asset is not None and asset.status == "stored" and where and where.first is None:
        return _stored(shapes.stored_out(asset))  # "how far did it get?": all the way
    receiver = receiver_of(rt)
    body, declared = request_body(request), request.content_length
    try:
        if request.method == "POST":
            field = multipart_field(body, boundary_of(request.headers.get("content-type")))
            received = await receiver.whole(pid, aid, field, None)
        elif where is None:
            received = await receiver.whole(pid, aid, body, declared)
        else:
            received = await receiver.piece(pid, aid, body, where, declared)
    except Interrupted:
        # Nobody reads this answer (the client is gone); what arrived is kept for a resume.
        raise ApiError(400, "the upload was interrupted; PUT with 'Content-Range: bytes"
                            " */<size>' to learn how far it got") from None
    if received.sha256 is None:
        # Resumable-upload clients read 308 + Range as "continue after this byte".
        return Response(b"", status_code=308, headers=received_range(received.size))
    if asset is not None and asset.status == "stored" and asset.sha256 != received.sha256:
        await receiver.discard(pid, aid)  # never stored, so never left behind
        raise ApiError(409, f"asset {aid} is stored already, with other bytes; ask for a new"
                            " upload URL to send another file")
    return _stored(await store_received(rt, receiver, pid, aid, received))


def _stored(stored: shapes.StoredOut) -> Response[shapes.StoredOut]:
    return Response(stored, headers={"ETag": f'"{stored.sha256}"'})


def editor_upload_router() -> Router:
    return Router("/", route_handlers=[request_upload, receive_upload], tags=["editor"])
