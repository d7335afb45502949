"""How the gateway listens: uvicorn, with limits on what a client may hold open.

uvicorn's own parsers accept request headers of any size (httptools) and wait forever for
headers that come a byte at a time (its keep-alive timer stops at the first byte of a
request). A few clients doing that hold every connection a gateway has: slow-loris. So the
HTTP protocol here is uvicorn's httptools one with two limits added: a request line and
headers of at most `max_header_bytes` (past that: 431, and the connection is closed), and
a deadline of `header_timeout` seconds for a request's headers to arrive, counted from
the connection's start or the end of the previous response (past it: closed). Idle
keep-alive connections are closed after `keep_alive` seconds by uvicorn itself.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEADER_BYTES = 64 * 1024
HEADER_TIMEOUT_SECONDS = 10.0
KEEP_ALIVE_SECONDS = 5


@dataclass(frozen=True, slots=True)
class ServingOptions:
    max_header_bytes: int = MAX_HEADER_BYTES
    header_timeout: float = HEADER_TIMEOUT_SECONDS
    keep_alive: int = KEEP_ALIVE_SECONDS

    @classmethod
    def from_env(cls) -> ServingOptions:
        return cls(
            max_header_bytes=int(os.environ.get("VIDEOGEN_MAX_HEADER_BYTES", MAX_HEADER_BYTES)),
            header_timeout=float(
                os.environ.get("VIDEOGEN_HEADER_TIMEOUT_SECONDS", HEADER_TIMEOUT_SECONDS)
            ),
            keep_alive=int(os.environ.get("VIDEOGEN_KEEP_ALIVE_SECONDS", KEEP_ALIVE_SECONDS)),
        )


class HeadersTooLarge(Exception):
    """Raised from a parser callback: httptools stops parsing and uvicorn answers 400,
    which `send_400_response` below turns into the 431 it is."""


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with a header size limit and a header deadline."""

    options = ServingOptions()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_bytes = 0
        self._too_large = False
        self._header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        self._headers_arrived()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = 0

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._headers_arrived()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        # A pipelined request waiting here has its headers already: no deadline for it.
        next_is_waiting = bool(self.pipeline)
        super().on_response_complete()
        if not next_is_waiting and not self.transport.is_closing():
            self._await_headers()

    def send_400_response(self, msg: str) -> None:
        if not self._too_large:
            super().send_400_response(msg)
            return
        body = b"Request header fields too large."
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            b"content-type: text/plain; charset=utf-8\r\n"
            b"content-length: " + str(len(body)).encode("ascii") + b"\r\n"
            b"connection: close\r\n\r\n" + body
        )
        self.transport.close()

    def _count(self, size: int) -> None:
        self._header_bytes += size
        if self._header_bytes > self.options.max_header_bytes:
            self._too_large = True
            raise HeadersTooLarge

    def _await_headers(self) -> None:
        self._headers_arrived()
        self._header_deadline = self.loop.call_later(
            self.options.header_timeout, self._headers_too_slow
        )

    def _headers_arrived(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def protocol_with(options: ServingOptions) -> type[GuardedHttpToolsProtocol]:
    """The protocol class uvicorn instantiates per connection, bound to these options."""
    return type("ServedHttpProtocol", (GuardedHttpToolsProtocol,), {"options": options})


def serve(app: Any, host: str, port: int, options: ServingOptions | None = None) -> None:
    """Run the gateway until a signal (what `python -m videogen_gateway` does)."""
    options = options or ServingOptions.from_env()
    uvicorn.run(
        app, host=host, port=port, timeout_graceful_shutdown=10,
        http=protocol_with(options), timeout_keep_alive=options.keep_alive,
        log_config=None,  # structlog (configure_logging) owns the log format
        access_log=False,  # the metrics count requests; correlation ids trace them
    )
