"""An editor timeline (a list of cuts of source files) in ONE ffmpeg command, one encode.

Every cut is its own input, opened with accurate input seeking (`-ss … -t …` before `-i`:
ffmpeg decodes from the keyframe before the point and drops what lies before it). The
point is `start` less a source frame (`lead`), so the first frame out is the one *showing*
at `start` (the one that began at or just before it; a cut at 1.5 s of a 25 fps clip
starts with the frame of 1.48 s, as a player paused at 1.5 s shows), and the sound drops
exactly `lead` again, so it starts at `start` to the sample. Each cut's picture is brought
to one frame rate, size (fitted, with bars, never stretched) and pixel format so the
concat filter accepts clips of any shape; a grade is applied to the picture before the
bars are added. Each cut gets an audio track of exactly its picture's length (its own
audio, padded or cut, or silence for a clip without audio), so the concat never lets the
sound run ahead of the picture: the n-th cut starts at the same sample and frame.

Why lengths come from cumulative frames (`scene_frames`): rounding each cut on its own
lets the errors add up; rounding the running total keeps every cut point, and the end,
within half a frame of the sum of the cuts.

The graph is written as text (a grade arrives as an ffmpeg filter chain, which
ffmpeg-python cannot take as a node) and handed to ffmpeg in a file (`-/filter_complex`),
as `videogen_media.render` does, so hundreds of cuts never hit the limit on one argument.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from videogen_media.ffmpeg import ProgressCallback, run_ffmpeg
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.probe import MediaInfo, probe_async
from videogen_media.render import GLOBAL_OPTIONS, scene_frames
from videogen_media.render_settings import AUDIO_RATE

CutFormat = Literal["mp4", "webm", "mov", "gif"]

DEFAULT_FPS = 30
MAX_FPS = 60
# A GIF is a preview, not a master: 15 frames a second at most 480 pixels wide keeps a
# minute of it to a few megabytes.
GIF_FPS = 15
GIF_WIDTH = 480

_H264 = ("-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p")
_AAC = ("-c:a", "aac", "-b:a", "128k", "-ar", str(AUDIO_RATE))
# The moov atom up front: a player (or a Range download) can start at once.
_FASTSTART = ("-movflags", "+faststart")
PRESETS: dict[CutFormat, tuple[str, ...]] = {
    "mp4": (*_H264, *_AAC, *_FASTSTART, "-f", "mp4"),
    "mov": (*_H264, *_AAC, *_FASTSTART, "-f", "mov"),
    # libvpx's realtime deadline: VP9 at about x264-veryfast speed (good/best are 5-20x
    # slower); constant quality needs a zero target bitrate.
    "webm": (
        "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1",
        "-crf", "33", "-b:v", "0", "-pix_fmt", "yuv420p",
        "-c:a", "libopus", "-b:a", "128k", "-ar", str(AUDIO_RATE), "-f", "webm",
    ),
    "gif": ("-loop", "0", "-f", "gif"),
}  # fmt: skip


class InvalidCuts(ValueError):
    """The cuts cannot be rendered (none, an empty window, a source without video)."""


@dataclass(frozen=True, slots=True)
class Cut:
    """`[start, end)` seconds of `path`; `video_filter` is a grade as an ffmpeg filter chain."""

    path: Path
    start: float
    end: float
    video_filter: str | None = None


@dataclass(frozen=True, slots=True)
class CutRenderCommand:
    argv: list[str]
    graph: str  # written to `graph_path` before running argv
    graph_path: Path
    duration: float


def _even(n: float) -> int:
    return max(2, int(n) // 2 * 2)


def output_frame(fmt: CutFormat, first: MediaInfo) -> tuple[tuple[int, int], int]:
    """The frame size and rate of the output: the first cut's, GIFs made smaller."""
    video = first.video
    assert video is not None
    fps = min(MAX_FPS, round(video.fps)) if video.fps > 0 else DEFAULT_FPS
    w, h = float(video.width), float(video.height)
    if fmt == "gif":
        fps = min(fps, GIF_FPS)
        if w > GIF_WIDTH:
            w, h = GIF_WIDTH, h * GIF_WIDTH / w
    return (_even(w), _even(h)), fps


def _video_chain(
    index: int, cut: Cut, info: MediaInfo, frames: int, size: tuple[int, int], fps: int
) -> str:
    w, h = size
    grade = f"{cut.video_filter}," if cut.video_filter else ""
    video = info.video
    # A clip already of the output's size needs no scale and no bars: skipping them saves
    # a copy of every frame, the common case of one camera's clips.
    fit = (
        ""
        if video is not None and (video.width, video.height) == size
        else f"scale={w}:{h}:force_original_aspect_ratio=decrease,"
        f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:color=black,"
    )
    # tpad: a source that ends a little before `end` (rounding, a short last GOP) holds its
    # last frame, so the cut always has exactly `frames` frames.
    return (
        f"[{index}:v:0]setpts=PTS-STARTPTS,fps={fps},{grade}{fit}setsar=1,format=yuv420p,"
        f"tpad=stop_mode=clone:stop_duration=1,trim=end_frame={frames},setpts=PTS-STARTPTS"
        f"[v{index}]"
    )


def lead_of(cut: Cut, info: MediaInfo) -> float:
    """How far before `start` the cut's input is opened: just under one source frame."""
    fps = info.video.fps if info.video is not None else 0.0
    return min(cut.start, 1 / fps - 1e-3) if fps > 1 else 0.0


def _audio_chain(index: int, has_audio: bool, lead: float, samples: int) -> str:
    fmt = f"aformat=sample_fmts=fltp:sample_rates={AUDIO_RATE}:channel_layouts=stereo"
    skip = round(lead * AUDIO_RATE)
    source = (
        f"[{index}:a:0]asetpts=PTS-STARTPTS,aresample={AUDIO_RATE},{fmt},"
        f"atrim=start_sample={skip},asetpts=PTS-STARTPTS,apad"
        if has_audio
        else f"anullsrc=r={AUDIO_RATE}:cl=stereo,{fmt}"
    )
    return f"{source},atrim=end_sample={samples},asetpts=PTS-STARTPTS[a{index}]"


def cut_samples(frames: Sequence[int], fps: int) -> list[int]:
    """Audio samples per cut, rounded on the running total like the frames."""
    samples, elapsed, edge = [], 0, 0
    for count in frames:
        elapsed += count
        next_edge = round(elapsed * AUDIO_RATE / fps)
        samples.append(next_edge - edge)
        edge = next_edge
    return samples


def build_graph(
    cuts: Sequence[Cut],
    infos: Sequence[MediaInfo],
    fmt: CutFormat,
    size: tuple[int, int],
    fps: int,
) -> tuple[str, float]:
    """The filter graph (outputs `[v]`, and `[a]` unless GIF) and the output's duration."""
    frames = scene_frames([c.end - c.start for c in cuts], fps)
    samples = cut_samples(frames, fps)
    chains, pads = [], []
    audio = fmt != "gif"
    lengths = zip(cuts, infos, frames, samples, strict=True)
    for i, (cut, info, count, n_samples) in enumerate(lengths):
        chains.append(_video_chain(i, cut, info, count, size, fps))
        pads.append(f"[v{i}]")
        if audio:
            lead = lead_of(cut, info)
            chains.append(_audio_chain(i, info.audio is not None, lead, n_samples))
            pads.append(f"[a{i}]")
    joined = "".join(pads)
    if audio:
        chains.append(f"{joined}concat=n={len(cuts)}:v=1:a=1[v][a]")
    else:
        # One palette for the whole GIF, computed from every frame, then applied.
        chains.append(f"{joined}concat=n={len(cuts)}:v=1:a=0,split[g0][g1]")
        chains.append("[g0]palettegen=stats_mode=full[pal]")
        chains.append("[g1][pal]paletteuse=dither=sierra2_4a[v]")
    return ";\n".join(chains), sum(frames) / fps


def build_cut_command(
    cuts: Sequence[Cut],
    infos: Sequence[MediaInfo],
    fmt: CutFormat,
    output: Path,
    *,
    graph_path: Path,
    ffmpeg_exe: str | None = None,
) -> CutRenderCommand:
    """The command for `cuts`, each probed (`infos`, in the same order)."""
    _check(cuts, infos)
    size, fps = output_frame(fmt, infos[0])
    graph, duration = build_graph(cuts, infos, fmt, size, fps)
    argv = [ffmpeg_exe or ffmpeg_executable(), *GLOBAL_OPTIONS]
    for cut, info in zip(cuts, infos, strict=True):
        lead = lead_of(cut, info)
        argv += ["-ss", f"{cut.start - lead:.6f}", "-t", f"{cut.end - cut.start + lead:.6f}",
                 "-i", str(cut.path)]  # fmt: skip
    argv += ["-/filter_complex", str(graph_path), "-map", "[v]"]
    if fmt != "gif":
        argv += ["-map", "[a]"]
    argv += [*PRESETS[fmt], str(output)]
    return CutRenderCommand(argv, graph, graph_path, duration)


def _check(cuts: Sequence[Cut], infos: Sequence[MediaInfo]) -> None:
    if not cuts:
        raise InvalidCuts("an export needs at least one cut")
    for cut, info in zip(cuts, infos, strict=True):
        if not cut.end > cut.start >= 0:
            raise InvalidCuts(f"{cut.path.name}: empty window [{cut.start}, {cut.end})")
        if info.video is None:
            raise InvalidCuts(f"{cut.path.name}: no video stream")


async def render_cuts(
    cuts: Sequence[Cut],
    fmt: CutFormat,
    output: Path,
    *,
    on_progress: ProgressCallback | None = None,
    ffmpeg_exe: str | None = None,
) -> float:
    """Render `cuts` to `output` in one pass; returns the intended duration in seconds.

    Writes `output` directly: give it a scratch path and move it in when this returns
    (a killed encode then leaves only a scratch file). Cancelling kills ffmpeg.
    """
    infos: dict[Path, MediaInfo] = {}
    for cut in cuts:
        if cut.path not in infos:
            infos[cut.path] = await probe_async(cut.path)
    with tempfile.TemporaryDirectory(prefix="vg-cuts-") as scratch:
        command = build_cut_command(
            cuts,
            [infos[c.path] for c in cuts],
            fmt,
            output,
            graph_path=Path(scratch) / "graph.txt",
            ffmpeg_exe=ffmpeg_exe,
        )
        command.graph_path.write_text(command.graph, encoding="utf-8")
        await run_ffmpeg(command.argv, total_seconds=command.duration, on_progress=on_progress)
    return command.duration
