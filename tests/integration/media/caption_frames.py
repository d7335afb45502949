"""Caption frames drawn by the real libass (through ffmpeg), as arrays, for the tests and
for the sample sheets in docs/captions.md: one ffmpeg run renders every sampled time."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from videogen_media.ffmpeg_path import ffmpeg_executable

RATE = 100  # sampled times are on centiseconds (a frame n is at n / RATE s)
GRADIENT = ("0x1b2a4a", "0x6a3d7a")


def render_frames(
    ass: str,
    times: Sequence[float],
    width: int,
    height: int,
    fonts_dir: Path,
    workdir: Path,
    background: tuple[str, str] = GRADIENT,
) -> list[npt.NDArray[np.uint8]]:
    """RGB frames of `ass` burnt over a diagonal gradient at each time (rounded to 10 ms)."""
    path = workdir / "frames.ass"
    path.write_text(ass, encoding="utf-8")
    frames = sorted({round(t * RATE) for t in times})
    pick = "+".join(f"eq(n\\,{n})" for n in frames)
    source = (
        f"gradients=s={width}x{height}:r={RATE}:d={frames[-1] / RATE + 0.05}:c0={background[0]}"
        f":c1={background[1]}:x0=0:y0=0:x1={width}:y1={height}:speed=0.0000001"
    )
    graph = f"{source},select='{pick}',ass=filename={path}:fontsdir={fonts_dir},format=rgb24"
    raw = subprocess.run(
        [ffmpeg_executable(), "-v", "error", "-f", "lavfi", "-i", graph, "-fps_mode", "passthrough",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        check=True, capture_output=True, timeout=120,
    ).stdout  # fmt: skip
    images = np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)
    by_frame = dict(zip(frames, images, strict=True))
    return [by_frame[round(t * RATE)] for t in times]
