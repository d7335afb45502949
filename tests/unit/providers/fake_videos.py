"""A local fake of an OpenAI-compatible video generation API (`/v1/videos`).

A generation is created by `POST /v1/videos`, answers `in_progress` to the first
`polls_before_done` polls of `GET /v1/videos/{id}`, then `completed` (or `failed`, when
`fail_with` is set), and `GET /v1/videos/{id}/content` serves `content`. Faults are
scripted per endpoint ("create", "poll", "content"): each request takes the next one
queued for its endpoint (an HTTP error with headers, a malformed body, or a delay), and
answers normally when none is left.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from videogen_media.ffmpeg_path import locate_ffmpeg

from tests.unit.providers.vendor_fakes import FakeServer, Reply, Request, serve

Endpoint = Literal["create", "poll", "content"]
# Enough of an ISO media file for the client's check (`ftyp` at bytes 4..8).
FAKE_MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def solid_mp4(out: Path, colour: str = "red", seconds: int = 4) -> bytes:
    """A clip a model could have made: one colour, at an offered size (1280x720)."""
    subprocess.run(
        [locate_ffmpeg().path, "-v", "error", "-y", "-f", "lavfi",
         "-i", f"color=c={colour}:s=1280x720:r=25:d={seconds}", "-c:v", "libx264",
         "-pix_fmt", "yuv420p", str(out)], check=True, timeout=120,
    )
    return out.read_bytes()


@dataclass
class Fault:
    reply: Reply | None = None  # answered instead of the real answer
    delay: float = 0.0  # seconds slept before answering (a slow vendor)


def http_error(status: int, **headers: str) -> Fault:
    body = json.dumps({"error": {"message": f"fake failure {status}", "type": "fake"}})
    named = {name.replace("_", "-"): value for name, value in headers.items()}
    return Fault(Reply(status, body.encode(), headers=named))


def malformed(body: bytes = b"{not json") -> Fault:
    return Fault(Reply(200, body))


@dataclass
class FakeVideos:
    content: bytes = FAKE_MP4
    polls_before_done: int = 1
    fail_with: str | None = None
    faults: dict[str, deque[Fault]] = field(default_factory=lambda: defaultdict(deque))
    created: list[dict[str, object]] = field(default_factory=list)
    server: FakeServer | None = None
    _polls: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"{self.server.url}/v1"

    @property
    def requests(self) -> list[Request]:
        assert self.server is not None
        return self.server.requests

    def script(self, endpoint: Endpoint, *faults: Fault) -> None:
        self.faults[endpoint].extend(faults)

    def route(self, request: Request) -> Reply:
        endpoint, video_id = _endpoint_of(request)
        if endpoint is None:
            return Reply.json({"error": {"message": "not found"}}, 404)
        with self._lock:
            fault = self.faults[endpoint].popleft() if self.faults[endpoint] else None
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if fault is not None and fault.reply is not None:
            return fault.reply
        if endpoint == "create":
            return self._create(json.loads(request.body))
        if video_id not in self._polls:
            return Reply.json({"error": {"message": f"no video {video_id}"}}, 404)
        if endpoint == "poll":
            return self._poll(video_id)
        return Reply(200, self.content, content_type="video/mp4")

    def _create(self, body: dict[str, object]) -> Reply:
        with self._lock:
            video_id = f"video_{len(self.created) + 1}"
            self.created.append(body)
            self._polls[video_id] = 0
        return Reply.json(_video(video_id, body, "queued"))

    def _poll(self, video_id: str) -> Reply:
        with self._lock:
            self._polls[video_id] += 1
            done = self._polls[video_id] > self.polls_before_done
        body = self.created[int(video_id.split("_")[1]) - 1]
        if not done:
            return Reply.json(_video(video_id, body, "in_progress"))
        if self.fail_with is not None:
            failed = _video(video_id, body, "failed")
            failed["error"] = {"code": "generation_failed", "message": self.fail_with}
            return Reply.json(failed)
        return Reply.json(_video(video_id, body, "completed"))


def _endpoint_of(request: Request) -> tuple[Endpoint | None, str]:
    if request.method == "POST" and request.path == "/v1/videos":
        return "create", ""
    match = re.fullmatch(r"/v1/videos/([\w-]+)(/content)?(\?.*)?", request.path)
    if request.method != "GET" or match is None:
        return None, ""
    return ("content" if match.group(2) else "poll"), match.group(1)


def _video(video_id: str, body: dict[str, object], status: str) -> dict[str, object]:
    return {
        "id": video_id, "object": "video", "model": body.get("model"), "status": status,
        "progress": 100 if status == "completed" else 10, "created_at": 1_700_000_000,
        "completed_at": 1_700_000_060 if status == "completed" else None,
        "seconds": body.get("seconds"), "size": body.get("size"), "error": None,
    }


@contextmanager
def fake_videos(videos: FakeVideos | None = None) -> Iterator[FakeVideos]:
    fake = videos or FakeVideos()
    with serve(fake.route) as server:
        fake.server = server
        yield fake
