"""Render a scene with plain `python -m manim` (no sandbox: these are the writers' own
tests, of code we wrote) at preview size, and decode the result with PyAV."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import av
import msgspec
import numpy as np
from numpy.typing import NDArray

WIDTH, HEIGHT, FPS = 426, 240, 15


class Rendered(msgspec.Struct, frozen=True, kw_only=True):
    returncode: int
    log: str
    frames: list[NDArray[np.uint8]]

    @property
    def duration_s(self) -> float:
        return len(self.frames) / FPS

    def frame_at(self, fraction: float) -> NDArray[np.uint8]:
        return self.frames[min(len(self.frames) - 1, int(len(self.frames) * fraction))]


async def render_plain(code: str, scene_class: str, workdir: Path) -> Rendered:
    await asyncio.to_thread(_write_scene, workdir, code)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "manim", "render", "-ql", "-r", f"{WIDTH},{HEIGHT}",
        "--frame_rate", str(FPS), "--disable_caching", "--media_dir", str(workdir / "media"),
        "scene.py", scene_class,
        cwd=workdir, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=180)
    frames = await asyncio.to_thread(_frames_of, workdir, scene_class) if not process.returncode \
        else []
    return Rendered(returncode=process.returncode or 0, log=output.decode(errors="replace"),
                    frames=frames)


def _write_scene(workdir: Path, code: str) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "scene.py").write_text(code)


def _frames_of(workdir: Path, scene_class: str) -> list[NDArray[np.uint8]]:
    videos = sorted((workdir / "media" / "videos").rglob(f"{scene_class}.mp4"))
    return decoded(videos[0]) if videos else []


def decoded(video: Path) -> list[NDArray[np.uint8]]:
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (WIDTH, HEIGHT)
        return [
            frame.to_ndarray(format="rgb24").astype(np.uint8, copy=False)
            for frame in container.decode(stream)
        ]


def mean_abs_diff(a: NDArray[np.uint8], b: NDArray[np.uint8]) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def drawn_fraction(frame: NDArray[np.uint8]) -> float:
    """The share of pixels that differ from the frame's corner (the background)."""
    background = frame[2, 2].astype(np.int16)
    return float((np.abs(frame.astype(np.int16) - background).sum(axis=2) > 60).mean())
