"""The offline region editor: one variant of a region edit as one ffmpeg pass.

Only the edited range is decoded (`-ss`/`-t` before `-i`: input seeking, frame-accurate)
and encoded (H.264 + AAC, veryfast, like the editor's clips). In the graph the box is
cropped out, the operation is applied to the crop alone, the result gets a feathered
alpha mask (`region_filters.mask_source`) and is overlaid back where it came from, so the
work is proportional to the box and the pixels outside it are the source's. The output is
the range as a playable clip plus a JPEG of its middle frame.

`overlay_in_box` is the same composite for a patch made elsewhere (a hosted video model's
rendering of the box): scaled to the box, feathered, overlaid on the original range.

Both write the clip under a scratch name and rename it into place, so a reader (or a
worker resuming after a crash) never sees half a file.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from videogen_contracts.media.ai_edits import Box, RegionEdit, VariantSpec

from videogen_media.ffmpeg import ProgressCallback, run_ffmpeg
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.probe import ProbeFailed, probe_async
from videogen_media.region_filters import (
    InvalidRegion,
    Rect,
    effect_chain,
    feather,
    fit_box,
    mask_source,
    outside_chain,
)
from videogen_media.region_sprites import sprite_inputs, sprite_patch

PREVIEW_MAX_WIDTH = 1280
DEFAULT_FPS = 30.0
_ENCODE = (
    "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
    "-c:a", "aac", "-b:a", "160k", "-movflags", "+faststart", "-f", "mp4",
)  # fmt: skip


def middle_frame(seconds: float, fps: float) -> int:
    return max(0, math.floor(seconds * fps / 2))


def composite_graph(
    rect: Rect, softness: int, fps: float, patch: str, *, preview_frame: int,
    outside: str | None = None, crop: bool = True,
) -> str:
    """The filter graph: `patch` turns `[box]` (the crop, when `crop`) into `[fx]`; out
    come the clip `[v]` and, from the same frames, the preview `[preview]` (no second
    decode of the result)."""
    lines = []
    if crop:
        lines += [
            "[0:v]split=2[frame][work]", f"[work]crop={rect.w}:{rect.h}:{rect.x}:{rect.y}[box]",
        ]
    else:
        lines.append("[0:v]null[frame]")
    lines += [
        patch,
        f"{mask_source(rect, softness, fps)}[mask]",
        "[fx]format=yuva420p[fxa]", "[fxa][mask]alphamerge[patch]",
        f"[frame]{outside or 'null'}[base]",
        f"[base][patch]overlay=x={rect.x}:y={rect.y}:shortest=1:format=auto,format=yuv420p,"
        "split=2[v][pv]",
        f"[pv]select='eq(n,{preview_frame})',scale='min({PREVIEW_MAX_WIDTH},iw)':-2[preview]",
    ]
    return ";\n".join(lines)


def composite_argv(
    source: Path, start_s: float, end_s: float, graph: str, target: Path, preview: Path,
    extra_inputs: Sequence[str] = (),
) -> list[str]:
    seconds = f"{max(0.0, end_s - start_s):.6f}"
    return [
        ffmpeg_executable(), "-hide_banner", "-v", "error", "-y",
        "-ss", f"{start_s:.6f}", "-t", seconds, "-i", str(source), *extra_inputs,
        "-filter_complex", graph, "-map", "[v]", "-map", "0:a:0?", "-t", seconds,
        *_ENCODE, str(target),
        "-map", "[preview]", "-frames:v", "1", "-q:v", "3", "-f", "image2", "-update", "1",
        str(preview),
    ]


@dataclass(frozen=True, slots=True)
class _Source:
    width: int
    height: int
    fps: float
    # Seconds of the range the source has (a range past its end is cut at the end).
    seconds: float


async def _source_of(path: Path, start_s: float, end_s: float) -> _Source:
    info = await probe_async(path)
    if info.video is None:
        raise ProbeFailed(f"{path}: no video stream to edit")
    seconds = min(end_s, info.duration) - start_s
    if seconds <= 0:
        raise InvalidRegion(f"the range {start_s:.3f}..{end_s:.3f} s is past the source's end")
    return _Source(info.video.width, info.video.height, info.video.fps or DEFAULT_FPS, seconds)


class _Outputs:
    """Scratch names for the clip and its preview, moved into place once both are whole."""

    def __init__(self, video_out: Path, preview_out: Path) -> None:
        tag = uuid.uuid4().hex
        self.video_out, self.preview_out = video_out, preview_out
        self.video = video_out.with_name(f".{video_out.stem}.tmp-{tag}{video_out.suffix}")
        self.preview = preview_out.with_name(f".{preview_out.stem}.tmp-{tag}.jpg")

    def publish(self) -> None:
        os.makedirs(self.preview_out.parent, exist_ok=True)
        os.replace(self.video, self.video_out)
        os.replace(self.preview, self.preview_out)

    def discard(self) -> None:
        for path in (self.video, self.preview):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)


async def _encode(
    argv: list[str], outputs: _Outputs, seconds: float, on_progress: ProgressCallback | None
) -> float:
    """Run the pass, then move the clip and its preview into place."""
    os.makedirs(outputs.video_out.parent, exist_ok=True)
    try:
        await run_ffmpeg(argv, total_seconds=seconds, on_progress=on_progress)
        await asyncio.to_thread(outputs.publish)
    finally:
        outputs.discard()
    return (await probe_async(outputs.video_out)).duration


async def render_variant(
    source: Path, start_s: float, end_s: float, box: Box, edit: RegionEdit, spec: VariantSpec,
    video_out: Path, preview_out: Path, *, on_progress: ProgressCallback | None = None,
) -> float:
    """Render one variant of `edit` in `box` over `[start_s, end_s)` of `source`.

    Writes the range as an mp4 to `video_out` and its middle frame to `preview_out`;
    returns the clip's duration in seconds. The same arguments give the same pixels.
    """
    src = await _source_of(source, start_s, end_s)
    rect, fps, seconds = fit_box(box, src.width, src.height), src.fps, src.seconds
    softness = feather(rect, spec.softness)
    outputs = _Outputs(video_out, preview_out)
    with tempfile.TemporaryDirectory(prefix="vg-region-") as scratch:
        if edit.operation in ("text", "shape"):
            inputs = sprite_inputs(edit, spec, rect, softness, fps, seconds, Path(scratch))
            patch = sprite_patch(edit, spec, rect, softness, seconds, Path(scratch))
        else:
            inputs, patch = [], f"[box]{effect_chain(edit, spec.strength, rect)}[fx]"
        graph = composite_graph(
            rect, softness, fps, patch, preview_frame=middle_frame(seconds, fps),
            outside=outside_chain(edit, spec.strength),
        )
        argv = composite_argv(
            source, start_s, end_s, graph, outputs.video, outputs.preview, inputs
        )
        return await _encode(argv, outputs, seconds, on_progress)


async def overlay_in_box(
    original: Path, patch: Path, start_s: float, end_s: float, box: Box, video_out: Path,
    preview_out: Path, *, softness: int = 12, patch_covers: Literal["box", "frame"] = "box",
    on_progress: ProgressCallback | None = None,
) -> float:
    """Composite `patch` (a clip starting at `start_s`) into `box` of the original range.

    `patch_covers="box"`: the patch shows the box (it is scaled to it); `"frame"`: it
    shows the whole frame (scaled to the frame, then the box is cut from it). Outside
    the box the result is the original; the edges are feathered by `softness` pixels.
    """
    src = await _source_of(original, start_s, end_s)
    rect, fps, seconds = fit_box(box, src.width, src.height), src.fps, src.seconds
    if patch_covers == "frame":
        fit = f"scale={src.width}:{src.height},crop={rect.w}:{rect.h}:{rect.x}:{rect.y}"
    else:
        fit = f"scale={rect.w}:{rect.h}"
    # The patch's frames are timed onto the original's: its first frame at the range's start.
    chain = f"[1:v]{fit},setsar=1,fps={fps:.6g},setpts=PTS-STARTPTS[fx]"
    graph = composite_graph(
        rect, feather(rect, softness), fps, chain, preview_frame=middle_frame(seconds, fps),
        crop=False,
    )
    outputs = _Outputs(video_out, preview_out)
    argv = composite_argv(
        original, start_s, end_s, graph, outputs.video, outputs.preview, ["-i", str(patch)]
    )
    return await _encode(argv, outputs, seconds, on_progress)
