"""The CLI's SSE reader and its error lines, against a real (tiny, threaded) HTTP server that
drops connections on purpose: a reconnect must resume with Last-Event-ID, losing nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from videogen_cli.client import Api, Problem
from videogen_cli.problems import problem_of
from videogen_cli.sse import SseParser, parse

MESSAGES = [f"id: {n}\nevent: progress\ndata: {{\"n\": {n}}}\n\n" for n in range(1, 7)]
FILE = bytes(range(256)) * 4000


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 and chunked, as the gateway streams: a cut is then a broken body, not an end.
    protocol_version = "HTTP/1.1"
    seen_last_ids: list[str | None] = []
    drops = 0

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/events":
            self._events()
        elif self.path == "/file":
            self._file()
        else:
            body = b'{"error": "Job not found"}'
            self.send_response(404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def _events(self) -> None:
        last = self.headers.get("Last-Event-ID")
        type(self).seen_last_ids.append(last)
        after = int(last or 0)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self._chunk(b": hello\nretry: 10\n\n")
        for n, message in enumerate(MESSAGES, start=1):
            if n <= after:
                continue
            self._chunk(message.encode())
            # The first two connections break after one new message, as a restart would.
            if type(self).drops < 2:
                type(self).drops += 1
                self._chunk(b"id: 99\ndata: {\"half")  # a message cut in the middle
                self.connection.shutdown(2)
                self.close_connection = True
                return
        self.wfile.write(b"0\r\n\r\n")
        self.close_connection = True

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _file(self) -> None:
        start = int(self.headers.get("Range", "bytes=0-")[6:].rstrip("-") or 0)
        first = start == 0
        self.send_response(200 if first else 206)
        self.send_header("Content-Length", str(len(FILE) - start))
        if not first:
            self.send_header("Content-Range", f"bytes {start}-{len(FILE) - 1}/{len(FILE)}")
        self.end_headers()
        # The first answer stops halfway: the client must continue with Range.
        self.wfile.write(FILE[start:len(FILE) // 2] if first else FILE[start:])
        self.wfile.flush()
        if first:
            self.connection.shutdown(2)
        self.close_connection = True


@pytest.fixture
def api() -> Iterator[Api]:
    Handler.seen_last_ids, Handler.drops = [], 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    client = Api(f"http://127.0.0.1:{server.server_address[1]}", None, timeout=5)
    yield client
    client.close()
    server.shutdown()
    server.server_close()


def test_a_dropped_stream_resumes_after_the_last_id_losing_nothing(api: Api) -> None:
    got = [(m.id, m.data["n"]) for m in api.events("/events")]
    assert got == [(str(n), n) for n in range(1, 7)]
    # A half message's id is never taken as seen: it was not dispatched.
    assert Handler.seen_last_ids == [None, "1", "2"]


def test_a_reattach_starts_after_the_given_id(api: Api) -> None:
    Handler.drops = 2
    assert [m.id for m in api.events("/events", last_event_id="4")] == ["5", "6"]
    assert Handler.seen_last_ids == ["4"]


def test_an_error_answer_is_a_problem_with_its_exit_code(api: Api) -> None:
    with pytest.raises(Problem) as raised:
        list(api.events("/nothing"))
    assert (raised.value.status, raised.value.exit_code) == (404, 4)
    assert raised.value.line() == "error: Not Found: Job not found"


def test_a_download_cut_halfway_resumes_with_range(api: Api, tmp_path: Path) -> None:
    dest = api.download("/file", tmp_path / "out.bin", quiet=True)
    assert dest.read_bytes() == FILE
    assert not (tmp_path / "out.bin.part").exists()


def test_the_parser_follows_the_spec() -> None:
    lines = ["data: a", "data: b", "", "event: x", "id: 3", "data: {\"k\": 1}", "",
             "id: 4", "", ": comment", "retry: 1500", "data:plain", ""]
    parser = SseParser()
    messages = list(parse(lines, parser))
    assert [(m.id, m.event, m.data) for m in messages] == [
        (None, "message", "a\nb"), ("3", "x", {"k": 1}), ("4", "message", "plain")]
    # An id in a block without data still moves the position (the spec's last event id).
    assert (parser.last_id, parser.retry_ms) == ("4", 1500)


@pytest.mark.parametrize(("status", "body", "line", "code"), [
    (404, b'{"error": "Job not found"}', "error: Not Found: Job not found", 4),
    (409, b'{"title": "Conflict", "detail": "Job x is Succeeded; it cannot be cancelled.",'
          b' "guidance": "Only a Queued or Running job can be cancelled."}',
     "error: Conflict: Job x is Succeeded; it cannot be cancelled. (Only a Queued or Running"
     " job can be cancelled.)", 3),
    (401, b'{"title": "Unauthorized", "detail": "an API key is required"}',
     "error: Unauthorized: an API key is required", 5),
    (503, b"<html>busy</html>", "error: Service Unavailable", 6),
    (500, b"", "error: Internal Server Error", 6),
])
def test_every_surface_s_error_becomes_one_line(
    status: int, body: bytes, line: str, code: int
) -> None:
    problem = problem_of(status, body)
    assert (problem.line(), problem.exit_code) == (line, code)
