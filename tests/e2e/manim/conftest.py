"""What every Manim e2e test (doc 003) stands on: one offline stack for the package, an
httpx client on it, polling of tasks and agent jobs as doc 003's clients do, and the
measures taken on what they download (PyAV decodes; numpy measures pixels and samples).

- `stack`: tests/e2e/conftest.py's shared stack (its default configuration is this
  package's: offline, no OPENAI_* variables, so the offline Manim writer writes the plans
  and the code); one stack start less per worker than a package stack of its own. Each test
  opens its own sessions and projects (uuid-suffixed), so tests never see each other's.
  A module that needs other settings (the fix loop's fake model) starts a stack of its own
  with `stack_factory`.
- `api`: an httpx client on the stack's base URL (paths start with `/api/v1/...`).
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import httpx
import numpy as np
import numpy.typing as npt
import pytest
from videogen_local.stack import Stack

from tests.conftest import StackFactory, stacks

# The editor's checks of an answer: this package's tests use them as they are.
from tests.e2e.editor.conftest import ok as ok
from tests.e2e.editor.conftest import problem as problem
from tests.e2e.studio_scripts_client import SseMessage, sse_messages

GENERATE = "/api/v1/video-generation/generate"
EDIT_SCENE = "/api/v1/video-generation/edit-scene"
TASKS = "/api/v1/video-generation/tasks"
AGENTS = "/api/v1/video/agents"
TASK_STATUSES = {"queued", "progress", "completed", "failed", "cancelled"}
TASK_ENDED = {"completed", "failed", "cancelled"}
JOB_STATES = {"pending": "PENDING", "running": "STARTED", "completed": "SUCCESS",
              "failed": "FAILURE"}
# A 3-scene task at low quality with narration, on a loaded 2-core machine.
TASK_WAIT = 150.0
JOB_WAIT = 90.0


@pytest.fixture(scope="package")
def stack_factory(
    pg_url: str, nats_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StackFactory]:
    with stacks(pg_url, nats_url, tmp_path_factory) as factory:
        yield factory


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=120) as client:
        yield client


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


# ---- polling, as the doc's clients do ------------------------------------------------


async def wait_task(
    api: httpx.AsyncClient, task_id: str, within: float = TASK_WAIT
) -> list[dict[str, Any]]:
    """Poll `GET /tasks/{id}/status` until the task ends; every status seen, in order."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        status: dict[str, Any] = ok(await api.get(f"{TASKS}/{task_id}/status"))
        assert status["status"] in TASK_STATUSES, status
        seen.append(status)
        if status["status"] in TASK_ENDED:
            return seen
        await asyncio.sleep(0.4)
    raise AssertionError(f"task {task_id} not finished after {within}s: {seen[-1]}")


async def wait_job(
    api: httpx.AsyncClient, job_id: str, within: float = JOB_WAIT
) -> dict[str, Any]:
    """Poll `GET /agents/jobs/{id}` until the job is completed or failed."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        job: dict[str, Any] = ok(await api.get(f"{AGENTS}/jobs/{job_id}"))
        assert job["job_id"] == job_id, job
        assert JOB_STATES[job["status"]] == job["state"], job
        if job["status"] in ("completed", "failed"):
            return job
        await asyncio.sleep(0.3)
    raise AssertionError(f"job {job_id} not finished after {within}s")


async def agent(api: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST an agent call (answered `{job_id, state: PENDING, meta}`), then its finished job."""
    started = ok(await api.post(f"{AGENTS}/{path}", json=body))
    assert started["state"] == "PENDING", started
    assert started["job_id"], started
    assert isinstance(started["meta"], dict), started
    return await wait_job(api, started["job_id"])


async def download(api: httpx.AsyncClient, url: str, to: Path) -> Path:
    response = await api.get(url)
    assert response.status_code == 200, f"GET {url}: {response.status_code} {response.text}"
    await asyncio.to_thread(to.write_bytes, response.content)
    return to


async def read_feed(
    api: httpx.AsyncClient, path: str, *, until: Callable[[SseMessage], bool],
    last_event_id: int | None = None, connected: asyncio.Event | None = None,
) -> list[SseMessage]:
    """An SSE feed's messages (heartbeats left out) up to `until(message)` or the feed's
    end; `connected` is set once the feed's first message (`connected`) has arrived."""
    headers = {} if last_event_id is None else {"Last-Event-ID": str(last_event_id)}
    got: list[SseMessage] = []
    async with api.stream("GET", path, headers=headers) as response:
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        async for message in sse_messages(response):
            if not isinstance(message, SseMessage):
                continue
            got.append(message)
            if connected is not None:
                connected.set()
            if until(message):
                break
    return got


def blob_path(stack: Stack, key: str) -> Path:
    return Path(stack.env["VIDEOGEN_DATA_DIR"]) / "blobs" / key


# ---- measures of what was downloaded -------------------------------------------------


@dataclass(frozen=True)
class Decoded:
    """A video decoded whole: its frames' times, its audio's sample runs."""

    width: int
    height: int
    fps: float
    frame_times: list[float]
    # (start seconds, samples) of each decoded audio frame, and the rate; empty: no audio.
    audio_runs: list[tuple[float, int]]
    sample_rate: int

    @property
    def duration(self) -> float:
        """The video's duration: the last frame's time plus one frame."""
        return self.frame_times[-1] + 1 / self.fps

    @property
    def audio_duration(self) -> float:
        return sum(n for _, n in self.audio_runs) / self.sample_rate


def decode(path: Path) -> Decoded:
    """Every frame and audio frame of `path` (an mp4 with an H.264 video stream)."""
    with av.open(str(path)) as container:
        assert container.streams.video, f"{path}: no video stream"
        video = container.streams.video[0]
        rate = video.average_rate or video.guessed_rate
        assert rate, f"{path}: no frame rate"
        frame_times = [f.time for f in container.decode(video) if f.time is not None]
    audio_runs: list[tuple[float, int]] = []
    sample_rate = 0
    with av.open(str(path)) as container:
        if container.streams.audio:
            stream = container.streams.audio[0]
            sample_rate = stream.codec_context.sample_rate
            audio_runs = [(float(f.time or 0.0), f.samples) for f in container.decode(stream)]
    assert frame_times, f"{path}: no decodable frame"
    return Decoded(video.codec_context.width, video.codec_context.height, float(rate),
                   frame_times, audio_runs, sample_rate)


def audio_gaps(decoded: Decoded) -> list[tuple[float, float]]:
    """(at, seconds) of every hole between consecutive audio frames longer than 1 ms."""
    gaps = []
    for (start, samples), (after, _) in zip(decoded.audio_runs, decoded.audio_runs[1:],
                                            strict=False):
        end = start + samples / decoded.sample_rate
        if after - end > 1e-3:
            gaps.append((end, after - end))
    return gaps


def frames_between(path: Path, start: float, end: float, count: int = 5) -> npt.NDArray[Any]:
    """`count` RGB frames (float, 0..255) spread evenly over [start, end) of `path`."""
    wanted = [start + (end - start) * (i + 0.5) / count for i in range(count)]
    picked: list[npt.NDArray[Any]] = []
    with av.open(str(path)) as container:
        for frame in container.decode(container.streams.video[0]):
            if frame.time is None:
                continue
            while wanted and frame.time >= wanted[0] - 1e-6:
                picked.append(frame.to_ndarray(format="rgb24").astype(np.float64))
                wanted.pop(0)
            if not wanted:
                break
    assert len(picked) == count, f"{path}: {len(picked)} of {count} frames in [{start}, {end})"
    return np.stack(picked)


def mean_abs_diff(a: npt.NDArray[Any], b: npt.NDArray[Any]) -> float:
    return float(np.abs(a - b).mean())


def colorfulness(frames: npt.NDArray[Any]) -> float:
    """Hasler and Süsstrunk's colourfulness of RGB frames (0 for greys, ~100 for vivid)."""
    r, g, b = frames[..., 0], frames[..., 1], frames[..., 2]
    rg, yb = r - g, (r + g) / 2 - b
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


def not_blank(frames: npt.NDArray[Any]) -> bool:
    """Something is drawn: the frames are not one flat colour."""
    return bool(frames.std(axis=(1, 2, 3)).min() > 3.0)


# ---- subtitles -----------------------------------------------------------------------

_CUE = re.compile(
    r"(\d+)\s*\n(\d\d):(\d\d):(\d\d)[,.](\d{3}) --> (\d\d):(\d\d):(\d\d)[,.](\d{3})\s*\n(.*?)"
    r"(?:\n\s*\n|\Z)", re.S,
)


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def parse_srt(text: str) -> list[Cue]:
    """The cues of an SRT file, in file order (numbered 1..n, times well formed)."""
    body = text.replace("\r\n", "\n").strip() + "\n"
    cues, numbers = [], []
    for m in _CUE.finditer(body):
        g = m.groups()
        numbers.append(int(g[0]))
        start = int(g[1]) * 3600 + int(g[2]) * 60 + int(g[3]) + int(g[4]) / 1000
        end = int(g[5]) * 3600 + int(g[6]) * 60 + int(g[7]) + int(g[8]) / 1000
        cues.append(Cue(start, end, " ".join(g[9].split())))
    assert numbers == list(range(1, len(numbers) + 1)), f"cues numbered {numbers}: {text!r}"
    assert all(c.start < c.end for c in cues), cues
    return cues


def audio_rms(path: Path, start: float, end: float) -> float:
    """The RMS (full scale 1.0) of the first audio stream's samples in [start, end)."""
    chunks: list[npt.NDArray[Any]] = []
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        for frame in container.decode(stream):
            t = float(frame.time or 0.0)
            raw = frame.to_ndarray()
            # AAC decodes to floats in -1..1; integer PCM is scaled to the same range.
            scale = 1.0 if raw.dtype.kind == "f" else float(np.iinfo(raw.dtype).max)
            samples = raw.astype(np.float64) / scale
            # channels x samples, whether the decoder's layout is planar or packed
            samples = (samples.reshape(-1, frame.samples) if frame.format.is_planar
                       else samples.reshape(frame.samples, -1).T)
            times = t + np.arange(frame.samples) / frame.sample_rate
            chunks.append(samples[:, (times >= start) & (times < end)])
    joined = np.concatenate(chunks, axis=1)
    assert joined.size, f"{path}: no audio in [{start}, {end})"
    return float(np.sqrt(np.mean(joined**2)))
