"""Preview frames: JPEGs of a video at given times, scaled down, optionally graded.

Blocking (PyAV decodes in the calling thread): run it in a worker thread.

Why it is fast enough on H.264 with long GOPs: a frame at T can only be decoded from the
keyframe before T, so the cost is the GOP, not the seek. Editors therefore read a
short-GOP, low-resolution *proxy* of each upload (`clip_render.proxy_argv`: 640 px,
a keyframe every half second), where a frame costs a handful of small decodes; the
original is read (the same way) only until its proxy exists. Several frames are read
in one forward pass, guided by the file's keyframe index (`keyframe_times`, packets
demuxed without decoding, cached per file): the decoder seeks only when a keyframe lies
between the frame it holds and the next target, so it never decodes a frame twice and
never decodes more than it would by seeking.

Times are seconds from the start of the file's video stream (its first frame is 0),
which is what a proxy keeps too (it copies every frame with its timestamp).
"""

from __future__ import annotations

import bisect
import io
import math
import os
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import av
import numpy as np
import numpy.typing as npt
from av.container import InputContainer
from av.video.frame import VideoFrame
from av.video.stream import VideoStream
from PIL import Image

from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.grading import Grade, grade_filter

JPEG_QUALITY = 82
EPSILON = 1e-4
T = TypeVar("T")


class NoFrame(RuntimeError):
    """The file has no video, or no frame at that time."""


@dataclass(frozen=True, slots=True)
class VideoFacts:
    fps: float
    duration: float
    width: int
    height: int
    # The container, as ffmpeg names it ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm").
    format_name: str


def video_facts(path: Path) -> VideoFacts:
    """Frame rate, duration and size of a file's first video stream (cached per file)."""
    stat = os.stat(path)
    return _video_facts(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _video_facts(path: str, _mtime_ns: int, _size: int) -> VideoFacts:
    with av.open(path) as container:
        stream = _video_stream(container, path)
        rate = stream.average_rate or stream.guessed_rate
        duration = (
            float(stream.duration * stream.time_base)
            if stream.duration is not None and stream.time_base is not None
            else (container.duration or 0) / av.time_base
        )
        return VideoFacts(
            float(rate) if rate else 25.0, duration, stream.width, stream.height,
            container.format.name,
        )


def keyframe_times(path: Path) -> tuple[float, ...]:
    """The times of a file's video keyframes, in order (cached per file)."""
    stat = os.stat(path)
    return _keyframe_times(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _keyframe_times(path: str, _mtime_ns: int, _size: int) -> tuple[float, ...]:
    with av.open(path) as container:
        stream = _video_stream(container, path)
        assert stream.time_base is not None
        start = stream.start_time or 0
        return tuple(sorted(
            float((packet.pts - start) * stream.time_base) for packet in container.demux(stream)
            if packet.is_keyframe and packet.pts is not None
        ))


def frame_index(ts: float, fps: float) -> int:
    """The frame showing at `ts` (the last one that starts at or before it)."""
    return max(0, math.floor(ts * fps + EPSILON))


def scaled_size(width: int, height: int, max_width: int) -> tuple[int, int]:
    """At most `max_width` wide, the aspect kept, both even (what encoders and JPEG like)."""
    out_w = max(2, min(width, max_width) // 2 * 2)
    return out_w, max(2, round(height * out_w / width / 2) * 2)


def grab_jpegs(
    path: Path, times: Sequence[float], *, max_width: int, grade: Grade | None = None
) -> list[bytes]:
    """One JPEG per time (in the order given), decoded in one forward pass over the file."""
    return _decoded_at(path, times, lambda stream: _Picture(stream, max_width, grade).jpeg)


def grab_rgb(path: Path, times: Sequence[float]) -> list[npt.NDArray[np.uint8]]:
    """The frame at each time (in the order given) as full-size RGB arrays (height, width, 3),
    in one forward pass: what measures (the variant scorer) read, never lossy JPEGs."""
    return _decoded_at(path, times, lambda _: _rgb)


def _rgb(frame: VideoFrame) -> npt.NDArray[np.uint8]:
    return np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)


def _decoded_at(
    path: Path, times: Sequence[float],
    converter: Callable[[VideoStream], Callable[[VideoFrame], T]],
) -> list[T]:
    if not times:
        return []
    with av.open(str(path)) as container:
        stream = _video_stream(container, str(path))
        # One frame needs no index: it is one seek whatever the GOP.
        keyframes = keyframe_times(path) if len(set(times)) > 1 else ()
        reader = _ForwardReader(container, stream, keyframes)
        convert = converter(stream)
        by_time = {ts: convert(reader.frame_at(ts)) for ts in sorted(set(times))}
        return [by_time[ts] for ts in times]


def grab_jpeg(
    path: Path, ts: float, *, max_width: int, grade: Grade | None = None
) -> bytes:
    return grab_jpegs(path, [ts], max_width=max_width, grade=grade)[0]


def _video_stream(container: InputContainer, path: str) -> VideoStream:
    if not container.streams.video:
        raise NoFrame(f"{path}: no video stream")
    return container.streams.video[0]


class _ForwardReader:
    """The frame at each of a rising series of times: decodes on, or seeks past a keyframe."""

    def __init__(
        self, container: InputContainer, stream: VideoStream, keyframes: Sequence[float]
    ) -> None:
        self._container, self._stream, self._keyframes = container, stream, keyframes
        assert stream.time_base is not None
        self._time_base = stream.time_base
        self._start = float(stream.start_time * stream.time_base) if stream.start_time else 0.0
        rate = stream.average_rate or stream.guessed_rate
        # The frame showing at ts starts at or before it and ends after it (rounding kept
        # out by EPSILON: 0.3 s at 10 fps is frame 3, not the end of frame 2).
        self._frame_duration = 1 / float(rate) if rate else 0.04
        self._frames: Iterator[VideoFrame] | None = None
        self._current: VideoFrame | None = None

    def _time(self, frame: VideoFrame) -> float:
        return (frame.time or 0.0) - self._start

    def _keyframe_between(self, held: float, ts: float) -> bool:
        # Seeking to ts restarts at the last keyframe before it: worth it only when that
        # keyframe is after the frame held (else decoding on is the same work, or less).
        after = bisect.bisect_right(self._keyframes, held + EPSILON)
        return after < len(self._keyframes) and self._keyframes[after] <= ts + EPSILON

    def _seek(self, ts: float) -> None:
        target = int((ts + self._start) / self._time_base)
        # backward=True lands on the keyframe at or before the target; the decoder is
        # flushed, so nothing decoded before the seek is mistaken for what follows it.
        self._container.seek(max(0, target), stream=self._stream, backward=True)
        self._frames = self._container.decode(self._stream)
        self._current = None

    def frame_at(self, ts: float) -> VideoFrame:
        current = self._current
        if current is None or self._keyframe_between(self._time(current), ts):
            self._seek(ts)
        assert self._frames is not None
        while (
            self._current is None
            or self._time(self._current) + self._frame_duration <= ts + EPSILON
        ):
            frame = next(self._frames, None)
            if frame is None:  # past the last frame: the last one shows
                break
            self._current = frame
        if self._current is None:
            raise NoFrame(f"no frame at {ts:.3f}s")
        return self._current


class _Picture:
    """Decoded frames → scaled (and graded) JPEGs.

    A grade runs in the ffmpeg binary, on the scaled frame piped in raw: the same filters
    (`grading.grade_filter`) an export runs, on the same pixel format, so the preview
    shows what the export will. (PyAV's own libavfilter lacks the GPL `eq` filter.) The
    process costs tens of milliseconds; an ungraded frame never starts one.
    """

    def __init__(self, stream: VideoStream, max_width: int, grade: Grade | None) -> None:
        self._size = scaled_size(stream.width, stream.height, max_width)
        self._chain = grade_filter(grade)

    def jpeg(self, frame: VideoFrame) -> bytes:
        width, height = self._size
        if self._chain is None:
            rgb = frame.reformat(width=width, height=height, format="rgb24")
            out = io.BytesIO()
            Image.fromarray(rgb.to_ndarray()).save(out, format="JPEG", quality=JPEG_QUALITY)
            return out.getvalue()
        yuv = frame.reformat(width=width, height=height, format="yuv420p")
        return subprocess.run(
            [ffmpeg_executable(), "-hide_banner", "-v", "error", "-nostdin",
             "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{width}x{height}", "-i", "pipe:0",
             "-vf", self._chain, "-frames:v", "1", "-f", "image2pipe", "-c:v", "mjpeg",
             "-q:v", "3", "pipe:1"],
            input=yuv.to_ndarray().tobytes(), capture_output=True, check=True,
        ).stdout
