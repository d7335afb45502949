"""Caption frames drawn by the real libass (through ffmpeg), as arrays, for the tests and
for the sample sheets in docs/captions.md: one ffmpeg run renders every sampled time."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from videogen_media.ffmpeg_path import ffmpeg_executable

Frame = npt.NDArray[np.uint8]


def gradient(width: int, height: int) -> Frame:
    """A diagonal gradient, navy to plum (the same pixels in every run)."""
    ramp = (np.arange(width)[None, :] + np.arange(height)[:, None]) / (width + height)
    low, high = np.array([27, 42, 74]), np.array([107, 61, 122])
    return np.asarray(low + ramp[..., None] * (high - low), dtype=np.uint8)


def render_frames(
    ass: str,
    times: Sequence[float],
    width: int,
    height: int,
    fonts_dir: Path,
    workdir: Path,
    background: Frame | None = None,
) -> list[Frame]:
    """RGB frames of `ass` burnt over `background` (a gradient), one per time: frame n of
    the input is re-stamped to times[n], so libass draws only the frames asked for."""
    path = workdir / "frames.ass"
    path.write_text(ass, encoding="utf-8")
    at = "0"
    for n in reversed(range(len(times))):
        at = f"if(eq(N\\,{n})\\,{times[n]:.6f}\\,{at})"
    graph = f"settb=1/100000,setpts='{at}/TB',ass=filename={path}:fontsdir={fonts_dir}"
    still = gradient(width, height) if background is None else background
    raw = subprocess.run(
        [ffmpeg_executable(), "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
         "-s", f"{width}x{height}", "-r", "1", "-i", "-", "-vf", graph, "-fps_mode", "passthrough",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        input=still.tobytes() * len(times), check=True, capture_output=True, timeout=120,
    ).stdout  # fmt: skip
    return list(np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3))
