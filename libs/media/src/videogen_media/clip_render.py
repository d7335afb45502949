"""ffmpeg argv for the editor's re-encodes of one media file: the preview proxy and a
segment's playable clip. Run them with `ffmpeg.run_ffmpeg`; write to a scratch path and
move the result under its key, so a reader never sees half a file.
"""

from __future__ import annotations

from pathlib import Path

from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.grading import Grade, grade_filter

PROXY_WIDTH = 640
# A keyframe every half second: a preview frame decodes at most ~15 small frames.
PROXY_GOP_SECONDS = 0.5


def proxy_gop_frames(fps: float) -> int:
    return max(1, round(fps * PROXY_GOP_SECONDS))


def proxy_argv(source: Path, target: Path, *, fps: float) -> list[str]:
    """A short-GOP, low-resolution, video-only copy of `source`, made to be seeked.

    Every frame is kept with its timestamp (`-fps_mode passthrough`), so time T of the
    proxy shows what time T of the source shows. ultrafast + fastdecode: no B-frames,
    no CABAC, no deblocking, which is what makes decoding a GOP cheap. One thread each
    for decoding, filtering and encoding: it is background work, and the previews asked
    for while it runs need the other cores.
    """
    gop = str(proxy_gop_frames(fps))
    return [
        ffmpeg_executable(), "-hide_banner", "-v", "error", "-y", "-threads", "1",
        "-filter_threads", "1", "-i", str(source),
        "-map", "0:v:0", "-an", "-sn", "-dn",
        "-vf", f"scale='min({PROXY_WIDTH},iw)':-2", "-fps_mode", "passthrough",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "fastdecode", "-crf", "28",
        "-g", gop, "-keyint_min", gop, "-sc_threshold", "0", "-threads", "1",
        "-pix_fmt", "yuv420p",
        "-movflags", "+faststart", "-f", "mp4", str(target),
    ]


def clip_argv(
    source: Path, target: Path, *, start: float, end: float, grade: Grade | None = None
) -> list[str]:
    """The window `[start, end)` of `source` as a playable mp4 (H.264 + AAC), graded.

    `-ss` before `-i` seeks to the keyframe and then decodes (and drops) up to `start`,
    so the cut is frame-accurate; `-t` bounds it, so audio and video end together. The
    audio is optional (`0:a:0?`): a silent upload gives a silent clip.
    """
    chain = grade_filter(grade)
    return [
        ffmpeg_executable(), "-hide_banner", "-v", "error", "-y",
        "-ss", f"{start:.6f}", "-i", str(source), "-t", f"{max(0.0, end - start):.6f}",
        "-map", "0:v:0", "-map", "0:a:0?",
        *(["-vf", chain] if chain else []),
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "160k",
        "-movflags", "+faststart", "-f", "mp4", str(target),
    ]
