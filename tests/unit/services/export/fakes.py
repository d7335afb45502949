"""Fakes for the render and export jobs' ports: blobs in a directory and scripted encoders
(no ffmpeg)."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from export_service.app.ports import (
    BlobStore,
    EncodeFailed,
    MissingInput,
    ProgressCallback,
    RenderedFile,
)
from videogen_contracts.export.commands import RenderTimeline
from videogen_contracts.export.events import CaptionTrack, RenderRequested, TimelineClip
from videogen_contracts.export.exports import Cut
from videogen_contracts.media.events import ChosenVisual, ProceduralSpec


class DirBlobs:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def exists(self, key: str) -> bool:
        return (self.root / key).is_file()

    def local_path(self, key: str) -> Path:
        if not self.exists(key):
            raise MissingInput(key)
        return self.root / key

    def scratch_path(self, suffix: str) -> Path:
        (self.root / ".tmp").mkdir(exist_ok=True)
        return self.root / ".tmp" / f"{uuid.uuid4().hex}{suffix}"

    def publish(self, source: Path, key: str) -> None:
        (self.root / key).parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, self.root / key)

    def copy(self, source_key: str, key: str) -> None:
        scratch = self.scratch_path(".copy")
        shutil.copyfile(self.local_path(source_key), scratch)
        self.publish(scratch, key)

    def put(self, key: str, data: bytes) -> None:
        (self.root / key).parent.mkdir(parents=True, exist_ok=True)
        (self.root / key).write_bytes(data)


@dataclass
class ScriptedRenderer:
    """Writes the clip keys to the output in `steps` progress steps, `step_s` apart."""

    steps: int = 10
    step_s: float = 0.01
    fail_with: str | None = None
    # Raised as is: an unexpected failure (a bug), not an encoder's verdict.
    crash_with: Exception | None = None
    running: int = 0
    most_at_once: int = 0
    renders: list[str] = field(default_factory=list)
    probes: int = 0
    # Set to hold every encode at its first step until the test releases it.
    gate: asyncio.Event | None = None
    started: asyncio.Event = field(default_factory=asyncio.Event)

    async def render(
        self, request: RenderRequested, blobs: BlobStore, output: Path, progress: ProgressCallback
    ) -> None:
        for clip in request.clips:
            blobs.local_path(clip.narration_key)  # raises MissingInput like the real one
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        self.renders.append(str(request.render_id))
        self.started.set()
        try:
            if self.gate is not None:
                await self.gate.wait()
            for step in range(self.steps + 1):
                await progress(step / self.steps)
                await asyncio.sleep(self.step_s)
            if self.fail_with:
                raise EncodeFailed(self.fail_with)
            if self.crash_with:
                raise self.crash_with
            data = b"".join(c.narration_key.encode() for c in request.clips)
            await asyncio.to_thread(output.write_bytes, data)
        finally:
            self.running -= 1

    async def probe(self, path: Path) -> RenderedFile:
        self.probes += 1
        size = (await asyncio.to_thread(path.stat)).st_size
        return RenderedFile(duration_s=1.5, size_bytes=size)


def timeline(blobs: DirBlobs, render_id: uuid.UUID, clips: int = 2) -> RenderTimeline:
    """A render request as the production process manager sends it, its inputs in `blobs`."""
    items = []
    for index in range(clips):
        sid = uuid.uuid4()
        key = f"narration/{render_id}/{sid}.wav"
        blobs.put(key, f"wav{index}".encode())
        spec = ProceduralSpec(style="gradient", palette=["#102030", "#a0b0c0"])
        visual = ChosenVisual(sentence_id=sid, keywords=["sea"], kind="procedural", spec=spec)
        items.append(TimelineClip(clip_id=sid, text=f"Sentence {index}.", narration_key=key,
                                  duration_s=1.0 + index, visual=visual))
    blobs.put(f"captions/{render_id}.srt", b"1\n00:00:00,000 --> 00:00:01,000\nHi\n")
    return RenderTimeline(
        command_id=f"pm-{uuid.uuid4()}", now=datetime.now(UTC), render_id=render_id,
        project_id=render_id, production_id=render_id, clips=items,
        captions=CaptionTrack(ass_key=None, srt_key=f"captions/{render_id}.srt"),
        output_key=f"videos/{render_id}.mp4",
    )


@dataclass
class ScriptedCuts:
    """The export job's CutRenderer: writes the cuts' keys and windows to the output."""

    fail_with: str | None = None
    renders: list[list[str]] = field(default_factory=list)
    # Set to hold every encode until the test releases it (or cancels the job).
    gate: asyncio.Event | None = None
    started: asyncio.Event = field(default_factory=asyncio.Event)

    async def render_cuts(
        self, cuts: list[Cut], fmt: str, blobs: BlobStore, output: Path,
        progress: ProgressCallback,
    ) -> None:
        paths = [blobs.local_path(c.media_key) for c in cuts]  # MissingInput like the real one
        self.renders.append([c.media_key for c in cuts])
        self.started.set()
        if self.gate is not None:
            await self.gate.wait()
        await progress(1.0)
        if self.fail_with:
            raise EncodeFailed(self.fail_with)
        data = b"".join(f"{p.name}:{c.start_ts}-{c.end_ts}.{fmt}".encode()
                        for p, c in zip(paths, cuts, strict=True))  # fmt: skip
        await asyncio.to_thread(output.write_bytes, data)

    async def probe(self, path: Path) -> RenderedFile:
        size = (await asyncio.to_thread(path.stat)).st_size
        return RenderedFile(duration_s=2.5, size_bytes=size)
