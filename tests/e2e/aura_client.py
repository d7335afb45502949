"""A doc 001 client for the Aura end-to-end tests: jobs over HTTP, and an SSE reader.

`read_events` parses `text/event-stream` as EventSource does (id, event, data, comments),
so the tests see exactly what a browser would, including heartbeats (comments) when asked.
"""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import av
import httpx

PROBLEM_KEYS = {"type", "title", "status", "detail", "correlationId"}


@dataclass(frozen=True)
class Sse:
    id: int | None
    event: str
    data: dict[str, Any]
    retry: str | None = None


async def sse_messages(
    response: httpx.Response, comments: list[str] | None = None
) -> AsyncIterator[Sse]:
    """The messages of a `text/event-stream` body as EventSource parses them: a message is
    dispatched at its blank line, and only if it has data; comments go to `comments`."""
    fields: dict[str, str] = {}
    async for line in response.aiter_lines():
        if line.startswith(":"):
            if comments is not None:
                comments.append(line)
            continue
        if line:
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")
            continue
        if "data" in fields:
            yield Sse(id=int(fields["id"]) if "id" in fields else None,
                      event=fields.get("event", "message"), data=json.loads(fields["data"]),
                      retry=fields.get("retry"))
        fields = {}


BRIEF = {
    "topic": "Why the sky is blue",
    "audience": "Curious students",
    "goal": "Explain",
    "tone": "Friendly",
    "language": "en",
    "aspect": "Widescreen16x9",
}
SHORT_PLAN = {"targetDuration": "00:00:12", "pacing": "Conversational", "density": "Balanced"}
FAST_RENDER = {"res": "360p", "fps": 24, "codec": "H264", "container": "mp4"}


def job_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"brief": dict(BRIEF), "planSpec": dict(SHORT_PLAN),
                            "renderSpec": dict(FAST_RENDER)}
    body.update(overrides)
    return body


async def create_job(api: httpx.AsyncClient, body: dict[str, Any] | None = None) -> str:
    response = await api.post("/api/jobs", json=job_body() if body is None else body)
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert set(accepted) == {"jobId", "id", "correlationId", "status", "stage"}
    assert accepted["id"] == accepted["jobId"]
    assert accepted["status"] == "Queued"
    return str(accepted["jobId"])


async def wait_for(
    api: httpx.AsyncClient, job_id: str, statuses: set[str], within: float = 240
) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while True:
        response = await api.get(f"/api/jobs/{job_id}")
        assert response.status_code == 200, response.text
        job: dict[str, Any] = response.json()
        if job["status"] in statuses or time.monotonic() > deadline:
            return job
        await asyncio.sleep(0.2)


async def read_events(
    api: httpx.AsyncClient,
    job_id: str,
    *,
    last_event_id: str | None = None,
    query: str = "",
    stop_after: int | None = None,
    within: float = 240,
    comments: list[str] | None = None,
) -> list[Sse]:
    """The stream's events until it closes (or `stop_after` of them: the client cuts it)."""
    events: list[Sse] = []
    try:
        await _read_into(events, api, job_id, last_event_id, query, stop_after, within, comments)
    except TimeoutError:
        job = (await api.get(f"/api/jobs/{job_id}")).json()
        raise AssertionError(
            f"the stream did not end in {within} s; got {[(e.id, e.event) for e in events]};"
            f" the job is {job.get('status')} ({job})"
        ) from None
    return events


async def _read_into(
    events: list[Sse],
    api: httpx.AsyncClient,
    job_id: str,
    last_event_id: str | None,
    query: str,
    stop_after: int | None,
    within: float,
    comments: list[str] | None,
) -> None:
    headers = {"Last-Event-ID": last_event_id} if last_event_id is not None else {}
    async with asyncio.timeout(within), api.stream(
        "GET", f"/api/jobs/{job_id}/events{query}", headers=headers,
        timeout=httpx.Timeout(within, read=within),
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-accel-buffering"] == "no"
        async for message in sse_messages(response, comments):
            events.append(message)
            if stop_after is not None and len(events) >= stop_after:
                break


def assert_problem(
    response: httpx.Response, status: int, field: str | None = None
) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert set(body) >= PROBLEM_KEYS, body
    assert body["type"].endswith(f"docs/errors.md#E{status}"), body["type"]
    assert body["correlationId"]
    if field is not None:
        assert body.get("field") == field, body
        assert body.get("guidance"), body
    return body


def probe(data: bytes) -> dict[str, Any]:
    """What PyAV reads in a downloaded video."""
    container: Any = av.open(io.BytesIO(data))
    with container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        return {
            "size": (video.codec_context.width, video.codec_context.height),
            "fps": float(video.average_rate),
            "codecs": (video.codec_context.name, audio.codec_context.name),
            "format": container.format.name,
            "duration": container.duration / av.time_base,
            "frames": sum(1 for _ in container.decode(video=0)),
        }
