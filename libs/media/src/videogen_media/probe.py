"""Probe media files with PyAV (the imageio ffmpeg wheel ships no ffprobe)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt


class ProbeFailed(RuntimeError):
    """The file could not be opened or decoded as media."""


@dataclass(frozen=True, slots=True)
class VideoStreamInfo:
    width: int
    height: int
    fps: float
    codec: str


@dataclass(frozen=True, slots=True)
class AudioStreamInfo:
    codec: str
    sample_rate: int
    channels: int


@dataclass(frozen=True, slots=True)
class MediaInfo:
    duration: float
    format_name: str
    video: VideoStreamInfo | None
    audio: AudioStreamInfo | None


def probe(path: Path | str) -> MediaInfo:
    """Duration and the first video and audio streams of a file. Blocking: see probe_async."""
    try:
        with av.open(str(path)) as container:
            video = audio = None
            durations: list[float] = []
            if container.duration is not None:
                durations.append(container.duration / av.time_base)
            if container.streams.video:
                vs = container.streams.video[0]
                rate = vs.average_rate or vs.guessed_rate
                video = VideoStreamInfo(
                    vs.codec_context.width, vs.codec_context.height, float(rate) if rate else 0.0,
                    vs.codec_context.name,
                )
            if container.streams.audio:
                aus = container.streams.audio[0]
                audio = AudioStreamInfo(
                    aus.codec_context.name, aus.codec_context.sample_rate,
                    aus.codec_context.channels,
                )
            for stream in container.streams:
                if stream.duration is not None and stream.time_base is not None:
                    durations.append(float(stream.duration * stream.time_base))
            return MediaInfo(max(durations, default=0.0), container.format.name, video, audio)
    except av.FFmpegError as exc:
        raise ProbeFailed(f"cannot probe {path}: {exc}") from exc


async def probe_async(path: Path | str) -> MediaInfo:
    return await asyncio.to_thread(probe, path)


def frame_at(path: Path | str, t: float) -> npt.NDArray[np.uint8]:
    """The decoded RGB frame showing at time `t` seconds (height x width x 3)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        if stream.time_base is None:
            raise ProbeFailed(f"{path}: video stream has no time base")
        container.seek(int(t / stream.time_base), stream=stream, backward=True)
        chosen = None
        for frame in container.decode(stream):
            if frame.time is not None and frame.time > t + 1e-6 and chosen is not None:
                break
            chosen = frame
        if chosen is None:
            raise ProbeFailed(f"{path}: no frame at {t:.3f}s")
        return np.asarray(chosen.to_ndarray(format="rgb24"), dtype=np.uint8)
