"""Blobs in a local directory (stand-in until videogen_media.blobs lands; same layout).

Why a put is atomic: the bytes are written to a temporary file in the target's directory
and moved over the key with `os.replace`, a rename within one filesystem. A reader (or a
resumed job checking `exists`) sees either no blob or the whole blob, never a prefix of
one, even if the writer is killed half-way; a killed writer leaves only a `.tmp-*` file,
which no key names.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


class LocalBlobs:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path_of(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise ValueError(f"blob key escapes the store: {key!r}")
        return path

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self.path_of(key).is_file)

    async def put_file(self, key: str, source: Path) -> None:
        await asyncio.to_thread(self._put, key, lambda tmp: shutil.copyfile(source, tmp))

    async def put_bytes(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._put, key, lambda tmp: Path(tmp).write_bytes(data))

    def _put(self, key: str, write: Callable[[str], object]) -> None:
        target = self.path_of(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        os.close(fd)
        try:
            write(tmp)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    async def delete_prefix(self, prefix: str) -> int:
        return await asyncio.to_thread(self._delete_prefix, prefix)

    def _delete_prefix(self, prefix: str) -> int:
        """Delete every blob whose key starts with `prefix`; returns how many."""
        directory = self.path_of(prefix.rsplit("/", 1)[0]) if "/" in prefix else self.root
        if not directory.is_dir():
            return 0
        removed = 0
        for path in directory.rglob("*"):
            if path.is_file() and path.relative_to(self.root).as_posix().startswith(prefix):
                path.unlink(missing_ok=True)
                removed += 1
        if prefix.endswith("/") and not any(directory.iterdir()):
            directory.rmdir()
        return removed
