"""A studio client for the script e2e tests: projects, scripts, and an SSE reader."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from tests.e2e.test_studio_projects import problem

__all__ = ["SseMessage", "create_project", "problem", "quick_script", "read_sse", "run_to_end"]


@dataclass(frozen=True)
class SseMessage:
    id: str | None
    event: str | None
    data: Any  # decoded JSON

    @property
    def position(self) -> int:
        assert self.id is not None
        return int(self.id)


async def create_project(api: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    body = {"topic": "How volcanoes work", "targetDuration": 2, "audience": "teenagers"}
    response = await api.post("/projects", json=body | fields)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def quick_script(api: httpx.AsyncClient, project_id: str) -> dict[str, Any]:
    response = await api.post(f"/projects/{project_id}/quick-generate", json={})
    assert response.status_code == 201, response.text
    script: dict[str, Any] = response.json()
    return script


async def sse_messages(response: httpx.Response) -> AsyncIterator[SseMessage | str]:
    """Messages as they arrive; comments (heartbeats) come through as their text."""
    fields: dict[str, list[str]] = {}
    async for line in response.aiter_lines():
        if line.startswith(":"):
            yield line
            continue
        if line:
            name, _, value = line.partition(":")
            fields.setdefault(name, []).append(value.removeprefix(" "))
            continue
        if fields:
            data = "\n".join(fields.get("data", []))
            ids, events = fields.get("id"), fields.get("event")
            yield SseMessage(
                id=ids[-1] if ids else None, event=events[-1] if events else None,
                data=json.loads(data) if data else None,
            )
            fields = {}


async def read_sse(
    api: httpx.AsyncClient, project_id: str, *, until: Callable[[SseMessage], bool],
    last_event_id: str | None = None, headers: dict[str, str] | None = None,
) -> list[SseMessage]:
    """Open the generation-status stream, read until `until(message)`, then cut it."""
    sent = dict(headers or {})
    if last_event_id is not None:
        sent["Last-Event-ID"] = last_event_id
    got: list[SseMessage] = []
    async with api.stream(
        "GET", f"/projects/{project_id}/generation-status", headers=sent
    ) as response:
        assert response.status_code == 200
        async for message in sse_messages(response):
            if isinstance(message, SseMessage):
                got.append(message)
                if until(message):
                    break
    return got


def ended(job_id: str) -> Callable[[SseMessage], bool]:
    return lambda m: m.event in ("complete", "error") and m.data["jobId"] == job_id


async def run_to_end(api: httpx.AsyncClient, project_id: str, job_id: str) -> list[SseMessage]:
    """Every message of a run from a first connection, up to its complete or error."""
    return await read_sse(api, project_id, until=ended(job_id))
