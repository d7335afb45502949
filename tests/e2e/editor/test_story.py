"""Issue 10's story, with curl, as written: create a project, get an upload URL, PUT a clip,
see it on the timeline, grab a frame, split, trim, grade, export as mp4, and download a
file that plays with the edits.

Real curl in a subprocess against the whole stack, so nothing of httpx's helps it along;
the download is decoded with PyAV: its duration is the sum of the active segments, it has
its video and audio streams, and the graded part is grey while the rest is in colour.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from PIL import Image
from videogen_local.stack import Stack

from .conftest import CLIP_SIZE

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="no curl")

EXPORT_WAIT = 180.0


class Curl:
    def __init__(self, base_url: str, folder: Path) -> None:
        self.base_url, self.folder = base_url, folder

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def run(self, *args: str) -> bytes:
        done = subprocess.run(["curl", "-sS", "--fail-with-body", *args], capture_output=True,
                              timeout=120, check=False)
        assert done.returncode == 0, (args, done.returncode, done.stdout, done.stderr)
        return done.stdout

    def json(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = ["-H", "Content-Type: application/json", "-d", json.dumps(body)] if body else []
        return json.loads(self.run("-X", method, *data, self.url(path)))

    def download(self, path: str, name: str) -> Path:
        out = self.folder / name
        self.run("-o", str(out), self.url(path))
        return out


def chroma_spread(frame: np.ndarray[Any, Any]) -> float:
    """How far from grey an RGB frame is: the mean spread between its channels."""
    rgb = frame.astype(np.int32)
    return float(np.mean(rgb.max(axis=2) - rgb.min(axis=2)))


def frame_at(path: Path, seconds: float) -> np.ndarray[Any, Any]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            if frame.time is not None and frame.time >= seconds:
                return frame.to_ndarray(format="rgb24")
    raise AssertionError(f"no frame at {seconds}s")


def test_the_curl_story(stack: Stack, clip: Path, tmp_path: Path) -> None:
    curl = Curl(stack.base_url, tmp_path)

    # Create a project, get an upload URL, PUT a clip.
    project = curl.json("POST", "/api/project", {"name": "The curl story"})
    pid = project["id"]
    ticket = curl.json("POST", f"/api/project/{pid}/upload",
                       {"file_name": "clip.mp4", "content_type": "video/mp4"})
    stored = json.loads(curl.run("-X", "PUT", "-H", "Content-Type: video/mp4",
                                 "--upload-file", str(clip), ticket["upload_url"]))
    assert stored["asset_id"] == ticket["asset_id"]

    # See it on the timeline.
    (segment,) = curl.json("GET", f"/api/project/{pid}")["timeline"]
    assert segment["active"] is True
    assert segment["end_ts"] == pytest.approx(10.0, abs=0.1)

    # Grab a frame.
    frame = curl.json("POST", f"/api/project/{pid}/preview/frame", {"ts": 2.0})
    assert frame["timestamp"] == 2.0
    jpeg = Image.open(io.BytesIO(curl.run(curl.url(frame["frame_url"]))))
    assert jpeg.format == "JPEG"
    assert jpeg.size[0] <= CLIP_SIZE[0]

    # Split at 4 s, trim the right half to 5-8 s, grade the left half grey.
    halves = curl.json("POST", f"/api/segment/{segment['id']}/split", {"split_ts": 4.0})
    left, right = halves["left"], halves["right"]
    assert (left["start_ts"], left["end_ts"], right["start_ts"]) == (0.0, 4.0, 4.0)
    trimmed = curl.json("POST", f"/api/segment/{right['id']}/trim",
                        {"new_start_ts": 5.0, "new_end_ts": 8.0})
    assert (trimmed["start_ts"], trimmed["end_ts"]) == (5.0, 8.0)
    graded = curl.json("POST", f"/api/segment/{left['id']}/color-grade", {"saturation": 0.0})
    assert graded["graded_url"]
    timeline = curl.json("GET", f"/api/project/{pid}")["timeline"]
    playing = [s for s in timeline if s["active"]]
    assert [(s["source"], s["start_ts"], s["end_ts"]) for s in playing] == [
        ("graded", 0.0, 4.0), ("upload", 5.0, 8.0)]
    assert len(timeline) > len(playing)  # the originals stay in the history

    # Export as mp4, and wait for it.
    job = curl.json("POST", "/api/export", {"project_id": pid, "format": "mp4"})
    assert job["status"] == "pending"
    deadline = time.monotonic() + EXPORT_WAIT
    status = curl.json("GET", f"/api/export/{job['export_job_id']}")
    while status["status"] in ("pending", "running") and time.monotonic() < deadline:
        time.sleep(0.5)
        status = curl.json("GET", f"/api/export/{job['export_job_id']}")
    assert status["status"] == "completed", status

    # Download a file that plays with the edits.
    out = curl.download(status["download_url"], "story.mp4")
    with av.open(str(out)) as container:
        kinds = {s.type for s in container.streams}
        assert {"video", "audio"} <= kinds
        assert container.duration is not None
        assert container.duration / 1e6 == pytest.approx(4.0 + 3.0, abs=0.1)
    assert chroma_spread(frame_at(out, 1.0)) < 6  # graded: saturation 0
    assert chroma_spread(frame_at(out, 5.5)) > 20  # the test pattern, in colour
