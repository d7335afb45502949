"""Correlation ids and request metrics, applied around every HTTP request; `/metrics`.

This wraps the whole ASGI app rather than being a Litestar middleware because route
middleware never sees requests that fail routing (404/405); those need the correlation
id and the metrics too.
"""

from __future__ import annotations

import time
import uuid

from litestar import Response, Router, get
from litestar.types import Message, Scope, Send
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from videogen_gateway.access.route_opts import PUBLIC

CORRELATION_HEADER = b"x-correlation-id"
_MAX_INCOMING_ID = 128

REQUESTS = Counter(
    "videogen_gateway_requests_total",
    "HTTP requests answered, by route template and status",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "videogen_gateway_request_seconds",
    "HTTP request latency, by route template",
    ["method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def correlation_id_of(scope: Scope) -> str:
    """The caller's X-Correlation-ID if it sent a sane one, else a new id."""
    for name, value in scope.get("headers", ()):
        if name == CORRELATION_HEADER and 0 < len(value) <= _MAX_INCOMING_ID:
            text = value.decode("latin-1")
            if text.isprintable():
                return text
    return str(uuid.uuid4())


RETRY_AFTER_SECONDS = 2
RETRY_AFTER = (b"retry-after", str(RETRY_AFTER_SECONDS).encode())


class RequestObserver:
    """Binds the correlation id for the request's logs, echoes it, and records metrics."""

    __slots__ = ("correlation_id", "header", "send", "status")

    def __init__(self, scope: Scope, send: Send) -> None:
        self.correlation_id = correlation_id_of(scope)
        self.header = (CORRELATION_HEADER, self.correlation_id.encode("latin-1"))
        self.send = send
        self.status = 500

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            headers = list(message.get("headers", ()))
            headers.append(self.header)
            # Every 503 (a database or NATS outage, unavailable.py) says when to try again,
            # whichever surface's handler wrote it.
            if self.status == 503 and not any(n.lower() == b"retry-after" for n, _ in headers):
                headers.append(RETRY_AFTER)
            message["headers"] = headers
        await self.send(message)

    def record(self, scope: Scope, started: float) -> None:
        route = scope.get("path_template") or "unmatched"
        method = scope.get("method", "")
        REQUESTS.labels(method, route, str(self.status)).inc()
        LATENCY.labels(method, route).observe(time.perf_counter() - started)


@get("/metrics", summary="Prometheus metrics", include_in_schema=False)
async def metrics() -> Response[bytes]:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def metrics_router() -> Router:
    # Scraped without credentials; it holds counts and latencies only, no ids nor secrets.
    return Router("/", route_handlers=[metrics], tags=["ops"], opt=PUBLIC)
