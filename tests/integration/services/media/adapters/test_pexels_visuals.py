"""The Pexels visuals against a local fake of the Pexels API (never the internet)."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlparse

import pytest
from media_service.adapters.pexels_visuals import PexelsVisuals
from videogen_contracts.media.events import FrameSettings, SentenceText
from videogen_media.blobs import LocalBlobStore

CLIP = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
KEY = "test-key"


class FakePexels(BaseHTTPRequestHandler):
    queries: ClassVar[list[dict[str, list[str]]]] = []
    downloads: ClassVar[list[str]] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        url = urlparse(self.path)
        if self.headers.get("Authorization") != KEY:
            self._send(401, b'{"error": "unauthorized"}')
        elif url.path == "/videos/search":
            query = parse_qs(url.query)
            self.queries.append(query)
            if "nothing" in query["query"][0]:
                self._send(200, b'{"videos": []}')
            else:
                self._send(200, json.dumps(self._results()).encode())
        elif url.path.startswith("/files/"):
            self.downloads.append(url.path)
            self._send(200, CLIP, "video/mp4")
        else:
            self._send(404, b"{}")

    def _results(self) -> dict[str, object]:
        base = f"http://{self.headers.get('Host')}"
        files = [
            {"file_type": "video/mp4", "width": w, "height": w * 9 // 16,
             "link": f"{base}/files/clip-{w}.mp4"}
            for w in (640, 1280, 1920)
        ]
        return {"videos": [{"id": 1, "url": "https://www.pexels.com/video/1/",
                            "user": {"name": "Jane Doe"}, "video_files": files}]}

    def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def fake_pexels() -> Iterator[str]:
    FakePexels.queries.clear()
    FakePexels.downloads.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakePexels)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def sentences(*texts: str) -> list[SentenceText]:
    return [SentenceText(sentence_id=uuid.uuid4(), text=t) for t in texts]


async def test_stock_clips_are_searched_by_keywords_and_stored(
    fake_pexels: str, tmp_path: Path
) -> None:
    blobs = LocalBlobStore(tmp_path)
    pexels = PexelsVisuals(KEY, blobs, base_url=fake_pexels)
    production = uuid.uuid4()
    chosen = await pexels.choose(production, sentences("The ocean waves roll in."), FrameSettings())
    await pexels.aclose()

    [visual] = chosen
    assert visual.kind == "stock"
    assert visual.key is not None
    assert blobs.path_of(visual.key).read_bytes() == CLIP
    assert visual.credit == "Jane Doe / Pexels"
    assert visual.keywords == ["ocean", "waves", "roll"]
    assert FakePexels.queries[0]["query"] == ["ocean waves roll"]
    assert FakePexels.queries[0]["orientation"] == ["landscape"]
    assert FakePexels.downloads == ["/files/clip-1280.mp4"]  # the smallest that fills 1280


async def test_a_stored_clip_is_not_downloaded_again(fake_pexels: str, tmp_path: Path) -> None:
    blobs = LocalBlobStore(tmp_path)
    pexels = PexelsVisuals(KEY, blobs, base_url=fake_pexels)
    project, items = uuid.uuid4(), sentences("Mountains at dawn.")
    first = await pexels.choose(project, items, FrameSettings())
    again = await pexels.choose(project, items, FrameSettings())  # a resumed job
    await pexels.aclose()
    assert len(FakePexels.downloads) == 1
    assert len(FakePexels.queries) == 1, "the stored origin answers: no second search"
    assert again == first


async def test_a_re_render_searches_and_downloads_only_for_edited_sentences(
    fake_pexels: str, tmp_path: Path
) -> None:
    blobs = LocalBlobStore(tmp_path)
    pexels = PexelsVisuals(KEY, blobs, base_url=fake_pexels)
    project = uuid.uuid4()
    items = sentences("Mountains at dawn.", "Rivers in spring.", "Snow on the peaks.")
    first = await pexels.choose(project, items, FrameSettings())
    FakePexels.queries.clear()
    FakePexels.downloads.clear()

    edited = [items[0], SentenceText(sentence_id=items[1].sentence_id, text="Deserts at noon."),
              items[2]]
    second = await pexels.choose(project, edited, FrameSettings())
    assert [q["query"] for q in FakePexels.queries] == [["deserts noon"]]
    assert len(FakePexels.downloads) == 1
    assert [a.key == b.key for a, b in zip(first, second, strict=True)] == [True, False, True]

    # Another project, or another frame width, is another search.
    FakePexels.queries.clear()
    await pexels.choose(uuid.uuid4(), items[:1], FrameSettings())
    await pexels.choose(project, items[:1], FrameSettings(width=1920, height=1080))
    await pexels.aclose()
    assert len(FakePexels.queries) == 2


async def test_a_clip_stored_without_its_origin_is_searched_not_downloaded(
    fake_pexels: str, tmp_path: Path
) -> None:
    blobs = LocalBlobStore(tmp_path)
    pexels = PexelsVisuals(KEY, blobs, base_url=fake_pexels)
    project, items = uuid.uuid4(), sentences("Mountains at dawn.")
    [visual] = await pexels.choose(project, items, FrameSettings())
    assert visual.key is not None
    # As if the worker was killed after storing the clip, before storing its origin.
    blobs.path_of(visual.key.removesuffix(".mp4") + ".json").unlink()
    [again] = await pexels.choose(project, items, FrameSettings())
    await pexels.aclose()
    assert again == visual
    assert (len(FakePexels.queries), len(FakePexels.downloads)) == (2, 1)


async def test_no_result_or_no_service_falls_back_to_procedural(
    fake_pexels: str, tmp_path: Path
) -> None:
    blobs = LocalBlobStore(tmp_path)
    pexels = PexelsVisuals(KEY, blobs, base_url=fake_pexels)
    found, empty = await pexels.choose(
        uuid.uuid4(), sentences("Forest trees.", "nothing matches"), FrameSettings()
    )
    await pexels.aclose()
    assert found.kind == "stock"
    assert empty.kind == "procedural"
    assert empty.spec is not None

    wrong_key = PexelsVisuals("bad", blobs, base_url=fake_pexels)
    [refused] = await wrong_key.choose(uuid.uuid4(), sentences("Sea."), FrameSettings())
    await wrong_key.aclose()
    assert refused.kind == "procedural"

    down = PexelsVisuals(KEY, blobs, base_url="http://127.0.0.1:9", timeout=2)
    [offline] = await down.choose(uuid.uuid4(), sentences("Sea."), FrameSettings())
    await down.aclose()
    assert offline.kind == "procedural"
