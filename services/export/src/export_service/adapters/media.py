"""The real Renderer (one ffmpeg pass, probed with PyAV) and blob store, for the bootstrap."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import av
import structlog
from videogen_contracts.export.events import RenderRequested
from videogen_media.blobs import LocalBlobStore
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_runtime.settings import Settings

from export_service.adapters.blobs import ExportBlobs
from export_service.adapters.ffmpeg_graph import Scene, build_command, scene_frames
from export_service.adapters.ffmpeg_runner import run_ffmpeg
from export_service.app.ports import BlobStore, EncodeFailed, ProgressCallback, RenderedFile

log = structlog.get_logger("export_service.renderer")


def caption_fonts_dir() -> Path | None:
    """Where the caption font the media service measured with lives (the Noto Sans wheel),
    so libass draws with the same glyph widths the captions were wrapped for."""
    try:
        import fontpkg  # type: ignore[import-untyped]
    except ImportError:
        return None  # libass then asks fontconfig for the family the captions name
    try:
        return Path(fontpkg.path("Noto Sans")).parent
    except fontpkg.FontpkgError:
        return None


class FfmpegRenderer:
    def __init__(self, ffmpeg_exe: str, fonts_dir: Path | None) -> None:
        self.ffmpeg_exe = ffmpeg_exe
        self.fonts_dir = fonts_dir

    async def render(
        self, request: RenderRequested, blobs: BlobStore, output: Path, progress: ProgressCallback
    ) -> None:
        frames = scene_frames([c.duration_s for c in request.clips], request.settings.fps)
        scenes = [
            Scene(
                narration=blobs.local_path(clip.narration_key),
                frames=count,
                visual=clip.visual,
                stock=blobs.local_path(clip.visual.key)
                if clip.visual.kind == "stock" and clip.visual.key else None,
            )
            for clip, count in zip(request.clips, frames, strict=True)
        ]
        ass_key = request.captions.ass_key
        command = build_command(
            scenes, request.settings, output,
            ffmpeg_exe=self.ffmpeg_exe,
            graph_path=output.with_suffix(".graph"),
            ass=blobs.local_path(ass_key) if ass_key else None,
            fonts_dir=self.fonts_dir,
        )
        await asyncio.to_thread(command.graph_path.write_text, command.graph, "utf-8")
        try:
            await run_ffmpeg(command.args, command.duration_s, progress)
        finally:
            command.graph_path.unlink(missing_ok=True)

    async def probe(self, path: Path) -> RenderedFile:
        return await asyncio.to_thread(probe_file, path)


def probe_file(path: Path) -> RenderedFile:
    try:
        container: Any = av.open(str(path))
    except av.error.FFmpegError as error:
        raise EncodeFailed(f"the output cannot be read: {error}") from error
    with container:
        duration = container.duration / av.time_base if container.duration else 0.0
    if duration <= 0:
        raise EncodeFailed(f"the output has no duration: {path.name}")
    return RenderedFile(duration_s=round(duration, 3), size_bytes=path.stat().st_size)


def media_renderer() -> FfmpegRenderer:
    renderer = FfmpegRenderer(ffmpeg_executable(), caption_fonts_dir())
    log.info("renderer.ready", ffmpeg=renderer.ffmpeg_exe, fonts_dir=str(renderer.fonts_dir))
    return renderer


def media_blobs(settings: Settings) -> ExportBlobs:
    return ExportBlobs(LocalBlobStore(settings.data_dir / "blobs"))
