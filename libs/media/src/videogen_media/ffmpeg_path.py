"""Which ffmpeg binary every process uses, and where it came from.

Order: `VIDEOGEN_FFMPEG` (an operator's choice: "Configured"), else the binary that ships
in the imageio-ffmpeg wheel (x264, libass, freetype: "Managed"), else `ffmpeg` on PATH
("PATH"). The source names are the ones Aura's FFmpeg status reports.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, NamedTuple

import imageio_ffmpeg

FfmpegSource = Literal["Configured", "Managed", "PATH", "None"]


class FfmpegLocation(NamedTuple):
    path: str | None
    source: FfmpegSource


def locate_ffmpeg(environ: Mapping[str, str] | None = None) -> FfmpegLocation:
    """Where ffmpeg is; `FfmpegLocation(None, "None")` when there is none at all."""
    env = os.environ if environ is None else environ
    configured = env.get("VIDEOGEN_FFMPEG")
    if configured:
        return FfmpegLocation(configured, "Configured")
    try:
        found = imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError:  # no bundled binary for this platform, and none on PATH
        found = None
    if found:
        bundled = Path(imageio_ffmpeg.__file__).parent in Path(found).resolve().parents
        return FfmpegLocation(found, "Managed" if bundled else "PATH")
    on_path = shutil.which("ffmpeg")
    return FfmpegLocation(on_path, "PATH") if on_path else FfmpegLocation(None, "None")


def ffmpeg_executable() -> str:
    """The ffmpeg to run; raises FileNotFoundError when there is none."""
    path = locate_ffmpeg().path
    if path is None:
        raise FileNotFoundError("no ffmpeg: set VIDEOGEN_FFMPEG or install imageio-ffmpeg")
    return path
