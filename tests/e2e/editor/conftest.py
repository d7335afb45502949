"""What every editor e2e test (doc 002) stands on: a stack, a clip, and an uploaded project.

- `stack`: one whole stack per test module (as tests/conftest.py's), with the editor's
  import options set: `VIDEOGEN_IMPORT_DIR` is `import_dir` (the clip is copied there as
  `clip.mp4`); no URL prefix is allowed.
- `clip`: a 10 s clip this session makes itself with ffmpeg: `testsrc2` at 320x240, 25 fps,
  H.264 with a keyframe every second, and a 440 Hz sine tone in AAC; a few hundred KB.
- `api`: an httpx client on the stack's base URL (paths start with `/api/...`).
- `upload_clip`: the documented flow: `POST /api/project`, `POST /api/project/{id}/upload`,
  `PUT <upload_url>` with the bytes; it returns what each step answered.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from videogen_local.stack import Stack
from videogen_media.ffmpeg_path import locate_ffmpeg

from tests.conftest import stacks

CLIP_SECONDS = 10.0
CLIP_SIZE = (320, 240)
CLIP_FPS = 25
TONE_HZ = 440


def make_clip(path: Path, seconds: float = CLIP_SECONDS, audio: str | None = None) -> Path:
    """A test pattern with a tone (or `audio`, any lavfi audio source, e.g. beeps made with
    `aevalsrc`), H.264 + AAC in mp4."""
    ffmpeg = locate_ffmpeg().path
    assert ffmpeg, "no ffmpeg"
    w, h = CLIP_SIZE
    tone = f"sine=frequency={TONE_HZ}:sample_rate=44100:duration={seconds}"
    subprocess.run(
        [ffmpeg, "-v", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size={w}x{h}:rate={CLIP_FPS}:duration={seconds}",
         "-f", "lavfi", "-i", audio or tone,
         "-c:v", "libx264", "-preset", "veryfast", "-crf", "28", "-pix_fmt", "yuv420p",
         "-g", str(CLIP_FPS), "-c:a", "aac", "-b:a", "64k", "-shortest",
         "-movflags", "+faststart", str(path)],
        check=True, timeout=120,
    )
    return path


@pytest.fixture(scope="session")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("editor-clip") / "clip.mp4")


@pytest.fixture(scope="session")
def clip_bytes(clip: Path) -> bytes:
    return clip.read_bytes()


@pytest.fixture(scope="package")
def import_dir(tmp_path_factory: pytest.TempPathFactory, clip: Path) -> Path:
    folder = tmp_path_factory.mktemp("editor-imports")
    shutil.copy(clip, folder / "clip.mp4")
    return folder


@pytest.fixture(scope="package")
def stack(
    pg_url: str, nats_url: str, tmp_path_factory: pytest.TempPathFactory, import_dir: Path
) -> Iterator[Stack]:
    """One stack for the editor's modules (each test makes its own projects, so they never
    see each other's), stopped after the package's last test: a stack start per module
    saved. A module that needs other settings overrides it with a stack of its own."""
    with stacks(pg_url, nats_url, tmp_path_factory) as started:
        yield started(VIDEOGEN_IMPORT_DIR=str(import_dir))


def blob_root(stack: Stack) -> Path:
    return Path(stack.env["VIDEOGEN_DATA_DIR"]) / "blobs"


def project_blobs(stack: Stack, project_id: str) -> list[Path]:
    """Every file under the project's editor prefix, `editor/<project_id>/`."""
    root = blob_root(stack) / "editor" / project_id
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=120) as client:
        yield client


def ok(response: httpx.Response, status: int = 200) -> Any:
    request = response.request
    assert response.status_code == status, f"{request.method} {request.url}: {response.text}"
    return response.json()


def problem(response: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    """A problem+json error with a detail (and the field to blame, when given)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status, body
    assert body["detail"], body
    if field is not None:
        assert body.get("field") == field, body
    return body


@dataclass(frozen=True)
class Uploaded:
    project_id: str
    asset_id: str
    upload_url: str
    # The answer to the PUT that completed the upload: {asset_id, sha256, segment_id, …}.
    stored: dict[str, Any]
    # GET /api/project/{id} right after: its assets and timeline.
    project: dict[str, Any]

    @property
    def segment_id(self) -> str:
        return str(self.stored["segment_id"])


UploadClip = Callable[..., Awaitable[Uploaded]]


async def upload_to(api: httpx.AsyncClient, project_id: str, data: bytes,
                    file_name: str = "clip.mp4") -> tuple[str, str, dict[str, Any]]:
    """POST /upload, then PUT the bytes to the URL it gave: (asset_id, upload_url, stored)."""
    ticket = ok(await api.post(f"/api/project/{project_id}/upload",
                               json={"file_name": file_name, "content_type": "video/mp4"}))
    put = await api.put(ticket["upload_url"], content=data,
                        headers={"Content-Type": "video/mp4"})
    return ticket["asset_id"], ticket["upload_url"], ok(put)


@pytest.fixture
def upload_clip(api: httpx.AsyncClient, clip_bytes: bytes) -> UploadClip:
    """`await upload_clip()`: a new project with the clip uploaded (or `data=` other bytes,
    `project_id=` an existing project)."""

    async def upload(*, name: str = "editor e2e", data: bytes | None = None,
                     project_id: str | None = None) -> Uploaded:
        if project_id is None:
            project_id = ok(await api.post("/api/project", json={"name": name}))["id"]
        asset_id, url, stored = await upload_to(api, project_id, data or clip_bytes)
        project = ok(await api.get(f"/api/project/{project_id}"))
        return Uploaded(project_id, asset_id, url, stored, project)

    return upload
