"""A whole timeline in ONE ffmpeg command with ONE filter graph, one encode pass.

Every scene is a background (procedural, or an image or video file scaled and cropped to
the frame) lasting exactly its narration; the scenes are laid end to end (video_track:
only frames that differ travel through the graph), the captions burnt in by libass, and
the narrations concatenated under them. No per-scene files, no re-encodes.

Why scene lengths come from cumulative times: a frame is 1/fps long, so rounding each
scene's duration on its own lets the errors add up. Rounding the running total keeps every
scene boundary, and the end, within half a frame of the narration the captions follow.

The graph is built with ffmpeg-python (compile only, never run by it) and handed to
ffmpeg in a file (`-/filter_complex`), so hundreds of scenes never hit the kernel's limit
on one argument's length.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import ffmpeg

from videogen_media.ffmpeg import ProgressCallback, run_ffmpeg
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.render_settings import AUDIO_RATE, RenderSettings
from videogen_media.video_track import (
    Piece,
    change_frames,
    densify,
    for_libass,
    sparse_track,
)
from videogen_media.visuals import Background, background_drift_small, background_still, drift_ticks

IMAGE_SUFFIXES = frozenset((".jpg", ".jpeg", ".png", ".webp", ".bmp"))
GLOBAL_OPTIONS = ("-hide_banner", "-y", "-loglevel", "error")
_DEFAULT_BACKGROUND = Background(("#2a4058", "#4f7fa8", "#0b1118"), "linear", 1)


@dataclass(frozen=True, slots=True)
class Scene:
    narration: Path  # a WAV (any rate/channels), spoken over this scene
    duration: float  # the narration's measured length, seconds
    background: Background | None = None
    media: Path | None = None  # an image or a video file, instead of a background


@dataclass(frozen=True, slots=True)
class RenderCommand:
    argv: list[str]
    graph: str  # written to `graph_path` before running argv
    graph_path: Path
    duration: float


def scene_frames(durations: Sequence[float], fps: int) -> list[int]:
    """Frames per scene, rounded on the running total (at least one frame each)."""
    frames, elapsed, edge = [], 0.0, 0
    for duration in durations:
        elapsed += duration
        next_edge = max(edge + 1, round(elapsed * fps))
        frames.append(next_edge - edge)
        edge = next_edge
    return frames


def _fill(stream: Any, w: int, h: int) -> Any:
    """Scale to cover the frame, then crop the middle (no bars, no distortion)."""
    cover = stream.filter("scale", w, h, force_original_aspect_ratio="increase")
    return cover.filter("crop", w, h).filter("setsar", 1)


def _input(source: str, index: int, **options: Any) -> Any:
    # ffmpeg-python merges nodes with equal arguments, so two scenes with the same picture
    # (or narration) would share one input and fail to compile. A queue size that differs
    # per scene keeps one input per scene (the size itself is harmless: packets buffered).
    return ffmpeg.input(source, thread_queue_size=64 + index, **options).video


def _scene_piece(scene: Scene, index: int, frames: int, start: int, size: tuple[int, int],
                 fps: int) -> Piece:  # fmt: skip
    w, h = size
    if scene.media is not None and scene.media.suffix.lower() not in IMAGE_SUFFIXES:
        clip = _input(str(scene.media), index, stream_loop=-1)
        moving = _fill(clip, w, h).filter("fps", fps).filter("format", "yuv420p")
        return Piece(moving.trim(end_frame=frames), start)
    if scene.media is not None:
        still = _fill(_input(str(scene.media), index).trim(end_frame=1), w, h)
        return Piece(still.filter("format", "yuv420p"), start, held=True)
    bg = scene.background or _DEFAULT_BACKGROUND
    if not bg.motion:
        return Piece(_input(background_still(bg, w, h, fps), index, f="lavfi"), start, True)
    small = _input(background_drift_small(bg, w, h, fps, frames), index, f="lavfi")
    return Piece(small, start, every=drift_ticks(fps),
                 finish=lambda s: s.filter("scale", w, h, flags="bilinear").filter("setsar", 1))


def build_render_command(
    scenes: Sequence[Scene], settings: RenderSettings, output: Path, *, graph_path: Path,
    captions: Path | None = None, caption_changes: Sequence[float] | None = None,
    fonts_dir: Path | None = None, ffmpeg_exe: str | None = None,
) -> RenderCommand:
    """The command; `caption_changes` (every cue start and end, seconds) lets still scenes
    be captioned as held frames, the fast path. Without it, stills run at the full rate."""
    if not scenes:
        raise ValueError("a render needs at least one scene")
    exe = ffmpeg_exe or ffmpeg_executable()
    (w, h), fps = settings.size, settings.fps
    frames = scene_frames([s.duration for s in scenes], fps)
    # Without the cue times, every frame must reach libass: held frames are looped.
    every_frame = captions is not None and caption_changes is None
    pieces, start = [], 0
    for index, (scene, count) in enumerate(zip(scenes, frames, strict=True)):
        piece = _scene_piece(scene, index, count, start, (w, h), fps)
        if every_frame and piece.held:
            piece = replace(piece, stream=piece.stream.filter("loop", count - 1, 1), held=False)
        pieces.append(replace(piece, every=1) if every_frame else piece)
        start += count
    changes = change_frames(caption_changes or (), fps)
    video = sparse_track(pieces, changes, start, (w, h), fps)
    audios = [
        ffmpeg.input(str(s.narration), thread_queue_size=64 + i).audio.filter(
            "aformat", sample_fmts="fltp", sample_rates=AUDIO_RATE, channel_layouts="stereo"
        )
        for i, s in enumerate(scenes)
    ]
    if captions is not None:
        options = {"filename": str(captions)}
        if fonts_dir is not None:
            options["fontsdir"] = str(fonts_dir)
        video = for_libass(video, fps).filter("ass", **options)
    video = densify(video, fps, start)
    audio = ffmpeg.concat(*audios, v=0, a=1) if len(audios) > 1 else audios[0]
    out = ffmpeg.output(video, audio, str(output), **settings.encoder_options())
    argv = [exe, *GLOBAL_OPTIONS, *ffmpeg.compile(out, cmd=exe)[1:]]
    at = argv.index("-filter_complex")
    graph = argv[at + 1]
    argv[at : at + 2] = ["-/filter_complex", str(graph_path)]
    return RenderCommand(argv, graph, graph_path, start / fps)


async def render_timeline(
    scenes: Sequence[Scene], settings: RenderSettings, output: Path, *,
    captions: Path | None = None, caption_changes: Sequence[float] | None = None,
    fonts_dir: Path | None = None, on_progress: ProgressCallback | None = None,
    ffmpeg_exe: str | None = None,
) -> Path:
    """Render to `output`, atomically: the file appears whole under its name or not at all.

    Give each job its own `output` (a job-unique key); a retried job overwrites its own
    output only, never another job's.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.stem}.tmp-{uuid.uuid4().hex}{output.suffix}")
    with tempfile.TemporaryDirectory(prefix="vg-render-") as scratch:
        command = build_render_command(
            scenes, settings, partial, graph_path=Path(scratch) / "graph.txt", captions=captions,
            caption_changes=caption_changes, fonts_dir=fonts_dir, ffmpeg_exe=ffmpeg_exe,
        )
        command.graph_path.write_text(command.graph, encoding="utf-8")
        try:
            await run_ffmpeg(command.argv, total_seconds=command.duration, on_progress=on_progress)
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)
    return output
