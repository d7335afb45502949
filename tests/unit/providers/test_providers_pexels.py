"""Pexels: search, best file for the frame, and download, against a local fake Pexels."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.probe import probe
from videogen_providers.stock.pexels import PexelsClient
from videogen_providers.stock.pexels_files import (
    StockVideoFile,
    best_video_file,
    download_video,
    find_stock_video,
    pexels_client_from_env,
)
from videogen_providers.vendor_errors import (
    VendorAuthFailed,
    VendorNotConfigured,
    VendorRejected,
    VendorUnavailable,
)

from tests.unit.providers.vendor_fakes import FakeServer, Reply, Request, serve

KEY = "pexels-test-key"


def _file(width: int, height: int, link: str, kind: str = "video/mp4") -> dict[str, Any]:
    return {"id": width, "quality": "hd", "file_type": kind, "width": width, "height": height,
            "fps": 25, "link": link}  # fmt: skip


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out = tmp_path_factory.mktemp("pexels") / "clip.mp4"
    subprocess.run(
        [ffmpeg_executable(), "-loglevel", "error", "-f", "lavfi",
         "-i", "testsrc2=s=1280x720:r=25:d=1", "-c:v", "libx264", "-preset", "ultrafast",
         "-pix_fmt", "yuv420p", str(out)],
        check=True, timeout=60,
    )  # fmt: skip
    return out.read_bytes()


@pytest.fixture
def pexels(clip: bytes) -> Iterator[FakeServer]:
    def route(request: Request) -> Reply:
        if request.path.startswith("/files/hd.mp4"):
            return Reply(200, clip, "video/mp4")
        if request.path.startswith("/files/"):
            return Reply(404, b"gone", "text/plain")
        if request.headers.get("Authorization") != KEY:
            return Reply.json({"error": "Authorization field missing or invalid"}, 401)
        if "query=limit" in request.path:
            return Reply.json({"error": "Rate limit exceeded"}, 429)
        if "query=nothing" in request.path:
            return Reply.json({"page": 1, "per_page": 5, "total_results": 0, "videos": []})
        base = server[0].url
        return Reply.json({
            "page": 1, "per_page": 5, "total_results": 2,
            "videos": [
                {"id": 1, "url": "https://www.pexels.com/video/1/", "user": {"name": "A"},
                 "video_files": [_file(640, 360, f"{base}/files/x.webm", "video/webm")]},
                {"id": 2, "url": "https://www.pexels.com/video/2/", "user": {"name": "Bo"},
                 "video_files": [_file(640, 360, f"{base}/files/sd.mp4"),
                                 _file(1280, 720, f"{base}/files/hd.mp4"),
                                 _file(3840, 2160, f"{base}/files/uhd.mp4")]},
            ],
        })  # fmt: skip

    server: list[FakeServer] = []
    with serve(route) as running:
        server.append(running)
        yield running


async def test_search_picks_the_smallest_covering_mp4_and_downloads_it(
    pexels: FakeServer, tmp_path: Path
) -> None:
    client = PexelsClient(KEY, base_url=pexels.url)
    try:
        found = await find_stock_video(
            client, "ocean waves", orientation="landscape", width=1280, height=720
        )
        assert found is not None
        assert (found.width, found.height, found.video_id) == (1280, 720, 2)
        assert found.credit == "Bo / Pexels"
        out = await download_video(client, found, tmp_path / "stock" / "s1.mp4")
    finally:
        await client.aclose()
    search = pexels.requests[0]
    assert search.path.startswith("/videos/search?")
    assert "query=ocean+waves" in search.path
    assert "orientation=landscape" in search.path
    assert search.headers["Authorization"] == KEY
    info = probe(out)
    assert info.video is not None
    assert (info.video.width, info.video.height) == (1280, 720)
    assert [p.name for p in out.parent.iterdir()] == ["s1.mp4"]


async def test_no_result_is_none(pexels: FakeServer) -> None:
    client = PexelsClient(KEY, base_url=pexels.url)
    try:
        assert await find_stock_video(
            client, "nothing", orientation="portrait", width=720, height=1280
        ) is None
    finally:
        await client.aclose()


@pytest.mark.parametrize(
    ("key", "query", "error"),
    [("bad-key", "ocean", VendorAuthFailed), (KEY, "limit", VendorUnavailable)],
)
async def test_errors_are_typed(
    pexels: FakeServer, key: str, query: str, error: type[Exception]
) -> None:
    client = PexelsClient(key, base_url=pexels.url)
    try:
        with pytest.raises(error):
            await find_stock_video(client, query, orientation="landscape", width=1280, height=720)
    finally:
        await client.aclose()


async def test_a_failed_download_leaves_no_file(pexels: FakeServer, tmp_path: Path) -> None:
    client = PexelsClient(KEY, base_url=pexels.url)
    gone = StockVideoFile(f"{pexels.url}/files/missing.mp4", 1280, 720, 9, "", "")
    try:
        with pytest.raises(VendorRejected):
            await download_video(client, gone, tmp_path / "s.mp4")
    finally:
        await client.aclose()
    assert os.listdir(tmp_path) == []


def test_best_file_falls_back_to_the_largest_and_skips_non_mp4() -> None:
    video = {"id": 5, "video_files": [_file(640, 360, "a"), _file(960, 540, "b"),
                                      _file(4000, 3000, "c", "video/webm")]}  # fmt: skip
    best = best_video_file(video, 1920, 1080)
    assert best is not None
    assert best.link == "b"
    assert best_video_file({"video_files": []}, 10, 10) is None
    portrait = {"video_files": [_file(1080, 1920, "p"), _file(1920, 1080, "l")]}
    chosen = best_video_file(portrait, 720, 1280)
    assert chosen is not None
    assert chosen.link == "p"


async def test_client_from_env() -> None:
    with pytest.raises(VendorNotConfigured, match="PEXELS_API_KEY"):
        pexels_client_from_env({})
    client = pexels_client_from_env({"PEXELS_API_KEY": "k", "PEXELS_BASE_URL": "http://127.0.0.1:9"})
    assert str(client.http.base_url) == "http://127.0.0.1:9"
    await client.aclose()
