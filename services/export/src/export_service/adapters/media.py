"""The real Renderer, for the bootstrap: the pipelined assembly, or the one-pass render.

A request with picture segments (the media service encoded the picture while it
narrated) is assembled: soundtrack, then the segments joined by stream copy
(adapters/assembly.py). Any other request, or segments that do not fit its output
settings, is rendered in one pass: one ffmpeg command over one filter graph, the scenes'
pictures (a designed scene is its still), the captions burnt in by libass, the narrations
under them. Its fast path: the caption file's cue times tell the renderer where a still
scene must show a new frame, so only those frames go through the graph and libass, and
`fps` repeats them for the encoder (videogen_media.video_track).

Either way the finished file is measured for the quality report (`report`): its loudness
(ebur128) and its streams' lengths, merged with the media service's half of the report.
"""

from __future__ import annotations

import asyncio
import tempfile
import wave
from dataclasses import replace
from pathlib import Path

import av
import msgspec
import structlog
from videogen_contracts.export.events import RenderRequested
from videogen_media import loudness, quality
from videogen_media.blobs import LocalBlobStore
from videogen_media.caption_fonts import font_chain
from videogen_media.captions import ass_change_times
from videogen_media.ffmpeg import FfmpegFailed
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.fonts import find_caption_font
from videogen_media.probe import ProbeFailed, probe_async
from videogen_media.render import Scene, render_timeline
from videogen_media.render_settings import InvalidRenderSettings
from videogen_runtime.settings import Settings

from export_service.adapters.assembly import assemble, can_join, pause_of, sound_of
from export_service.adapters.blobs import ExportBlobs
from export_service.adapters.timeline import render_settings_of, scenes_of
from export_service.app.ports import (
    BlobStore,
    EncodeFailed,
    MissingInput,
    ProgressCallback,
    RenderedFile,
    RenderNotes,
)

log = structlog.get_logger("export_service.renderer")


def caption_fonts_dir() -> Path:
    """The fonts the media service measured the captions with (and their CJK, Arabic and
    Hebrew fallbacks: the caption font chain), so libass draws with the glyph widths the
    lines were wrapped for."""
    return font_chain(find_caption_font()).directory


class FfmpegRenderer:
    def __init__(self, ffmpeg_exe: str, fonts_dir: Path | None) -> None:
        self.ffmpeg_exe = ffmpeg_exe
        self.fonts_dir = fonts_dir

    async def render(
        self, request: RenderRequested, blobs: BlobStore, output: Path, progress: ProgressCallback
    ) -> RenderNotes | None:
        with tempfile.TemporaryDirectory(prefix="vg-assembly-") as scratch:
            if await can_join(request, blobs):
                return await assemble(
                    request, blobs, output, progress, ffmpeg_exe=self.ffmpeg_exe,
                    scratch=Path(scratch),
                )
            await self.one_pass(request, blobs, output, progress, Path(scratch))
            return None

    async def one_pass(
        self, request: RenderRequested, blobs: BlobStore, output: Path,
        progress: ProgressCallback, scratch: Path,
    ) -> None:
        scenes = await asyncio.to_thread(_with_pauses, request, scenes_of(request, blobs), scratch)
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

    async def report(
        self, request: RenderRequested, blobs: BlobStore, video: Path, notes: RenderNotes | None
    ) -> bytes:
        media = await _media_half(request, blobs)
        measured = await loudness.measure_loudness(video, ffmpeg_exe=self.ffmpeg_exe)
        target = notes.target_lufs if notes and notes.target_lufs is not None else None
        if target is None:
            target = sound_of(request).loudness_lufs
        video_s, audio_s = await asyncio.to_thread(stream_lengths, video)
        report = quality.complete_report(
            media,
            loudness=quality.LoudnessReport(
                integrated_lufs=round(measured.integrated_lufs, 2),
                true_peak_dbtp=round(measured.true_peak_dbtp, 2), target_lufs=target,
                loudness_range_lu=round(measured.loudness_range_lu, 2),
            ),
            sync=quality.av_sync(video_s, audio_s),
            soundtrack_s=notes.soundtrack_s if notes else None,
            join_s=notes.join_s if notes else None, music=notes.music if notes else None,
        )
        if notes is None and media is not None and request.segments:
            report = replace_warnings(report, "rendered in one pass: the segments did not fit")
        return quality.encode_report(report)


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


async def _media_half(request: RenderRequested, blobs: BlobStore) -> quality.QualityReport | None:
    key = request.media_report_key
    if not isinstance(key, str):
        return None
    try:
        raw = await asyncio.to_thread(blobs.local_path(key).read_bytes)
        return quality.decode_report(raw)
    except (MissingInput, msgspec.DecodeError, msgspec.ValidationError):
        # The report is a description of the video, not part of it: an unreadable half
        # leaves its fields empty rather than failing a finished render.
        log.warning("renderer.media_report_unreadable", key=key)
        return None


def replace_warnings(report: quality.QualityReport, warning: str) -> quality.QualityReport:
    return msgspec.structs.replace(report, warnings=[*report.warnings, warning])


def stream_lengths(path: Path) -> tuple[float, float]:
    """(video, audio) stream lengths in seconds, from their last packet's end."""
    ends = {"video": 0.0, "audio": 0.0}
    with av.open(str(path)) as container:
        for stream in container.streams:
            if stream.type in ends and stream.duration is not None and stream.time_base:
                ends[stream.type] = float(stream.duration * stream.time_base)
    return ends["video"], ends["audio"]


def _with_pauses(request: RenderRequested, scenes: list[Scene], scratch: Path) -> list[Scene]:
    """Scenes lasting narration + pause, each narration padded with the pause's silence
    (the one-pass renderer lays the narrations end to end, so the silence must be in them).
    """
    out = []
    for index, (clip, scene) in enumerate(zip(request.clips, scenes, strict=True)):
        pause = pause_of(clip)
        if pause <= 0:
            out.append(scene)
            continue
        padded = scratch / f"narration-{index:04d}.wav"
        try:
            with wave.open(str(scene.narration), "rb") as source:
                params = source.getparams()
                audio = source.readframes(params.nframes)
            with wave.open(str(padded), "wb") as target:
                target.setparams(params)
                target.writeframes(audio)
                silence = round(pause * params.framerate)
                target.writeframes(b"\0" * silence * params.sampwidth * params.nchannels)
        except (wave.Error, EOFError) as error:
            reason = f"narration {clip.narration_key} is not a PCM WAV: {error}"
            raise EncodeFailed(reason) from error
        out.append(replace(scene, narration=padded, duration=clip.duration_s + pause))
    return out


def media_renderer() -> FfmpegRenderer:
    renderer = FfmpegRenderer(ffmpeg_executable(), caption_fonts_dir())
    log.info("renderer.ready", ffmpeg=renderer.ffmpeg_exe, fonts_dir=str(renderer.fonts_dir))
    return renderer


def media_blobs(settings: Settings) -> ExportBlobs:
    return ExportBlobs(LocalBlobStore(settings.data_dir / "blobs"))
