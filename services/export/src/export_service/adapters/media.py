"""The real Renderer (videogen_media's one-pass render, probed with PyAV), for the bootstrap.

One ffmpeg command over one filter graph: the scenes' pictures, the captions burnt in by
libass, the narrations under them. The fast path: the caption file's cue times tell the
renderer where a still scene must show a new frame, so only those frames go through the
graph and libass, and `fps` repeats them for the encoder (videogen_media.video_track).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import structlog
from videogen_contracts.export.events import RenderRequested
from videogen_media.blobs import LocalBlobStore
from videogen_media.captions import ass_change_times
from videogen_media.ffmpeg import FfmpegFailed
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.fonts import find_caption_font
from videogen_media.probe import ProbeFailed, probe_async
from videogen_media.render import render_timeline
from videogen_media.render_settings import InvalidRenderSettings
from videogen_runtime.settings import Settings

from export_service.adapters.blobs import ExportBlobs
from export_service.adapters.timeline import render_settings_of, scenes_of
from export_service.app.ports import BlobStore, EncodeFailed, ProgressCallback, RenderedFile

log = structlog.get_logger("export_service.renderer")


def caption_fonts_dir() -> Path:
    """The fonts the media service measured the captions with (and their CJK fallback),
    so libass draws with the glyph widths the lines were wrapped for."""
    return find_caption_font().directory


class FfmpegRenderer:
    def __init__(self, ffmpeg_exe: str, fonts_dir: Path | None) -> None:
        self.ffmpeg_exe = ffmpeg_exe
        self.fonts_dir = fonts_dir

    async def render(
        self, request: RenderRequested, blobs: BlobStore, output: Path, progress: ProgressCallback
    ) -> None:
        scenes = scenes_of(request, blobs)
        ass_key = request.captions.ass_key
        ass = blobs.local_path(ass_key) if ass_key else None
        # None (no captions, or animated ones) sends every frame through libass.
        changes = ass_change_times(await asyncio.to_thread(ass.read_text, "utf-8")) if ass else None
        try:
            await render_timeline(
                scenes, render_settings_of(request.settings), output,
                captions=ass, caption_changes=changes, fonts_dir=self.fonts_dir,
                on_progress=progress, ffmpeg_exe=self.ffmpeg_exe,
            )  # fmt: skip
        except (FfmpegFailed, InvalidRenderSettings) as error:
            raise EncodeFailed(str(error)) from error

    async def probe(self, path: Path) -> RenderedFile:
        return await measure_output(path)


async def measure_output(path: Path) -> RenderedFile:
    """A written video's real duration and size; EncodeFailed if it cannot be read."""
    try:
        info = await probe_async(path)
    except ProbeFailed as error:
        raise EncodeFailed(f"the output cannot be read: {error}") from error
    if info.duration <= 0:
        raise EncodeFailed(f"the output has no duration: {path.name}")
    size = (await asyncio.to_thread(path.stat)).st_size
    return RenderedFile(duration_s=round(info.duration, 3), size_bytes=size)


def media_renderer() -> FfmpegRenderer:
    renderer = FfmpegRenderer(ffmpeg_executable(), caption_fonts_dir())
    log.info("renderer.ready", ffmpeg=renderer.ffmpeg_exe, fonts_dir=str(renderer.fonts_dir))
    return renderer


def media_blobs(settings: Settings) -> ExportBlobs:
    return ExportBlobs(LocalBlobStore(settings.data_dir / "blobs"))
