"""A local fake of an OpenAI-compatible chat API: `POST /v1/chat/completions` only.

Each request takes the next scripted reply (a JSON answer, raw text, an HTTP error with
headers, or a slow answer), and is recorded with its arrival time, so tests can check what
the writer sent and how long it waited between attempts. It runs in its own threads, so a
slow answer never blocks the test's event loop.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODEL = "fake-model-2024"


@dataclass(frozen=True)
class Reply:
    status: int = 200
    content: str | None = None  # the assistant message, as the model wrote it
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    prompt_tokens: int = 11
    completion_tokens: int = 7
    finish_reason: str = "stop"
    refusal: str | None = None


def answer(payload: object, *, prompt_tokens: int = 11, completion_tokens: int = 7) -> Reply:
    return Reply(
        content=json.dumps(payload),
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
    )


def error(status: int, **headers: str) -> Reply:
    return Reply(status=status, headers=headers)


@dataclass(frozen=True)
class Seen:
    at: float  # time.monotonic() when the request arrived
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def messages_text(self) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.body["messages"])


class FakeOpenAI:
    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.seen: list[Seen] = []
        self.released = threading.Event()  # set at teardown so slow handlers stop waiting
        self._lock = threading.Lock()
        self.url = ""

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def next_reply(self, seen: Seen) -> Reply:
        with self._lock:
            self.seen.append(seen)
            if not self.replies:
                return Reply(status=500, content="no reply scripted")
            return self.replies.pop(0)


def completion_body(reply: Reply) -> bytes:
    return json.dumps({
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": MODEL,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": reply.content, "refusal": reply.refusal},
            "finish_reason": reply.finish_reason,
            "logprobs": None,
        }],
        "usage": {
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
            "total_tokens": reply.prompt_tokens + reply.completion_tokens,
        },
    }).encode()


def error_body(status: int) -> bytes:
    return json.dumps(
        {"error": {"message": f"fake failure {status}", "type": "fake_error", "code": None}}
    ).encode()


def handler_for(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            headers = {k.lower(): v for k, v in self.headers.items()}
            seen = Seen(time.monotonic(), self.path, headers, body)
            reply = fake.next_reply(seen)
            if self.path != "/v1/chat/completions":
                reply = Reply(status=404)
            if reply.delay and fake.released.wait(reply.delay):
                return
            payload = completion_body(reply) if reply.status == 200 else error_body(reply.status)
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test); nothing to answer

    return Handler


def serve(fake: FakeOpenAI | None = None) -> Iterator[FakeOpenAI]:
    """Serve `fake` (a new FakeOpenAI by default; a subclass may answer by prompt)."""
    fake = fake or FakeOpenAI()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(fake))
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield fake
    finally:
        fake.released.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
