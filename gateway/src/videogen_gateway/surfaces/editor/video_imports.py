"""`video_url` of a new editor project: which sources the gateway may read, and reading one.

A URL in a request makes the gateway fetch on the client's behalf, which is how a server
is turned against its own network (SSRF). So nothing is fetched unless an operator allowed
it: an `http(s)` URL under one of `VIDEOGEN_IMPORT_URL_PREFIXES` (none by default), or a
file under `VIDEOGEN_IMPORT_DIR` (unset by default), named by its path (absolute, or
relative to that directory) or a `file://` URL. Redirects are not followed: a redirect
could leave the allowed prefixes. Anything else is a 400 naming `video_url`.

A prefix matches on scheme, host and port exactly and on whole path segments, so
`https://cdn.example.com/clips` allows `https://cdn.example.com/clips/a.mp4` but neither
`https://cdn.example.com.evil.test/…` nor `https://cdn.example.com/clips-private/…`.
A path is resolved (symlinks too) before it is compared, so `..` cannot leave the directory.
"""

from __future__ import annotations

import asyncio
import mimetypes
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import httpx
from videogen_gateway.errors import ApiError

FIELD = "video_url"
READ_BYTES = 1 << 20
FETCH_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class ImportSource:
    """What `video_url` names: an allowed URL or an allowed file."""

    url: str | None = None
    path: Path | None = None

    @property
    def file_name(self) -> str:
        name = self.path.name if self.path else PurePosixPath(unquote(urlsplit(self.url or "")
                                                                      .path)).name
        return name or "video"

    @property
    def content_type(self) -> str:
        return mimetypes.guess_type(self.file_name)[0] or "application/octet-stream"


def _refused(detail: str) -> ApiError:
    return ApiError(400, detail, FIELD)


def _origin(scheme: str, host: str | None, port: int | None) -> tuple[str, str, int | None]:
    return scheme, (host or "").lower(), port or _DEFAULT_PORTS.get(scheme)


def url_allowed(url: str, prefixes: tuple[str, ...]) -> bool:
    try:
        given = urlsplit(url)
        origin = _origin(given.scheme.lower(), given.hostname, given.port)
    except ValueError:  # a port that is not a number
        return False
    if any(part in (".", "..") for part in unquote(given.path).split("/")):
        return False  # `/clips/../private` would leave the prefix once the server resolves it
    for prefix in prefixes:
        allowed = urlsplit(prefix)
        if _origin(allowed.scheme.lower(), allowed.hostname, allowed.port) != origin:
            continue
        base = allowed.path.rstrip("/")
        if given.path == base or given.path.startswith(base + "/"):
            return True
    return False


def import_source(
    video_url: str, prefixes: tuple[str, ...], import_dir: Path | None
) -> ImportSource:
    """The source `video_url` names, if the options allow it; a 400 saying why not."""
    scheme = urlsplit(video_url).scheme.lower()
    if scheme in ("http", "https"):
        if not url_allowed(video_url, prefixes):
            allowed = ", ".join(prefixes) or "none are configured (VIDEOGEN_IMPORT_URL_PREFIXES)"
            raise _refused(f"video_url is not under an allowed URL prefix; allowed: {allowed}")
        return ImportSource(url=video_url)
    if scheme not in ("", "file"):
        raise _refused(f"video_url must be an http(s) URL or a file path, not {scheme}:")
    if import_dir is None:
        raise _refused("video_url cannot name a file: no import directory is configured"
                       " (VIDEOGEN_IMPORT_DIR)")
    raw = unquote(urlsplit(video_url).path) if scheme == "file" else video_url
    root = import_dir.resolve()
    path = (root / raw).resolve()
    if not path.is_relative_to(root):
        raise _refused("video_url must name a file under the import directory")
    if not path.is_file():
        raise _refused(f"video_url names no file in the import directory: {raw!r}")
    return ImportSource(path=path)


async def source_bytes(source: ImportSource) -> tuple[int | None, AsyncIterator[bytes]]:
    """The source's size if known, and its bytes as they are read."""
    if source.path is not None:
        size = (await asyncio.to_thread(source.path.stat)).st_size
        return size, _file_bytes(source.path)
    return None, _fetched_bytes(source.url or "")


async def _file_bytes(path: Path) -> AsyncIterator[bytes]:
    handle = await asyncio.to_thread(path.open, "rb")
    try:
        while block := await asyncio.to_thread(handle.read, READ_BYTES):
            yield block
    finally:
        await asyncio.to_thread(handle.close)


async def _fetched_bytes(url: str) -> AsyncIterator[bytes]:
    try:
        async with (
            httpx.AsyncClient(timeout=FETCH_TIMEOUT, follow_redirects=False) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                raise _refused(f"video_url answered HTTP {response.status_code}, not 200")
            async for chunk in response.aiter_bytes():
                yield chunk
    except httpx.HTTPError as error:
        raise _refused(f"video_url could not be fetched: {error}") from None
