"""Caption frames drawn by the real libass (through ffmpeg), as arrays, for the tests and
for the sample sheets in docs/captions.md: one ffmpeg run renders every sampled time."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from videogen_media.ffmpeg_path import ffmpeg_executable

# A diagonal gradient, navy to plum (geq: the same pixels in every run, unlike `gradients`).
GRADIENT = "r='27+80*(X+Y)/(W+H)':g='42+19*(X+Y)/(W+H)':b='74+48*(X+Y)/(W+H)'"


def render_frames(
    ass: str,
    times: Sequence[float],
    width: int,
    height: int,
    fonts_dir: Path,
    workdir: Path,
    background: str = GRADIENT,
) -> list[npt.NDArray[np.uint8]]:
    """RGB frames of `ass` burnt over a diagonal gradient, one per time: frame n of the
    source is re-stamped to times[n] (so libass draws only the frames asked for)."""
    path = workdir / "frames.ass"
    path.write_text(ass, encoding="utf-8")
    at = "0"
    for n in reversed(range(len(times))):
        at = f"if(eq(N\\,{n})\\,{times[n]:.6f}\\,{at})"
    graph = (
        f"color=c=black:s={width}x{height}:r=1:d={len(times)},format=rgb24,geq={background},"
        "settb=1/100000,"
        f"setpts='{at}/TB',ass=filename={path}:fontsdir={fonts_dir},format=rgb24"
    )
    raw = subprocess.run(
        [ffmpeg_executable(), "-v", "error", "-f", "lavfi", "-i", graph, "-fps_mode", "passthrough",
         "-frames:v", str(len(times)), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        check=True, capture_output=True, timeout=120,
    ).stdout  # fmt: skip
    return list(np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3))
