"""The editor's preview JPEGs, served from the blob store with cache headers.

A frame's key names what it shows (the media's digest, the frame, the width, the grade:
media_service/app/preview_keys.py), so the bytes under a key never change: the response
is `immutable` for a year, and its ETag is the key's name (a revalidation is a 304 without
reading the file). Only frame keys are served here; a segment's clip has its own route.
"""

from __future__ import annotations

import asyncio
import re

from litestar import Request, Response, Router, get
from litestar.datastructures import State
from litestar.params import FromPath
from videogen_gateway.downloads import blob_path
from videogen_gateway.errors import ApiError
from videogen_gateway.openapi import problems
from videogen_gateway.runtime import runtime_of

FILES_PATH = "/api/editor/files"
IMMUTABLE = "public, max-age=31536000, immutable"
_FRAME_KEY = re.compile(r"^editor/[0-9a-f-]{36}/frames/[A-Za-z0-9_-]+\.jpg$")


def file_url(key: str) -> str:
    return f"{FILES_PATH}/{key}"


@get(
    "/{key:path}", summary="A preview JPEG (content-keyed: cache it forever)",
    operation_id="EditorFile", responses=problems(404), media_type="image/jpeg",
)
async def editor_file(state: State, request: Request[object, object, State], key: FromPath[str]
                      ) -> Response[bytes]:
    key = key.lstrip("/")
    if not _FRAME_KEY.fullmatch(key):
        raise ApiError(404, f"file {key!r} not found")
    etag = f'"{key.rpartition("/")[2]}"'
    headers = {"Cache-Control": IMMUTABLE, "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(b"", status_code=304, headers=headers)
    path = blob_path(runtime_of(state).settings.data_dir, key)
    try:
        body = await asyncio.to_thread(path.read_bytes)
    except FileNotFoundError:
        raise ApiError(404, f"file {key!r} not found") from None
    return Response(body, media_type="image/jpeg", headers=headers)


def editor_files_router() -> Router:
    return Router(path=FILES_PATH, route_handlers=[editor_file], tags=["editor"])
