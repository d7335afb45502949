"""The pipelined render: the picture's segments joined by stream copy under one soundtrack.

The media service encoded the picture (scenes, motion, burnt captions) in segments while
the narration was made; what is left here is the sound and the join:
1. the soundtrack (videogen_media.soundtrack): each narration laid at its scene's first
   frame, cut or padded to its scene, normalised to the request's EBU R128 target, with
   the music bed ducked under it when asked;
2. the join (videogen_media.segment_render.join_segments): the segments concatenated by
   stream copy, the AAC soundtrack copied in, faststart. No video is re-encoded.

Why the scene edges are recomputed here from the request's clips (narration + pause,
rounded on the running total, as the media service did from the same recorded numbers):
the soundtrack must put each narration on the frame its scene starts, and a segment whose
frame count disagrees with the timeline would drift the sound off the picture; it is
refused (EncodeFailed) rather than joined.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from pathlib import Path

import msgspec
from videogen_contracts.export.events import RenderRequested, TimelineClip
from videogen_contracts.media.events import SoundOptions
from videogen_media import music, segment_render, soundtrack
from videogen_media.ffmpeg import FfmpegFailed
from videogen_media.probe import ProbeFailed, probe_async
from videogen_media.render import scene_frames

from export_service.adapters.timeline import render_settings_of
from export_service.app.ports import BlobStore, EncodeFailed, ProgressCallback, RenderNotes


@dataclass(frozen=True, slots=True)
class Timeline:
    frames: list[int]  # per clip
    edges: list[int]  # [0, ..., total]
    fps: int

    @property
    def total_s(self) -> float:
        return self.edges[-1] / self.fps


def pause_of(clip: TimelineClip) -> float:
    return 0.0 if isinstance(clip.pause_s, msgspec.UnsetType) else clip.pause_s


def timeline_of(request: RenderRequested) -> Timeline:
    fps = request.settings.fps
    frames = scene_frames([c.duration_s + pause_of(c) for c in request.clips], fps)
    return Timeline(frames, [0, *itertools.accumulate(frames)], fps)


def sound_of(request: RenderRequested) -> SoundOptions:
    return SoundOptions() if isinstance(request.sound, msgspec.UnsetType) else request.sound


async def can_join(request: RenderRequested, blobs: BlobStore) -> bool:
    """Whether the segments fit this request's output: H.264 in mp4 at its frame size and
    rate, frame counts on the timeline's edges. Otherwise the one-pass render makes it
    (from the scenes' stills), which is slower but never wrong."""
    segments = [] if isinstance(request.segments, msgspec.UnsetType) else request.segments
    settings = request.settings
    if not segments or settings.codec != "h264" or settings.container != "mp4":
        return False
    timeline = timeline_of(request)
    for segment in segments:
        edges = timeline.edges
        if segment.frames != edges[segment.first + segment.count] - edges[segment.first]:
            return False
    try:
        info = await probe_async(blobs.local_path(segments[0].key))
    except ProbeFailed:
        return False
    video = info.video
    return (
        video is not None and (video.width, video.height) == (settings.width, settings.height)
        and abs(video.fps - settings.fps) < 0.01
    )


async def music_bed(sound: SoundOptions, blobs: BlobStore) -> soundtrack.MusicBed | None:
    mood = sound.music_mood or "calm"
    if sound.music == "none":
        return None
    if sound.music == "upload" and sound.music_key:
        return soundtrack.MusicBed("upload", blobs.local_path(sound.music_key), mood)
    if sound.music == "package":
        found = music.find_packaged_music()
        if found is not None:
            return soundtrack.MusicBed("package", found, mood)
    # "procedural", or "package" with none installed: an honest synthesised bed, labelled.
    return soundtrack.MusicBed("procedural", None, mood)


async def assemble(
    request: RenderRequested, blobs: BlobStore, output: Path, progress: ProgressCallback, *,
    ffmpeg_exe: str, scratch: Path,
) -> RenderNotes:
    timeline = timeline_of(request)
    settings = render_settings_of(request.settings)
    sound = sound_of(request)
    narrations = [
        soundtrack.Narration(
            path=blobs.local_path(clip.narration_key), start=edge / timeline.fps,
            length=frames / timeline.fps,
        )
        for clip, edge, frames in zip(request.clips, timeline.edges, timeline.frames,
                                      strict=False)
    ]
    segments = [] if isinstance(request.segments, msgspec.UnsetType) else request.segments
    parts = [blobs.local_path(s.key) for s in segments]  # MissingInput before any work
    audio = scratch / "soundtrack.m4a"
    started = time.perf_counter()
    # Progress at the start and between the two steps: a short job, but a client polling
    # it sees it move (and a fault test can land a kill inside it).
    await progress(0.05)
    try:
        report = await soundtrack.render_soundtrack(
            narrations, timeline.total_s, audio, target_lufs=sound.loudness_lufs,
            music=await music_bed(sound, blobs), bitrate_k=settings.audio_bitrate_k,
            ffmpeg_exe=ffmpeg_exe,
        )
        await progress(0.6)
        joined = time.perf_counter()
        await segment_render.join_segments(parts, audio, output, ffmpeg_exe=ffmpeg_exe)
    except FfmpegFailed as error:
        raise EncodeFailed(str(error)) from error
    done = time.perf_counter()
    return RenderNotes(
        soundtrack_s=round(joined - started, 3), join_s=round(done - joined, 3),
        music=report.music, target_lufs=sound.loudness_lufs,
    )
