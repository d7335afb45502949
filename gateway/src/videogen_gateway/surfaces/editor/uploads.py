"""Receiving an upload's bytes: streamed to disk, hashed on the way, never whole in memory.

The bytes go to a partial file, `editor/<pid>/partial/<asset_id>` in the blob store (under
the project's prefix, so deleting the project removes an abandoned upload too), at most
`FLUSH_BYTES` buffered at a time. When the whole file is in, it is renamed onto its
content address `editor/<pid>/assets/<sha256>` (the same file twice is stored once).

The protocol is that of resumable-upload clients (Google's resumable uploads, which
tus and S3 tools resemble):
- a `PUT` without `Content-Range` sends the whole file (it starts over);
- `PUT` with `Content-Range: bytes <first>-<last>/<total|*>` sends one piece; bytes already
  received are skipped (a client may resend from a little before where it stopped), a gap
  is a 416; the piece that reaches `total` completes the upload;
- `PUT` with `Content-Range: bytes */<total|*>` and no body asks how far it got.
An unfinished upload is answered `308` with `Range: bytes=0-<last received>` (no `Range`
when nothing arrived yet), so a client resumes from the byte after it.

A partial file is locked (`flock`) while one request writes it, so two requests for one
asset, even on two gateway processes sharing the blob directory, cannot interleave: the
second gets a 409. The partial file is the only state; nothing is kept in memory between
requests, so a resume works on any replica and after a restart.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from uuid import UUID

from videogen_contracts.media.editing import asset_blob_key, editor_prefix
from videogen_gateway.errors import ApiError
from videogen_media.blobs import LocalBlobStore

FLUSH_BYTES = 1 << 20
HASH_READ = 1 << 20


class Interrupted(Exception):
    """The client went away mid-body; what arrived is kept for a resume."""


def partial_key(project_id: UUID, asset_id: UUID) -> str:
    return f"{editor_prefix(project_id)}partial/{asset_id}"


@dataclass(frozen=True, slots=True)
class ContentRange:
    first: int | None  # None: `bytes */…`, a question (how far did it get?)
    last: int | None
    total: int | None  # None: `…/*`, the size is not known yet

    @property
    def length(self) -> int:
        return 0 if self.first is None or self.last is None else self.last - self.first + 1


_CONTENT_RANGE = re.compile(r"bytes\s+(?:(\d+)-(\d+)|\*)/(\d+|\*)")


def content_range(header: str | None) -> ContentRange | None:
    """The `Content-Range` of a PUT, or None when it has none; 400 if it is not one."""
    if header is None:
        return None
    match = _CONTENT_RANGE.fullmatch(header.strip())
    if match is None:
        raise ApiError(400, f"Content-Range {header!r} is not 'bytes first-last/total',"
                            " 'bytes first-last/*' or 'bytes */total'", "Content-Range")
    first, last, total = match.groups()
    found = ContentRange(int(first) if first else None, int(last) if last else None,
                         None if total == "*" else int(total))
    if found.first is not None and found.last is not None and found.last < found.first:
        raise ApiError(400, f"Content-Range {header!r} ends before it starts", "Content-Range")
    if found.total is not None and found.last is not None and found.last >= found.total:
        raise ApiError(400, f"Content-Range {header!r} ends past its total", "Content-Range")
    return found


def received_range(size: int) -> dict[str, str]:
    """The `Range` header of a 308: what the server has (none when it has nothing)."""
    return {"Range": f"bytes=0-{size - 1}"} if size else {}


@dataclass(frozen=True, slots=True)
class Received:
    size: int
    # Set once the whole file is in.
    sha256: str | None = None


class PartialFile:
    """The partial file of one upload, locked by this request, appended to and hashed."""

    def __init__(self, path: Path, handle: BinaryIO) -> None:
        self.path, self._handle = path, handle
        # Where this request started: an error rolls the file back to it.
        self.size = self.started_at = handle.tell()
        self._hasher: hashlib._Hash | None = None
        self._buffer = bytearray()

    @classmethod
    async def open(cls, path: Path, *, fresh: bool) -> PartialFile:
        """Lock it; `fresh` empties it, else it continues at its end."""
        return await asyncio.to_thread(cls._open, path, fresh)

    @classmethod
    def _open(cls, path: Path, fresh: bool) -> PartialFile:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+b")  # noqa: SIM115 (closed by close())
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise ApiError(409, "another request is uploading this asset right now") from None
        if fresh:
            handle.truncate(0)
        handle.seek(0, os.SEEK_END)
        return cls(path, handle)

    async def hash_held(self) -> None:
        """Start hashing with the bytes already in the file (before this request's), for a
        request that may complete it; read from disk, a block at a time."""
        def _hash() -> hashlib._Hash:
            hasher = hashlib.sha256()
            with open(self.path, "rb") as held:
                while block := held.read(HASH_READ):
                    hasher.update(block)
            return hasher

        self._hasher = await asyncio.to_thread(_hash)

    async def write(self, chunk: bytes) -> None:
        self._buffer += chunk
        self.size += len(chunk)
        if len(self._buffer) >= FLUSH_BYTES:
            await self.flush()

    async def flush(self) -> None:
        data, self._buffer = self._buffer, bytearray()
        if data:
            await asyncio.to_thread(self._write, data)

    def _write(self, data: bytearray) -> None:
        # hashlib releases the GIL for large buffers, so hashing here costs the loop nothing.
        self._handle.write(data)
        if self._hasher is not None:
            self._hasher.update(data)

    @property
    def sha256(self) -> str:
        if self._hasher is None:
            raise RuntimeError("this request did not hash the upload")
        return self._hasher.hexdigest()

    async def close(self, *, roll_back: bool = False) -> None:
        if not roll_back:
            await self.flush()

        def _close() -> None:
            if roll_back and self.started_at == 0:
                self.path.unlink(missing_ok=True)
            elif roll_back:
                self._handle.truncate(self.started_at)
            else:
                self._handle.flush()
                os.fsync(self._handle.fileno())
            self._handle.close()  # releases the lock

        await asyncio.to_thread(_close)


class Receiver:
    """Writes uploads into the blob store under a size limit (the module doc has the protocol)."""

    def __init__(self, blobs: LocalBlobStore, limit: int) -> None:
        self.blobs, self.limit = blobs, limit

    def _path(self, project_id: UUID, asset_id: UUID) -> Path:
        return self.blobs.path_of(partial_key(project_id, asset_id))

    def _refuse_size(self, size: int) -> None:
        if size > self.limit:
            raise ApiError(413, f"the file is larger than the upload limit of {self.limit} bytes")

    async def whole(
        self, project_id: UUID, asset_id: UUID, body: AsyncIterator[bytes], declared: int | None
    ) -> Received:
        """The whole file (a plain PUT, or a multipart POST's field): it starts over."""
        if declared is not None:
            self._refuse_size(declared)
        partial = await PartialFile.open(self._path(project_id, asset_id), fresh=True)
        await partial.hash_held()
        await self._fill(partial, body, skip=0, end=declared)
        if declared is not None and partial.size < declared:
            return Received(partial.size)
        return Received(partial.size, partial.sha256)

    async def piece(
        self, project_id: UUID, asset_id: UUID, body: AsyncIterator[bytes],
        where: ContentRange, declared: int | None,
    ) -> Received:
        """One piece (`Content-Range`), or the question how far it got (`bytes */…`)."""
        if where.total is not None:
            self._refuse_size(where.total)
        if declared is not None and declared != where.length:
            raise ApiError(400, f"Content-Length {declared} is not the {where.length} bytes"
                                " its Content-Range names", "Content-Length")
        path = self._path(project_id, asset_id)
        if where.first is None and not await asyncio.to_thread(path.is_file):
            return Received(0)  # asked before anything arrived: no file is made for that
        partial = await PartialFile.open(path, fresh=False)
        held, total = partial.size, where.total
        if (total is not None and held > total) or (where.first or 0) > held:
            await partial.close()
            raise ApiError(416, f"the upload has {held} bytes; continue from byte {held}"
                                + (f" (of {total})" if total is not None else ""),
                           "Content-Range")
        end = total if where.last is None else where.last + 1
        if total is not None and end == total:
            await partial.hash_held()
        skip = held - where.first if where.first is not None else 0
        await self._fill(partial, body, skip=skip, end=end if where.first is not None else held)
        if total is not None and partial.size == total:
            return Received(partial.size, partial.sha256)
        return Received(partial.size)

    async def _fill(
        self, partial: PartialFile, body: AsyncIterator[bytes], *, skip: int, end: int | None
    ) -> None:
        """Append the body, after `skip` bytes already held, to `partial`, up to `end`.

        Past the limit or past `end` the file is rolled back to what it held before this
        request (413 / 400); when the client goes away (`Interrupted`) what arrived is kept
        for a resume.
        """
        roll_back = False
        try:
            async for chunk in body:
                if skip:
                    dropped = min(skip, len(chunk))
                    chunk, skip = chunk[dropped:], skip - dropped
                if not chunk:
                    continue
                if partial.size + len(chunk) > self.limit:
                    raise ApiError(413, "the file is larger than the upload limit of"
                                        f" {self.limit} bytes")
                if end is not None and partial.size + len(chunk) > end:
                    raise ApiError(400, f"the body holds more than the {end} bytes its headers"
                                        " announce", "Content-Length")
                await partial.write(chunk)
        except ApiError:
            roll_back = True
            raise
        finally:
            await partial.close(roll_back=roll_back)

    async def store(self, project_id: UUID, asset_id: UUID, sha256: str) -> str:
        """Move the complete partial file onto its content address; that blob key."""
        key = asset_blob_key(project_id, sha256)
        await asyncio.to_thread(self._move_in, self._path(project_id, asset_id), key)
        return key

    def _move_in(self, partial: Path, key: str) -> None:
        if self.blobs.path_of(key).is_file():
            partial.unlink(missing_ok=True)  # the same bytes are stored already
        else:
            self.blobs.move_in(key, partial)

    async def discard(self, project_id: UUID, asset_id: UUID) -> None:
        await asyncio.to_thread(self._path(project_id, asset_id).unlink, missing_ok=True)
