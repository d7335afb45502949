"""Serving a finished file from the blob store, with HTTP Range: one copy for every surface.

`file_response` answers 200 with the whole file, or 206 with the one range asked for; a
range that lies wholly outside the file gets the surface's own 416 problem (its error shape
differs per surface), with `Content-Range: bytes */<size>`. The file is read in a thread,
a chunk at a time, so a large download never blocks the event loop.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from litestar import Response
from litestar.response import Stream

CHUNK = 256 * 1024

# (detail, headers) → the surface's problem response for a 416.
Unsatisfied = Callable[[str, dict[str, str]], Response[Any]]


class Unsatisfiable(Exception):
    """A well-formed range that lies wholly outside the file: 416."""


def blob_path(data_dir: Path, key: str) -> Path:
    return data_dir / "blobs" / key


# One range, `first-last`, `first-` or `-suffix`; anything else (several ranges, another
# unit) is not understood.
_RANGE = re.compile(r"bytes=\s*(\d*)\s*-\s*(\d*)\s*")


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The one `(first, last)` inclusive range asked for, or None to send the whole file.

    A header we do not understand, or one with several ranges, is ignored (RFC 9110 lets
    a server answer any Range request with the full 200); a range that starts past the
    end raises `Unsatisfiable`.
    """
    match = _RANGE.fullmatch(header or "")
    if match is None or not any(match.groups()):
        return None
    first_raw, last_raw = match.groups()
    if first_raw == "":
        suffix = int(last_raw)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - suffix), size - 1
    first = int(first_raw)
    last = int(last_raw) if last_raw else size - 1
    if last_raw and last < first:
        return None
    if first >= size:
        raise Unsatisfiable
    return first, min(last, size - 1)


def file_response(
    path: Path, size: int, *, filename: str, media_type: str, range_header: str | None,
    unsatisfied: Unsatisfied,
) -> Response[Any]:
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Accept-Ranges": "bytes",
    }
    try:
        wanted = byte_range(range_header, size)
    except Unsatisfiable:
        return unsatisfied(
            f"Range {range_header} is not satisfiable: the file has {size} bytes",
            {"Content-Range": f"bytes */{size}", "Accept-Ranges": "bytes"},
        )
    first, last = wanted if wanted else (0, size - 1)
    headers["Content-Length"] = str(last - first + 1)
    if wanted:
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    return Stream(read_bytes(path, first, last - first + 1), status_code=206 if wanted else 200,
                  media_type=media_type, headers=headers)


async def read_bytes(path: Path, offset: int, length: int) -> AsyncIterator[bytes]:
    """The bytes `[offset, offset + length)`, read in a thread so the loop never blocks."""
    handle = await asyncio.to_thread(path.open, "rb")
    try:
        await asyncio.to_thread(handle.seek, offset)
        while length > 0:
            chunk = await asyncio.to_thread(handle.read, min(CHUNK, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk
    finally:
        await asyncio.to_thread(handle.close)
