"""Server-sent events: a small parser of the wire format, and a reader that reconnects.

The gateway's streams are resumable: every message has an increasing `id`, and a client
that reconnects with `Last-Event-ID` gets exactly what came after it. So a dropped
connection (a gateway restart, a proxy's idle timeout, a laptop's Wi-Fi) costs nothing:
`read_events` opens the stream again from the last id it saw. A stream the server ends on
purpose (after a job's terminal message) ends the iteration.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpx
import msgspec

from videogen_cli.problems import GATEWAY_FAILED, UNREACHABLE, Problem, problem_of


class SseMessage(msgspec.Struct, frozen=True):
    id: str | None
    event: str
    data: Any  # decoded JSON when the data is JSON, else the text


class SseParser:
    """Feeds lines (without their line ends) and returns each message as it completes."""

    def __init__(self, last_id: str | None = None) -> None:
        self.last_id = last_id  # what a reconnect sends as Last-Event-ID
        self.retry_ms: int | None = None
        self._id_buffer = last_id
        self._event = ""
        self._data: list[str] = []

    def reset(self) -> None:
        """A new connection: a message the old one cut in the middle is dropped."""
        self._id_buffer, self._event, self._data = self.last_id, "", []

    def feed(self, line: str) -> SseMessage | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None  # a comment: the gateway's heartbeats
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._id_buffer = value
        elif name == "retry" and value.isdigit():
            self.retry_ms = int(value)
        return None

    def _dispatch(self) -> SseMessage | None:
        # The spec: an id counts as seen only once its message is complete (a blank line).
        self.last_id = self._id_buffer
        data, event = self._data, self._event or "message"
        self._data, self._event = [], ""
        if not data:
            return None  # the spec: a block without data dispatches nothing
        text = "\n".join(data)
        try:
            value: Any = msgspec.json.decode(text)
        except msgspec.DecodeError:
            value = text
        return SseMessage(id=self.last_id, event=event, data=value)


def parse(lines: Iterable[str], parser: SseParser | None = None) -> Iterator[SseMessage]:
    parser = parser or SseParser()
    for line in lines:
        message = parser.feed(line)
        if message is not None:
            yield message


# Errors that mean "the connection went away", not "the gateway said no".
_DROPPED = (httpx.TransportError,)
_RETRY_STATUSES = frozenset({502, 503, 504})


def read_events(client: httpx.Client, path: str, last_event_id: str | None = None, *,
                give_up_after: float = 120.0) -> Iterator[SseMessage]:
    """Every message of the stream at `path`, across reconnects, until the server ends it.

    Reconnects (after the server's `retry`, 2 s at most) while the gateway is unreachable
    or answers 502/503/504, for up to `give_up_after` seconds without a working connection;
    any other error answer is raised as a Problem at once.
    """
    parser = SseParser(last_event_id)
    failing_since: float | None = None
    while True:
        parser.reset()
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
        if parser.last_id is not None:
            headers["Last-Event-ID"] = parser.last_id
        try:
            with client.stream("GET", path, headers=headers) as response:
                if response.status_code in _RETRY_STATUSES:
                    problem = problem_of(response.status_code, response.read())
                elif response.status_code >= 400:
                    raise problem_of(response.status_code, response.read())
                else:
                    failing_since = None
                    yield from parse(response.iter_lines(), parser)
                    return  # the server ended the stream: the job ended
        except _DROPPED as error:
            unreachable = isinstance(error, httpx.ConnectError)
            problem = Problem(None, "lost the gateway's event stream", reason_of(error),
                              exit_code=UNREACHABLE if unreachable else GATEWAY_FAILED)
        now = time.monotonic()
        failing_since = failing_since or now
        if now - failing_since > give_up_after:
            raise problem
        time.sleep(min(parser.retry_ms or 2000, 2000) / 1000)


def reason_of(error: Exception) -> str:
    text = str(error) or type(error).__name__
    # "[Errno 111] Connection refused" reads better without its number.
    return text.split("] ", 1)[-1] if text.startswith("[Errno") else text
