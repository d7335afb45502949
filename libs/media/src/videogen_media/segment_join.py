"""Segments joined end to end by stream copy, under one soundtrack: no re-encode.

Why a copy is frame-exact: every segment holds an exact number of frames of 1/fps and
begins with an IDR frame of its own (x264's GOPs are closed), so the concat demuxer lays
each one at the sum of the durations before it, and the joined file is one continuous
timeline with a keyframe at each join. That holds only if the segments were encoded with
identical parameters: the first segment's codec configuration (its SPS/PPS) is the one
the output declares, so a segment encoded differently would decode wrong. The join
checks that first and refuses, naming the segment, rather than write a broken file.

The soundtrack (AAC, made for the whole timeline) is copied as it is, after the video.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import av

from videogen_media.ffmpeg import run_ffmpeg
from videogen_media.ffmpeg_path import ffmpeg_executable


class SegmentsMismatch(ValueError):
    """Segments that cannot be joined by copy (named in the message)."""


@dataclass(frozen=True, slots=True)
class _Stream:
    codec: str
    width: int
    height: int
    rate: str
    extradata: bytes
    frames: int
    has_audio: bool


def _describe(path: Path) -> _Stream:
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise SegmentsMismatch(f"{path.name}: no video stream")
            stream = container.streams.video[0]
            ctx = stream.codec_context
            return _Stream(
                ctx.name,
                ctx.width,
                ctx.height,
                str(stream.average_rate),
                bytes(ctx.extradata or b""),
                stream.frames,
                bool(container.streams.audio),
            )
    except av.error.FFmpegError as exc:
        raise SegmentsMismatch(f"{path.name}: not a media file ({exc})") from exc


def check_segments(segments: Sequence[Path], soundtrack: Path | None = None) -> None:
    """Raise SegmentsMismatch unless the segments (and soundtrack) can be joined by copy."""
    if not segments:
        raise SegmentsMismatch("a join needs at least one segment")
    if soundtrack is not None and not soundtrack.is_file():
        raise SegmentsMismatch(f"soundtrack {soundtrack} does not exist")
    for path in segments:
        if not path.is_file():
            raise SegmentsMismatch(f"{path} does not exist")
    first, *rest = [_describe(p) for p in segments]
    for path, other in zip(segments[1:], rest, strict=True):
        for name in ("codec", "width", "height", "rate", "extradata"):
            if getattr(other, name) != getattr(first, name):
                raise SegmentsMismatch(
                    f"{path.name}: its {name} differs from {segments[0].name}'s; segments of one"
                    " video must be encoded with the same settings"
                )


def concat_list(segments: Sequence[Path]) -> str:
    """The concat demuxer's script (paths quoted its way)."""
    lines = ["ffconcat version 1.0"]
    for path in segments:
        quoted = str(path.resolve()).replace("'", "'\\''")
        lines.append(f"file '{quoted}'")
    return "\n".join(lines) + "\n"


async def join_segments(
    segments: Sequence[Path],
    soundtrack: Path | None,
    output: Path,
    *,
    ffmpeg_exe: str | None = None,
) -> None:
    """Concatenate `segments` by stream copy, with `soundtrack` copied in, moov up front.

    Writes atomically: `output` appears whole or not at all.
    """
    await asyncio.to_thread(check_segments, segments, soundtrack)
    exe = ffmpeg_exe or ffmpeg_executable()
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.stem}.tmp-{uuid.uuid4().hex}{output.suffix}")
    with tempfile.TemporaryDirectory(prefix="vg-join-") as scratch:
        listing = Path(scratch) / "segments.ffconcat"
        listing.write_text(concat_list(segments), encoding="utf-8")
        argv = [
            exe,
            "-hide_banner",
            "-y",
            "-loglevel",
            "error",
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(listing),
        ]
        maps = ["-map", "0:v:0"]
        if soundtrack is not None:
            argv += ["-i", str(soundtrack)]
            maps += ["-map", "1:a:0"]
        fmt = "webm" if output.suffix.lower() == ".webm" else "mp4"
        argv += [*maps, "-c", "copy", "-movflags", "+faststart", "-f", fmt, str(partial)]
        try:
            await run_ffmpeg(argv)
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)
