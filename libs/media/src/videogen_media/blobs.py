"""Blob stores: where narration WAVs, captions and finished videos live, by key.

Events carry keys, never bytes. Keys are relative, '/'-separated paths such as
`jobs/<job_id>/video.mp4`; a writer that dies half-way never leaves a partial blob
under the final key, so a retried job can trust `exists(key)`.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

_TMP_MARK = ".tmp-"
# Where producers of large files write them before `move_in` (never a key's first part).
SCRATCH_DIR = ".scratch"


class InvalidBlobKey(ValueError):
    """A key that is empty, absolute, or escapes the store."""


class BlobNotFound(KeyError):
    """No blob under that key."""


@runtime_checkable
class BlobStore(Protocol):
    async def put_file(self, key: str, source: Path) -> None: ...
    async def put_bytes(self, key: str, data: bytes) -> None: ...
    async def get_bytes(self, key: str) -> bytes: ...
    async def get_path(self, key: str) -> Path:
        """A local file holding the blob (the blob itself for local stores, a cache copy
        for remote ones); raises BlobNotFound."""
        ...

    async def exists(self, key: str) -> bool: ...
    async def delete_prefix(self, prefix: str) -> int:
        """Delete every blob whose key starts with `prefix`; return how many."""
        ...


def validate_key(key: str) -> str:
    parts = key.split("/")
    if (
        not key
        or key.startswith("/")
        or "\\" in key
        or "\x00" in key
        or any(part in ("", ".", "..") for part in parts)
        or any(_TMP_MARK in part for part in parts)
        or parts[0] == SCRATCH_DIR
    ):
        raise InvalidBlobKey(f"invalid blob key (empty, absolute or escapes the store): {key!r}")
    return key


def _fsync(path: Path) -> None:
    """A file's bytes, or a directory's entries (a rename), on disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalBlobStore:
    """Blobs as files under `root`, written atomically (temp file, fsync, rename).

    Besides the async BlobStore methods, it has blocking ones for work already on a
    worker thread: `write_file` (a copy, as `put_file`) and, for a producer that writes a
    large file itself (an encoder), `scratch_path` then `move_in`, a rename instead of a
    copy, equally atomic.
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path_of(self, key: str) -> Path:
        return self.root / validate_key(key)

    def _write_atomically(self, key: str, fill: Callable[[BinaryIO], object]) -> None:
        final = self.path_of(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        # The temp file sits in the final directory so os.replace is a same-filesystem
        # rename, which is atomic: readers see the old blob or the whole new one.
        tmp = final.with_name(f".{final.name}{_TMP_MARK}{uuid.uuid4().hex}")
        try:
            with open(tmp, "wb") as out:
                fill(out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)
        _fsync(final.parent)

    def write_file(self, key: str, source: Path) -> None:
        """Copy `source` under `key` atomically (blocking)."""
        self._write_atomically(key, lambda out: _copy(source, out))

    def scratch_path(self, suffix: str = "") -> Path:
        """A fresh path on the store's filesystem, for `move_in` to rename under a key."""
        scratch = self.root / SCRATCH_DIR
        scratch.mkdir(parents=True, exist_ok=True)
        return scratch / f"{uuid.uuid4().hex}{suffix}"

    def move_in(self, key: str, source: Path) -> None:
        """Rename `source` (on the store's filesystem: see `scratch_path`) onto `key`
        atomically (blocking): readers see the old blob or the whole new one."""
        final = self.path_of(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        _fsync(source)  # the bytes are on disk before the name points at them
        os.replace(source, final)
        _fsync(final.parent)

    async def put_file(self, key: str, source: Path) -> None:
        await asyncio.to_thread(self.write_file, key, source)

    async def put_bytes(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._write_atomically, key, lambda out: out.write(data))

    async def get_bytes(self, key: str) -> bytes:
        path = await self.get_path(key)
        return await asyncio.to_thread(path.read_bytes)

    async def get_path(self, key: str) -> Path:
        path = self.path_of(key)
        if not await asyncio.to_thread(path.is_file):
            raise BlobNotFound(key)
        return path

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self.path_of(key).is_file)

    async def delete_prefix(self, prefix: str) -> int:
        return await asyncio.to_thread(self._delete_prefix, prefix)

    def _delete_prefix(self, prefix: str) -> int:
        if prefix.startswith("/") or ".." in prefix.split("/"):
            raise InvalidBlobKey(f"invalid blob prefix: {prefix!r}")
        # Only the prefix's own directory is walked, not the whole store.
        start = self.root / prefix.rpartition("/")[0]
        if not start.is_dir():
            return 0
        deleted = 0
        found = [*start.rglob("*"), *([start] if start != self.root else [])]
        for path in sorted(found, reverse=True):  # children before their directory
            key = path.relative_to(self.root).as_posix()
            if path.is_file() and key.startswith(prefix):
                path.unlink(missing_ok=True)
                deleted += _TMP_MARK not in path.name
            elif path.is_dir() and f"{key}/".startswith(prefix) and not any(path.iterdir()):
                path.rmdir()
        return deleted


def _copy(source: Path, out: BinaryIO) -> None:
    with open(source, "rb") as src:
        shutil.copyfileobj(src, out, 1 << 20)
