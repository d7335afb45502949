"""One request as the security tests send it, and the checks of its answer's shape.

Every answer is read the same way, whatever it is: a JSON body, a video, or an SSE stream
(read for a moment, then cut: an owner's feed stays open, and the test only needs its
status and its first bytes).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import httpx

FEED_READ_SECONDS = 1.5
MAX_BODY = 4 * 1024 * 1024


@dataclass(frozen=True)
class Answer:
    method: str
    url: str
    status: int
    headers: httpx.Headers
    text: str

    @property
    def content_type(self) -> str:
        return str(self.headers.get("content-type", ""))

    def json(self) -> Any:
        return json.loads(self.text)

    def __str__(self) -> str:
        return f"{self.method} {self.url} -> {self.status} {self.text[:300]!r}"


async def send(
    client: httpx.AsyncClient, method: str, url: str, *, headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> Answer:
    sent = dict(headers or {})
    if body is not None:
        sent.setdefault("Content-Type", "application/json")
    async with client.stream(method, url, headers=sent, content=body) as response:
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            data = await _first_bytes(response)
        else:
            data = await response.aread()
        return Answer(method, url, response.status_code, response.headers,
                      data[:MAX_BODY].decode("utf-8", "replace"))


async def _first_bytes(response: httpx.Response) -> bytes:
    got = bytearray()
    try:
        async with asyncio.timeout(FEED_READ_SECONDS):
            async for chunk in response.aiter_bytes():
                got.extend(chunk)
    except TimeoutError:
        pass
    return bytes(got)


def error_shape(answer: Answer, *, problem: bool) -> str | None:
    """What is wrong with an error answer's shape (None when it is right): problem+json with
    its status and a detail, or exactly `{"error": <message>}` on doc 004's paths."""
    try:
        body = answer.json()
    except ValueError:
        return f"not JSON: {answer}"
    if problem:
        if not answer.content_type.startswith("application/problem+json"):
            return f"content type {answer.content_type!r}: {answer}"
        if body.get("status") != answer.status or not body.get("detail"):
            return f"not a problem of status {answer.status}: {answer}"
        return None
    if not answer.content_type.startswith("application/json"):
        return f"content type {answer.content_type!r}: {answer}"
    if set(body) != {"error"} or not isinstance(body["error"], str):
        return f"not exactly {{'error': ...}}: {answer}"
    return None


def message_of(answer: Answer) -> str:
    body = answer.json()
    return str(body.get("detail", body.get("error")))
