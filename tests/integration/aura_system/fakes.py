"""Local fakes of the vendor APIs that provider validation calls (never the internet).

- OpenAI-compatible: `GET /v1/models`, answering 401 unless the bearer key is `key`.
- Pexels: `GET /videos/search`, answering 401 unless `Authorization` is the bare `key`.
Each records the Authorization headers it saw, so a test can prove which key was sent.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODELS = ["gpt-4o-mini", "fake-model-2024"]


@dataclass
class FakeVendor:
    key: str
    url: str = ""
    authorizations: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    status: int | None = None  # force this status on every request


def _handler(fake: FakeVendor, kind: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            auth = self.headers.get("Authorization", "")
            fake.authorizations.append(auth)
            fake.paths.append(self.path)
            expected = f"Bearer {fake.key}" if kind == "openai" else fake.key
            if fake.status is not None:
                self._send(fake.status, {"error": "forced"})
            elif auth != expected:
                self._send(401, {"error": {"message": "Incorrect API key provided"}})
            elif kind == "openai" and self.path == "/v1/models":
                self._send(200, {"object": "list", "data": [
                    {"id": m, "object": "model", "owned_by": "fake"} for m in MODELS
                ]})
            elif kind == "pexels" and self.path.startswith("/videos/search"):
                self._send(200, {"page": 1, "per_page": 1, "total_results": 1, "videos": [
                    {"id": 1, "url": "https://www.pexels.com/video/1/", "video_files": []}
                ]})
            else:
                self._send(404, {"error": "not found"})

        def _send(self, status: int, body: object) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


@contextmanager
def serve(kind: str, key: str) -> Iterator[FakeVendor]:
    """`kind` is "openai" (url ends in /v1) or "pexels" (url is the API root)."""
    fake = FakeVendor(key=key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake, kind))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    root = f"http://127.0.0.1:{server.server_address[1]}"
    fake.url = f"{root}/v1" if kind == "openai" else root
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
