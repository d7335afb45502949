"""Rendered scenes (whole files) joined end to end in ONE ffmpeg pass: a Manim combine.

A scene is an editor cut that spans its whole file, so the join is `cut_render`'s graph:
each scene brought to the first scene's size (fitted, with bars) and frame rate, a scene
without audio given silence of its length (the audio track is continuous, never a gap the
player would read as the end of the sound), AAC audio, the moov atom up front.

Each scene's length is its file's measured duration (probed: the longer of its streams,
so a narration that outlasts the picture is kept, its last frame held). Where a scene
starts in the output comes from the same running-total rounding the graph uses
(`scene_frames`), so the offsets the subtitles are shifted by are the frames' own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from videogen_media.cut_render import Cut, InvalidCuts, output_frame, render_cuts
from videogen_media.ffmpeg import ProgressCallback
from videogen_media.probe import MediaInfo, probe_async
from videogen_media.render import scene_frames


@dataclass(frozen=True, slots=True)
class JoinedScenes:
    """Where each scene landed in the output, in seconds, and the output's length."""

    starts: tuple[float, ...]
    lengths: tuple[float, ...]
    duration_s: float
    size: tuple[int, int]
    fps: int


def scene_layout(infos: Sequence[MediaInfo]) -> JoinedScenes:
    """The output's frame and every scene's start and length, from the probed scenes."""
    if not infos:
        raise InvalidCuts("a combine needs at least one scene")
    if infos[0].video is None:
        raise InvalidCuts("the first scene has no video stream")
    size, fps = output_frame("mp4", infos[0])
    frames = scene_frames([info.duration for info in infos], fps)
    edges = [0, *accumulate(frames)]
    return JoinedScenes(
        starts=tuple(edge / fps for edge in edges[:-1]),
        lengths=tuple(count / fps for count in frames),
        duration_s=edges[-1] / fps, size=size, fps=fps,
    )  # fmt: skip


async def concat_scenes(
    videos: Sequence[Path],
    output: Path,
    *,
    on_progress: ProgressCallback | None = None,
    ffmpeg_exe: str | None = None,
) -> JoinedScenes:
    """Join `videos` in order into the mp4 `output`, in one encode.

    Writes `output` directly: give it a scratch path and move it in when this returns.
    Raises InvalidCuts (no scene, a scene without video), ProbeFailed (a file that is not
    media) or FfmpegFailed; cancelling kills ffmpeg.
    """
    infos = [await probe_async(video) for video in videos]
    for video, info in zip(videos, infos, strict=True):
        if info.video is None:
            raise InvalidCuts(f"{video.name}: no video stream")
    layout = scene_layout(infos)
    cuts = [Cut(video, 0.0, info.duration) for video, info in zip(videos, infos, strict=True)]
    await render_cuts(cuts, "mp4", output, on_progress=on_progress, ffmpeg_exe=ffmpeg_exe)
    return layout
