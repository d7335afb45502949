"""The web studio's files: `GET /` (the page) and `GET /ui/{path}` (its modules and styles).

The studio is a client of the public API like any other (docs/web-studio.md); these two
routes only hand its static files to the browser. They are PUBLIC, so the page loads before
an API key is typed into it, and they are left out of the OpenAPI: they are no part of the
API. Every file is sent whole with `Cache-Control: no-cache` and a strong ETag of its bytes,
so a browser asks again each time and gets a 304 while the file is unchanged (a new gateway
version is seen at once; there is no build step to stamp names with hashes). The CSP of the
HTML page is set around the whole app, with the other security headers (access/headers.py).
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar import Request, Response, Router, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from videogen_gateway.access.route_opts import PUBLIC

STATIC = (Path(__file__).parent / "static").resolve()
INDEX = "index.html"
# Litestar adds `; charset=utf-8` to the text/* types itself.
CONTENT_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".json": "application/json",
}


@dataclass(frozen=True, slots=True)
class StaticFile:
    body: bytes
    etag: str
    content_type: str


# path → ((mtime_ns, size), the file): read once per version; an edited file has another
# stat, so it is read again (a gateway in development serves the new file at once).
_cache: dict[Path, tuple[tuple[int, int], StaticFile]] = {}


def _located(relative: str) -> Path:
    """The file under static/ that `relative` names; 404 for anything else (a directory,
    `..`, a hidden file, a type we do not serve)."""
    parts = [p for p in relative.split("/") if p]
    if not parts or any(p.startswith(".") for p in parts):
        raise NotFoundException()
    path = STATIC.joinpath(*parts).resolve()
    if not path.is_relative_to(STATIC) or path.suffix not in CONTENT_TYPES or not path.is_file():
        raise NotFoundException()
    return path


def _load(relative: str) -> StaticFile:
    """Blocking (stat, read): called in a thread, off the event loop."""
    path = _located(relative)
    stat = path.stat()
    version = (stat.st_mtime_ns, stat.st_size)
    cached = _cache.get(path)
    if cached is not None and cached[0] == version:
        return cached[1]
    body = path.read_bytes()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    found = StaticFile(body, etag, CONTENT_TYPES[path.suffix])
    _cache[path] = (version, found)
    return found


def _matches(if_none_match: str | None, etag: str) -> bool:
    # RFC 9110: a list of entity tags, or `*`; a weak tag W/"..." matches its strong one.
    tags = [t.strip().removeprefix("W/") for t in (if_none_match or "").split(",")]
    return "*" in tags or etag in tags


async def _send(request: Request[Any, Any, Any], relative: str) -> Response[bytes]:
    file = await asyncio.to_thread(_load, relative)
    headers = {"ETag": file.etag, "Cache-Control": "no-cache"}
    if _matches(request.headers.get("if-none-match"), file.etag):
        return Response(b"", status_code=304, headers=headers)
    return Response(file.body, media_type=file.content_type, headers=headers)


@get("/", summary="The web studio", include_in_schema=False)
async def studio_page(request: Request[Any, Any, Any]) -> Response[bytes]:
    return await _send(request, INDEX)


@get("/ui/{path:path}", summary="The web studio's files", include_in_schema=False)
async def studio_file(request: Request[Any, Any, Any], path: FromPath[Path]) -> Response[bytes]:
    return await _send(request, path.as_posix())


def studio_web_router() -> Router:
    return Router("/", route_handlers=[studio_page, studio_file], tags=["studio-web"],
                  opt=PUBLIC, include_in_schema=False)
