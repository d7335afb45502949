"""The render worker's BlobStore port on videogen_media's LocalBlobStore.

The store is the one every local service and the gateway share (`<data_dir>/blobs/<key>`).
Why a publish is atomic: the encoder writes a scratch file on the store's filesystem
(`scratch_path`) and `move_in` renames it onto the key, so a reader (the gateway's
download, a resumed job checking `exists`) sees the previous blob or the whole new one,
never a prefix. A killed writer leaves only a scratch file, which no key names.
"""

from __future__ import annotations

from pathlib import Path

from videogen_media.blobs import LocalBlobStore

from export_service.app.ports import MissingInput


class ExportBlobs:
    """Blocking, as the port is: the worker calls it from a thread where it may block."""

    def __init__(self, store: LocalBlobStore) -> None:
        self.store = store

    @property
    def root(self) -> Path:
        return self.store.root

    def exists(self, key: str) -> bool:
        return self.store.path_of(key).is_file()

    def local_path(self, key: str) -> Path:
        path = self.store.path_of(key)
        if not path.is_file():
            raise MissingInput(key)
        return path

    def scratch_path(self, suffix: str) -> Path:
        return self.store.scratch_path(suffix)

    def publish(self, source: Path, key: str) -> None:
        self.store.move_in(key, source)

    def copy(self, source_key: str, key: str) -> None:
        self.store.write_file(key, self.local_path(source_key))
