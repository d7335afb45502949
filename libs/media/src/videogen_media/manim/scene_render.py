"""Render one Manim scene from its code, in the sandbox: code → scene.py → mp4.

Everything the code left in its work directory is untrusted once the sandbox has ended
(nothing of it runs any more: `run_sandboxed` waited for that). A "video" may be a symlink
to a secret, so only a regular file, reached without following links, counts as the
output, and what we write there replaces whatever name the code planted.
"""

from __future__ import annotations

import ast
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from videogen_contracts.media.manim_status import SandboxKind

from videogen_media.ffmpeg import run_ffmpeg
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.manim.sandbox import (
    SandboxFailed,
    SandboxLimits,
    manim_python,
    run_sandboxed,
)
from videogen_media.probe import probe_async

SCENE_FILE = "scene.py"
VIDEO_FILE = "scene.mp4"


@dataclass(frozen=True, slots=True)
class SceneRenderOutput:
    video: Path
    duration_s: float
    log: str  # Manim's output (stdout and stderr)
    sandbox: SandboxKind


def check_scene_code(code: str, scene_class: str) -> None:
    """Refuse, before any sandbox starts, code that cannot render `scene_class`."""
    try:
        tree = ast.parse(code, SCENE_FILE)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        where = f" (line {line})" if line else ""
        text = getattr(exc, "text", None) or ""
        raise SandboxFailed(
            f"not valid Python: {getattr(exc, 'msg', str(exc))}{where}", text.rstrip()
        ) from None
    names = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
    if scene_class not in names:
        defined = ", ".join(names) or "none"
        raise SandboxFailed(
            f"the code defines no class {scene_class}", f"classes defined: {defined}"
        )


def manim_argv(scene_class: str, width: int, height: int, fps: int) -> list[str]:
    return [
        manim_python(), "-m", "manim", "render", "--disable_caching", "--progress_bar", "none",
        "--media_dir", "media", "--format", "mp4", "-r", f"{width},{height}", "--fps", str(fps),
        "-o", "scene", SCENE_FILE, scene_class,
    ]


def rendered_video(workdir: Path) -> Path | None:
    """Manim's mp4 (not its partial movie files), if it is a regular file under workdir."""
    inside = workdir.resolve()
    for top, dirs, files in os.walk(workdir / "media" / "videos", followlinks=False):
        dirs[:] = [d for d in dirs if d != "partial_movie_files"]
        for name in files:
            path = Path(top) / name
            if (name.endswith(".mp4") and stat.S_ISREG(path.lstat().st_mode)
                    and path.resolve().is_relative_to(inside)):
                return path
    return None


def _clear(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _write_scene(workdir: Path, code: str) -> None:
    # A redelivered job renders again in the same directory: no video of the last attempt
    # may pass for this one's.
    workdir.mkdir(parents=True, exist_ok=True)
    for stale in (workdir / SCENE_FILE, workdir / VIDEO_FILE, workdir / "media"):
        _clear(stale)
    (workdir / SCENE_FILE).write_text(code)


async def render_scene(
    code: str, scene_class: str, workdir: Path, *, width: int, height: int, fps: int,
    max_duration_s: float, limits: SandboxLimits | None = None,
) -> SceneRenderOutput:
    """Render `scene_class` of `code` into `workdir/scene.mp4`, cut to `max_duration_s`.

    Raises SandboxFailed with the reason (invalid code, a limit, Manim's exit status and
    its output's tail as `detail`, no video written).
    """
    check_scene_code(code, scene_class)
    _write_scene(workdir, code)
    result = await run_sandboxed(manim_argv(scene_class, width, height, fps), workdir, limits)
    rendered = rendered_video(workdir)
    if rendered is None:
        raise SandboxFailed("Manim rendered no video", result.output[-4000:])
    video = workdir / VIDEO_FILE
    _clear(video)
    duration = (await probe_async(rendered)).duration
    if duration > max_duration_s:
        await run_ffmpeg([
            ffmpeg_executable(), "-hide_banner", "-loglevel", "error", "-i", str(rendered),
            "-t", f"{max_duration_s:.3f}", "-c:v", "libx264", "-preset", "veryfast",
            "-crf", "18", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(video),
        ])
        duration = (await probe_async(video)).duration
    else:
        rendered.replace(video)
    return SceneRenderOutput(video, duration, result.output, result.sandbox)
