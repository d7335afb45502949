"""The files doc 003's `*_url` fields point at: scene videos, subtitles, code, combines.

Only blobs under `manim/<session key>/` are served (the keys `scene_blob_keys` and
`combined_blob_keys` make); any other path is a 404, so nothing else of the blob store
can be named here. Videos honour HTTP Range (downloads.py).
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, Response, Router, get
from litestar.datastructures import State
from litestar.params import FromPath
from videogen_gateway.downloads import blob_path, file_response
from videogen_gateway.errors import ApiError, error_response
from videogen_gateway.openapi import problems
from videogen_gateway.runtime import runtime_of
from videogen_gateway.surfaces.manim.schemas import FILES_PATH

_KEY = re.compile(r"^manim/[0-9a-f-]{36}/[A-Za-z0-9_-]+\.(mp4|srt|py)$")
MEDIA_TYPES = {"mp4": "video/mp4", "srt": "application/x-subrip; charset=utf-8",
               "py": "text/x-python; charset=utf-8"}


@get("/{key:path}", summary="A scene's video, subtitles or code, or a combined video"
     " (honours HTTP Range)", operation_id="ManimFile", responses=problems(404, 416))
async def manim_file(request: Request[Any, Any, Any], state: State, key: FromPath[str]
                     ) -> Response[Any]:  # fmt: skip
    key = key.lstrip("/")
    match = _KEY.fullmatch(key)
    path = blob_path(runtime_of(state).settings.data_dir, key)
    try:
        size = path.stat().st_size if match else -1
    except OSError:
        size = -1
    if match is None or size < 0:
        raise ApiError(404, f"file {key[:200]!r} not found")
    return file_response(
        path, size, filename=key.rpartition("/")[2], media_type=MEDIA_TYPES[match[1]],
        range_header=request.headers.get("range"),
        unsatisfied=lambda detail, headers: error_response(request, 416, detail, headers=headers),
    )


def manim_files_router() -> Router:
    return Router(path=FILES_PATH, route_handlers=[manim_file], tags=["manim"])
