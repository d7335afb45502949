"""What the render worker needs from the outside world, as small interfaces.

The worker depends on these, never on ffmpeg or a directory layout; `adapters/` implements
them with libs/media (one ffmpeg pass, the shared blob store), and unit tests with fakes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from videogen_contracts.export.events import RenderRequested
from videogen_contracts.export.exports import Cut, ExportFormat

# Called with the encode's progress as a fraction in [0, 1].
ProgressCallback = Callable[[float], Awaitable[None]]


class MissingInput(Exception):
    """An input blob named by the request does not exist: the render can never succeed."""

    def __init__(self, key: str) -> None:
        super().__init__(f"input blob {key!r} does not exist")
        self.key = key


class EncodeFailed(Exception):
    """The encoder ran and failed (bad input, unsupported stream): retrying will not help."""


@dataclass(frozen=True, slots=True)
class RenderedFile:
    duration_s: float
    size_bytes: int


@dataclass(frozen=True, slots=True)
class RenderNotes:
    """What an assembled render (segments joined under a soundtrack) knows that its
    quality report states: how long each part took, the music, the loudness target."""

    soundtrack_s: float | None = None
    join_s: float | None = None
    music: str | None = None
    target_lufs: float | None = None


class BlobStore(Protocol):
    def exists(self, key: str) -> bool: ...

    def local_path(self, key: str) -> Path:
        """Where the blob can be read as a file (raises MissingInput if it is absent)."""
        ...

    def scratch_path(self, suffix: str) -> Path:
        """A fresh path next to the blobs, so that `publish` can rename atomically."""
        ...

    def publish(self, source: Path, key: str) -> None:
        """Move `source` to `key` atomically: readers see the old blob or the whole new one."""
        ...

    def copy(self, source_key: str, key: str) -> None:
        """Copy one blob to another key, atomically as `publish`."""
        ...


class Renderer(Protocol):
    async def render(
        self, request: RenderRequested, blobs: BlobStore, output: Path, progress: ProgressCallback
    ) -> RenderNotes | None:
        """Make the video at `output`: the segments joined under a soundtrack when the
        request has them, else the timeline encoded in one pass; cancelling it stops the
        encoder. Raises MissingInput or EncodeFailed for failures no retry can fix.
        """
        ...

    async def probe(self, path: Path) -> RenderedFile:
        """Measure a written file (its real duration, not the timeline's)."""
        ...

    async def report(
        self, request: RenderRequested, blobs: BlobStore, video: Path, notes: RenderNotes | None
    ) -> bytes:
        """The quality report (JSON) of a finished video: the media's half, if any, with
        the loudness and the streams' lengths measured on the file."""
        ...


class CutRenderer(Protocol):
    async def render_cuts(
        self,
        cuts: list[Cut],
        fmt: ExportFormat,
        blobs: BlobStore,
        output: Path,
        progress: ProgressCallback,
    ) -> None:
        """Encode the cuts (graded where they say) to `output` in one pass, audio kept.

        Raises MissingInput or EncodeFailed for failures no retry can fix.
        """
        ...

    async def probe(self, path: Path) -> RenderedFile:
        """Measure a written file."""
        ...
