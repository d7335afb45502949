"""Blobs in a local directory shared by every local service and the gateway.

Same layout as the other services use: `<data_dir>/blobs/<key>`. Why a publish is
atomic: the encoder writes a scratch file under `<root>/.scratch/` (same filesystem) and
`os.replace` renames it onto the key, so a reader — the gateway's download, a resumed job
checking `exists` — sees the previous blob or the whole new one, never a prefix. A killed
writer leaves only a scratch file, which no key names.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from export_service.app.ports import MissingInput

SCRATCH = ".scratch"


class LocalBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise ValueError(f"blob key escapes the store: {key!r}")
        return path

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def local_path(self, key: str) -> Path:
        path = self._path(key)
        if not path.is_file():
            raise MissingInput(key)
        return path

    def scratch_path(self, suffix: str) -> Path:
        scratch = self.root / SCRATCH
        scratch.mkdir(parents=True, exist_ok=True)
        return scratch / f"{uuid.uuid4().hex}{suffix}"

    def publish(self, source: Path, key: str) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)

    def copy(self, source_key: str, key: str) -> None:
        scratch = self.scratch_path(Path(key).suffix)
        try:
            shutil.copyfile(self.local_path(source_key), scratch)
            self.publish(scratch, key)
        finally:
            scratch.unlink(missing_ok=True)
