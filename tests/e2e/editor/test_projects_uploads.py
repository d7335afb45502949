"""Doc 002's projects, uploads, health and identity, end to end on the whole stack.

Every endpoint of them, every bad input the issue lists (each a problem+json 4xx that
changes nothing stored), one project on both surfaces, deletion down to the disk, a resumed
upload, and the gateway's memory during a large upload.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import http.server
import shutil
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import UUID, uuid4

import httpx
import pytest
from videogen_gateway.surfaces.editor.upload_tokens import KEY_FILE, UploadTokens
from videogen_local.stack import Stack

from .conftest import CLIP_SECONDS, UploadClip, ok, problem, project_blobs

LIMIT = 256 * 1024 * 1024


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory, clip: Path) -> Iterator[str]:
    """A web server the gateway may import from: `<web>/clips/` holds the clip, a text
    file named .mp4, and a folder (which it redirects to, as web servers do)."""
    root = tmp_path_factory.mktemp("web")
    (root / "clips" / "folder").mkdir(parents=True)
    shutil.copy(clip, root / "clips" / "clip.mp4")
    (root / "clips" / "notes.mp4").write_bytes(b"not a video at all\n" * 100)
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def stack(_module_stacks: Callable[..., Stack], import_dir: Path, web: str) -> Stack:
    """This module's stack: a smaller upload limit, so that going past it is quick, and
    imports allowed from `<web>/clips`."""
    (import_dir / "notes.mp4").write_bytes(b"not a video at all\n" * 100)
    return _module_stacks(VIDEOGEN_IMPORT_DIR=str(import_dir),
                          VIDEOGEN_IMPORT_URL_PREFIXES=f"{web}/clips",
                          VIDEOGEN_UPLOAD_MAX_BYTES=str(LIMIT))


async def new_project(api: httpx.AsyncClient, name: str = "bad input") -> str:
    return str(ok(await api.post("/api/project", json={"name": name}))["id"])


async def ticket(api: httpx.AsyncClient, project_id: str) -> dict[str, Any]:
    return dict(ok(await api.post(f"/api/project/{project_id}/upload",
                                  json={"file_name": "clip.mp4", "content_type": "video/mp4"})))


async def unchanged(api: httpx.AsyncClient, stack: Stack, project_id: str,
                    assets: int = 0) -> None:
    """Nothing reached the project: no blob, no segment, only the assets announced."""
    detail = ok(await api.get(f"/api/project/{project_id}"))
    assert detail["timeline"] == []
    assert all(a["status"] != "stored" for a in detail["assets"])
    assert len(detail["assets"]) == assets
    assert project_blobs(stack, project_id) == []


async def upload_url(api: httpx.AsyncClient, name: str = "bad input") -> tuple[str, str]:
    """A new project and an upload URL for it."""
    pid = await new_project(api, name)
    return pid, str((await ticket(api, pid))["upload_url"])


def asset_blobs(stack: Stack, project_id: str) -> list[Path]:
    """The uploads stored for the project (`editor/<pid>/assets/<sha256>`)."""
    return [p for p in project_blobs(stack, project_id) if p.parent.name == "assets"]


def with_token(url: str, token: str | None) -> str:
    base = url.split("?")[0]
    return base if token is None else f"{base}?token={token}"


# --- health and identity ---------------------------------------------------------------


async def test_health_and_me(api: httpx.AsyncClient) -> None:
    assert ok(await api.get("/api/health"))["status"] == "ok"
    assert ok(await api.get("/api/me")) == {
        "id": "local", "name": "Local user", "email": "local@localhost", "auth": "none",
        # Issue 13: the caller's scopes and auth method (the local user is an admin).
        "scopes": ["read", "write", "admin"], "auth_method": "none",
    }
    # Aura's probes are unchanged beside it.
    assert ok(await api.get("/api/health/live"))["status"] == "healthy"
    assert (await api.get("/api/health/ready")).status_code == 200


# --- projects ----------------------------------------------------------------------------


async def test_a_project_needs_no_field(api: httpx.AsyncClient) -> None:
    for body in (None, {}, {"name": None, "video_url": ""}):
        made = ok(await api.post("/api/project", json=body))
        assert made["name"] == "Untitled project"
        assert (made["assets"], made["timeline"]) == ([], [])
    named = ok(await api.post("/api/project", json={"name": "Trip", "description": "Alps"}))
    assert (named["name"], named["description"]) == ("Trip", "Alps")
    assert ok(await api.get(f"/api/project/{named['id']}")) == named
    listed = {p["id"]: p for p in ok(await api.get("/api/project"))}
    assert listed[named["id"]]["name"] == "Trip"


@pytest.mark.parametrize("body", [{"name": ""}, {"name": "   "}, {"name": 5},
                                  {"name": "x" * 501}, {"description": "y" * 5001}])
async def test_a_bad_project_body_is_400_naming_the_field(
    api: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    before = len(ok(await api.get("/api/project")))
    problem(await api.post("/api/project", json=body), 400, next(iter(body)))
    assert len(ok(await api.get("/api/project"))) == before


async def test_one_project_on_both_surfaces(api: httpx.AsyncClient) -> None:
    studio = ok(await api.post("/api/v1/projects", json={"topic": "From the studio"}), 201)
    editor = ok(await api.post("/api/project", json={"name": "From the editor"}))
    mine = {p["id"]: p["name"] for p in ok(await api.get("/api/project"))}
    assert mine[studio["id"]] == "From the studio"
    theirs = {p["id"]: p["topic"] for p in ok(await api.get("/api/v1/projects"))}
    assert theirs[editor["id"]] == "From the editor"
    detail = ok(await api.get(f"/api/project/{studio['id']}"))
    assert (detail["assets"], detail["timeline"]) == ([], [])


@pytest.mark.parametrize("raw", ["3f0c8a52-5d1e-4c7b-9a61-0d2e8f4b7c19", "not-a-uuid"])
async def test_an_unknown_project_is_404(api: httpx.AsyncClient, raw: str) -> None:
    problem(await api.get(f"/api/project/{raw}"), 404)
    problem(await api.delete(f"/api/project/{raw}"), 404)
    # Looked up before the body is read: a 404 even with no (or a bad) body.
    problem(await api.post(f"/api/project/{raw}/upload"), 404)
    problem(await api.post(f"/api/project/{raw}/upload", json={"file_name": "../x"}), 404)
    problem(await api.put(f"/api/project/{raw}/upload/{uuid4()}?token=x", content=b"x"), 404)


async def test_delete_removes_the_project_and_every_blob(
    upload_clip: UploadClip, api: httpx.AsyncClient, stack: Stack
) -> None:
    done = await upload_clip(name="to delete")
    assert project_blobs(stack, done.project_id)  # the upload is on disk
    assert ok(await api.delete(f"/api/project/{done.project_id}")) == {"deleted": True}
    problem(await api.get(f"/api/project/{done.project_id}"), 404)
    assert done.project_id not in {p["id"] for p in ok(await api.get("/api/project"))}
    deadline = time.monotonic() + 30
    while project_blobs(stack, done.project_id) and time.monotonic() < deadline:  # noqa: ASYNC110 (polls the disk)
        await asyncio.sleep(0.2)  # the media service deletes them as it learns of it
    assert project_blobs(stack, done.project_id) == []
    problem(await api.delete(f"/api/project/{done.project_id}"), 404)


# --- video_url ---------------------------------------------------------------------------


async def test_video_url_imports_a_file_from_the_import_dir(
    api: httpx.AsyncClient, clip_bytes: bytes, import_dir: Path
) -> None:
    for url in ("clip.mp4", str(import_dir / "clip.mp4"), f"file://{import_dir}/clip.mp4"):
        made = ok(await api.post("/api/project", json={"name": "imported", "video_url": url}))
        (asset,) = made["assets"]
        assert asset["status"] == "stored"
        assert asset["file_name"] == "clip.mp4"
        assert asset["sha256"] == hashlib.sha256(clip_bytes).hexdigest()
        (segment,) = made["timeline"]
        assert segment["active"] is True
        assert segment["end_ts"] == pytest.approx(CLIP_SECONDS, abs=0.1)


async def test_video_url_imports_from_an_allowed_url(
    api: httpx.AsyncClient, clip_bytes: bytes, web: str
) -> None:
    made = ok(await api.post("/api/project", json={"video_url": f"{web}/clips/clip.mp4"}))
    (asset,) = made["assets"]
    assert (asset["status"], asset["file_name"]) == ("stored", "clip.mp4")
    assert asset["sha256"] == hashlib.sha256(clip_bytes).hexdigest()
    assert len(made["timeline"]) == 1


@pytest.mark.parametrize(("path", "words"), [
    ("/clips/missing.mp4", "HTTP 404"), ("/clips/folder", "HTTP 301"),  # no redirects
    ("/clipsx/clip.mp4", "not under an allowed"), ("/clip.mp4", "not under an allowed"),
    ("/clips/notes.mp4", "rejected"),
])
async def test_a_bad_allowed_url_is_400_and_makes_nothing(
    api: httpx.AsyncClient, web: str, path: str, words: str
) -> None:
    before = {p["id"] for p in ok(await api.get("/api/project"))}
    body = problem(await api.post("/api/project", json={"video_url": web + path}), 400)
    assert words in body["detail"]
    assert {p["id"] for p in ok(await api.get("/api/project"))} == before


@pytest.mark.parametrize("url", [
    "https://example.com/clip.mp4",  # not an allowed prefix
    "http://127.0.0.1:1/clip.mp4", "ftp://example.com/clip.mp4", "javascript:alert(1)",
    "../clip.mp4", "/etc/passwd", "file:///etc/passwd", "missing.mp4",
    "notes.mp4",  # in the import dir, but not a video: rejected, and the project undone
])
async def test_a_video_url_that_is_not_allowed_is_400_and_makes_nothing(
    api: httpx.AsyncClient, url: str
) -> None:
    before = {p["id"] for p in ok(await api.get("/api/project"))}
    problem(await api.post("/api/project", json={"name": "refused", "video_url": url}), 400,
            "file" if url == "notes.mp4" else "video_url")
    assert {p["id"] for p in ok(await api.get("/api/project"))} == before


# --- uploads -----------------------------------------------------------------------------


async def test_an_upload_becomes_an_asset_and_a_segment(
    upload_clip: UploadClip, clip_bytes: bytes, stack: Stack
) -> None:
    done = await upload_clip()
    sha = hashlib.sha256(clip_bytes).hexdigest()
    assert done.stored["sha256"] == sha
    assert done.stored["size_bytes"] == len(clip_bytes)
    assert done.stored["asset_id"] == done.asset_id
    (asset,) = done.project["assets"]
    assert asset["id"] == done.asset_id
    assert (asset["status"], asset["sha256"], asset["size_bytes"]) == ("stored", sha,
                                                                       len(clip_bytes))
    assert asset["duration"] == pytest.approx(CLIP_SECONDS, abs=0.1)
    kinds = {s["kind"]: s["codec"] for s in asset["streams"]}
    assert kinds == {"video": "h264", "audio": "aac"}
    (segment,) = done.project["timeline"]
    assert set(segment) >= {"id", "project_id", "start_ts", "end_ts", "source", "url",
                            "variant_id", "order_index", "active"}
    assert segment["id"] == done.segment_id
    assert (segment["source"], segment["order_index"], segment["active"]) == ("upload", 0, True)
    assert segment["start_ts"] == 0
    assert segment["end_ts"] == pytest.approx(CLIP_SECONDS, abs=0.1)
    assert [p.name for p in asset_blobs(stack, done.project_id)] == [sha]


async def test_the_same_file_twice_is_stored_once_and_played_twice(
    upload_clip: UploadClip, api: httpx.AsyncClient, stack: Stack, clip_bytes: bytes
) -> None:
    first = await upload_clip(name="twice")
    # The second time as a multipart POST, as a browser form sends it.
    pid = first.project_id
    url = (await ticket(api, pid))["upload_url"]
    stored = ok(await api.post(url, files={"file": ("clip.mp4", clip_bytes, "video/mp4")}))
    assert stored["sha256"] == first.stored["sha256"]
    detail = ok(await api.get(f"/api/project/{pid}"))
    assert len(detail["assets"]) == 2
    assert [s["order_index"] for s in detail["timeline"]] == [0, 1]
    assert len(asset_blobs(stack, pid)) == 1
    # Sending the same bytes again (a lost answer, retried) changes nothing; other bytes
    # for a stored asset are a conflict, and are not kept.
    again = ok(await api.put(url, content=clip_bytes))
    assert again["segment_id"] == stored["segment_id"]
    problem(await api.put(url, content=clip_bytes[:-1] + b"\0"), 409)
    assert len(ok(await api.get(f"/api/project/{pid}"))["timeline"]) == 2
    assert len(asset_blobs(stack, pid)) == 1


async def test_an_upload_resumes_with_content_range(
    api: httpx.AsyncClient, clip_bytes: bytes
) -> None:
    pid, url = await upload_url(api, "resumed")
    total, half = len(clip_bytes), len(clip_bytes) // 2
    # Nothing yet: 308 without Range.
    asked = await api.put(url, headers={"Content-Range": f"bytes */{total}"})
    assert asked.status_code == 308
    assert "range" not in asked.headers
    first = await api.put(url, content=clip_bytes[:half],
                          headers={"Content-Range": f"bytes 0-{half - 1}/{total}"})
    assert first.status_code == 308
    assert first.headers["range"] == f"bytes=0-{half - 1}"
    asked = await api.put(url, headers={"Content-Range": f"bytes */{total}"})
    assert (asked.status_code, asked.headers["range"]) == (308, f"bytes=0-{half - 1}")
    # A gap is refused; resending from a little before is fine (the overlap is skipped).
    problem(await api.put(url, content=clip_bytes[half + 10:], headers={
        "Content-Range": f"bytes {half + 10}-{total - 1}/{total}"}), 416, "Content-Range")
    rest = await api.put(url, content=clip_bytes[half - 100:], headers={
        "Content-Range": f"bytes {half - 100}-{total - 1}/{total}"})
    assert ok(rest)["sha256"] == hashlib.sha256(clip_bytes).hexdigest()
    assert len(ok(await api.get(f"/api/project/{pid}"))["timeline"]) == 1


async def _put_and_hang_up(url: str, data: bytes, sent: int) -> None:
    """A raw PUT that announces all of `data` and sends `sent` bytes of it, then goes away."""
    parts = urlsplit(url)
    _, writer = await asyncio.open_connection(parts.hostname, parts.port)
    head = (f"PUT {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"Content-Type: video/mp4\r\nContent-Length: {len(data)}\r\n\r\n")
    writer.write(head.encode() + data[:sent])
    await writer.drain()
    await asyncio.sleep(0.5)
    writer.close()
    await writer.wait_closed()


async def test_an_interrupted_put_continues_from_where_it_stopped(
    api: httpx.AsyncClient, clip_bytes: bytes
) -> None:
    pid, url = await upload_url(api, "interrupted")
    total = len(clip_bytes)
    await _put_and_hang_up(url, clip_bytes, 200_000)
    deadline, held = time.monotonic() + 10, 0
    while held < 200_000 and time.monotonic() < deadline:
        # 409 while the server has not yet noticed that the first request's client left.
        asked = await api.put(url, headers={"Content-Range": f"bytes */{total}"})
        assert asked.status_code in (308, 409), asked.text
        held = int(asked.headers.get("range", "bytes=0--1").rsplit("-", 1)[1]) + 1
    assert held == 200_000
    rest = await api.put(url, content=clip_bytes[held:],
                         headers={"Content-Range": f"bytes {held}-{total - 1}/{total}"})
    assert ok(rest)["sha256"] == hashlib.sha256(clip_bytes).hexdigest()
    (segment,) = ok(await api.get(f"/api/project/{pid}"))["timeline"]
    assert segment["end_ts"] == pytest.approx(CLIP_SECONDS, abs=0.1)


# --- bad uploads -------------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    {}, {"content_type": "video/mp4"}, {"file_name": ""}, {"file_name": "   "},
    {"file_name": "../../x"}, {"file_name": "a/b.mp4"}, {"file_name": "..\\x.mp4"},
    {"file_name": "x" * 256}, {"file_name": 7},
])
async def test_a_bad_file_name_is_400_naming_it(
    api: httpx.AsyncClient, stack: Stack, body: dict[str, Any]
) -> None:
    pid = await new_project(api)
    problem(await api.post(f"/api/project/{pid}/upload", json=body), 400, "file_name")
    await unchanged(api, stack, pid)


def _signed(stack: Stack, project_id: str, asset_id: str, now: float) -> str:
    """A token made with the stack's own key (its data dir), as of `now`."""
    tokens = UploadTokens.from_option(None, Path(stack.env["VIDEOGEN_DATA_DIR"]), 3600)
    assert (Path(stack.env["VIDEOGEN_DATA_DIR"]) / KEY_FILE).exists()
    return tokens.issue(UUID(project_id), UUID(asset_id), now)


async def test_expired_forged_missing_and_foreign_tokens_are_403(
    api: httpx.AsyncClient, stack: Stack, clip_bytes: bytes
) -> None:
    pid, other = await new_project(api), await new_project(api, "other")
    given = await ticket(api, pid)
    url, asset = given["upload_url"], given["asset_id"]
    token = parse_qs(urlsplit(url).query)["token"][0]
    foreign = await ticket(api, other)
    foreign_token = parse_qs(urlsplit(foreign["upload_url"]).query)["token"][0]
    foreign_asset_here = with_token(url, None).replace(asset, foreign["asset_id"])
    cases = {
        "expired": with_token(url, _signed(stack, pid, asset, time.time() - 3601)),
        "signature": with_token(url, token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB")),
        "needs its token": with_token(url, None),
        "malformed": with_token(url, "nonsense"),
        "another project": with_token(foreign_asset_here, foreign_token),
        "another asset": with_token(foreign_asset_here, token),
    }
    for words, bad in cases.items():
        body = problem(await api.put(bad, content=clip_bytes), 403, "token")
        assert words in body["detail"], (words, body)
        problem(await api.post(bad, files={"file": ("c.mp4", clip_bytes)}), 403, "token")
    await unchanged(api, stack, pid, assets=1)
    await unchanged(api, stack, other, assets=1)


async def test_a_file_past_the_limit_is_413_and_leaves_nothing(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    pid, url = await upload_url(api)
    # Announced (a Content-Range total): refused before a byte is stored.
    problem(await api.put(url, content=b"x" * 10,
                          headers={"Content-Range": f"bytes 0-9/{LIMIT + 1}"}), 413)
    # Not announced (a multipart form's file): refused when the stream gets there.
    block = b"\x00" * (1 << 20)

    def form() -> Iterator[bytes]:
        yield b'--xx\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\n\r\n'
        for _ in range(LIMIT // len(block)):
            yield block
        yield b"x" * 1024 + b"\r\n--xx--\r\n"

    too_big = await asyncio.to_thread(
        httpx.post, url, content=form(), timeout=120,
        headers={"Content-Type": "multipart/form-data; boundary=xx"},
    )
    problem(too_big, 413)
    await unchanged(api, stack, pid, assets=1)


async def test_empty_truncated_and_non_media_files_are_rejected_with_the_reason(
    api: httpx.AsyncClient, stack: Stack, clip_bytes: bytes
) -> None:
    pid = await new_project(api)
    files = {"empty": b"", "truncated": clip_bytes[:2000],
             "not a readable": b"just some text, not a video\n" * 50}
    for words, data in files.items():
        url = (await ticket(api, pid))["upload_url"]
        body = problem(await api.put(url, content=data), 400, "file")
        assert "rejected" in body["detail"]
        assert words in body["detail"] or words == "truncated", body
    detail = ok(await api.get(f"/api/project/{pid}"))
    assert [a["status"] for a in detail["assets"]] == ["rejected"] * 3
    assert all(a["reason"] for a in detail["assets"])
    await unchanged(api, stack, pid, assets=3)


async def test_a_multipart_post_without_the_file_field_is_400(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    pid, url = await upload_url(api)
    problem(await api.post(url, files={"video": ("c.mp4", b"data")}), 400, "file")
    problem(await api.post(url, json={"file": "x"}), 415, "Content-Type")
    await unchanged(api, stack, pid, assets=1)


# --- memory ------------------------------------------------------------------------------


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


async def test_a_large_upload_does_not_grow_the_gateway_by_its_size(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    gateway = stack.children["gateway"].proc
    assert gateway is not None
    _, url = await upload_url(api, "large")
    size, block = 200 * (1 << 20), hashlib.sha512(b"seed").digest() * 16384  # 1 MiB
    before = peak = _rss(gateway.pid)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _rss(gateway.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()

    async def body() -> AsyncIterator[bytes]:
        for _ in range(size // len(block)):
            yield block

    try:
        answer = await api.put(url, content=body(), headers={"Content-Length": str(size)})
    finally:
        stop.set()
        sampler.join()
    problem(answer, 400, "file")  # not media, but received, hashed and probed in full
    grown = peak - before
    print(f"gateway RSS {before / 2**20:.0f} MiB, grew by {grown / 2**20:.1f} MiB during a"
          f" {size / 2**20:.0f} MiB upload")
    assert grown < 50 * (1 << 20)
