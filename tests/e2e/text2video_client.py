"""A doc 004 client for the end-to-end and fault tests, plus checks on what it downloads.

It drives the API exactly as the doc's curl/Python examples do (POST, poll status, GET
download) and remembers every status it saw, so tests can assert that progress only moved
forward through the documented stages.
"""

from __future__ import annotations

import asyncio
import io
import time
import wave
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import httpx
import numpy as np

DOCUMENTED_PROGRESS = {0, 20, 40, 60, 80, 90, 100}
STATUSES = {"queued", "processing", "completed", "failed"}


@dataclass
class Job:
    id: str
    seen: list[dict[str, Any]] = field(default_factory=list)

    @property
    def progress(self) -> list[int]:
        return [s["progress"] for s in self.seen]

    @property
    def last(self) -> dict[str, Any]:
        return self.seen[-1]


async def start_job(api: httpx.AsyncClient, text: str) -> Job:
    response = await api.post("/generate", json={"text": text})
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "queued"
    assert body["message"] == "Video generation started"
    return Job(body["job_id"])


async def poll(api: httpx.AsyncClient, job: Job, every: float = 0.25, within: float = 300) -> Job:
    """Poll as the doc's Python example does, until completed or failed."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        response = await api.get(f"/status/{job.id}")
        assert response.status_code == 200, response.text
        status = response.json()
        job.seen.append(status)
        if status["status"] in ("completed", "failed"):
            return job
        await asyncio.sleep(every)
    raise AssertionError(f"job {job.id} still {job.last} after {within}s")


def assert_well_formed_progress(job: Job) -> None:
    for status in job.seen:
        # doc 004's fields, and VideoGen's additive ones (docs/jobs-api.md)
        # `quality`: the quality report, once the video is done (docs/jobs-api.md).
        assert set(status) - {"quality"} == {"status", "progress", "message", "created_at",
                                             "logs", "stage", "project_id", "kind"}
        assert status["status"] in STATUSES
        assert status["progress"] in DOCUMENTED_PROGRESS, status
        assert isinstance(status["created_at"], int)
        assert all(isinstance(line, str) for line in status["logs"])
    assert job.progress == sorted(job.progress), f"progress went backwards: {job.progress}"
    logs = [len(s["logs"]) for s in job.seen]
    assert logs == sorted(logs), "log lines disappeared"


@dataclass(frozen=True)
class Decoded:
    width: int
    height: int
    fps: Fraction
    video_codec: str
    audio_codec: str
    duration_s: float


def decode(data: bytes) -> Decoded:
    """Probe the mp4 with PyAV (the imageio ffmpeg wheel has no ffprobe)."""
    container: Any = av.open(io.BytesIO(data))
    with container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        # Decode every audio frame: the real length, not what a header claims.
        audio_end = 0.0
        for frame in container.decode(audio):
            audio_end = float(frame.pts * frame.time_base) + frame.samples / frame.sample_rate
        video_end = float(video.duration * video.time_base) if video.duration else 0.0
        return Decoded(
            width=video.codec_context.width,
            height=video.codec_context.height,
            fps=Fraction(video.average_rate),
            video_codec=video.codec_context.name,
            audio_codec=audio.codec_context.name,
            duration_s=max(audio_end, video_end),
        )


def frames_at(data: bytes, seconds: list[float]) -> list[np.ndarray[Any, Any]]:
    """RGB frames at (just after) the given times."""
    wanted = sorted(seconds)
    found: list[np.ndarray[Any, Any]] = []
    container: Any = av.open(io.BytesIO(data))
    with container:
        for frame in container.decode(video=0):
            if not wanted:
                break
            if frame.time is not None and frame.time >= wanted[0]:
                found.append(frame.to_ndarray(format="rgb24"))
                wanted.pop(0)
    return found


def narration_seconds(blob_root: Path, job_id: str) -> list[float]:
    """Each sentence's narration length, measured from the stored wav files."""
    lengths = []
    for path in sorted((blob_root / "narration" / job_id).glob("*.wav")):
        with wave.open(str(path)) as wav:
            lengths.append(wav.getnframes() / wav.getframerate())
    return lengths
