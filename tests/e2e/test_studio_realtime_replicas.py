"""Two gateway replicas on one stack: a run started through one is followed live through the
other (SSE and WebSocket), and a stream cut on one resumes on the other with Last-Event-ID.

The replicas share the projection's durable consumers, so each applies part of the events:
the feed's ids must still be dense and ordered, whoever projected which event.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from videogen_local.infra import free_port
from videogen_local.stack import Stack
from websockets.asyncio.client import connect

from tests.e2e.studio_scripts_client import (
    SseMessage,
    create_project,
    ended,
    read_sse,
    sse_messages,
)


@pytest.fixture(scope="module")
def replica(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A second gateway process for the module's stack: same namespace, database, NATS."""
    log_dir = Path(tmp_path_factory.mktemp("replica"))
    second = Stack(dict(stack.env, VIDEOGEN_PORT=str(free_port())), log_dir=log_dir)
    second.start("gateway")
    try:
        second.wait_ready()
        yield second
    finally:
        second.stop()


@pytest.fixture
async def apis(stack: Stack, replica: Stack) -> AsyncIterator[tuple[httpx.AsyncClient, ...]]:
    async with (
        httpx.AsyncClient(base_url=stack.base_url + "/api/v1", timeout=60) as one,
        httpx.AsyncClient(base_url=replica.base_url + "/api/v1", timeout=60) as two,
    ):
        yield one, two


async def follow_socket(url: str, project_id: str, ready: asyncio.Event) -> list[dict[str, Any]]:
    async with connect(url) as ws:
        assert json.loads(await ws.recv())["type"] == "connected"
        await ws.send(json.dumps({"type": "subscribe", "projectId": project_id}))
        assert json.loads(await ws.recv())["type"] == "subscribed"
        ready.set()
        got: list[dict[str, Any]] = []
        while not got or got[-1]["type"] == "progress":
            got.append(json.loads(await asyncio.wait_for(ws.recv(), 30)))
        return got


async def follow_stream(api: httpx.AsyncClient, project_id: str,
                        ready: asyncio.Event) -> list[SseMessage]:
    got: list[SseMessage] = []
    async with api.stream("GET", f"/projects/{project_id}/generation-status") as response:
        async for message in sse_messages(response):
            if not isinstance(message, SseMessage):
                continue
            got.append(message)
            ready.set()  # connected: from here on nothing is missed
            if message.event in ("complete", "error"):
                break
    return got


async def test_a_run_started_on_one_replica_is_followed_on_the_other(
    apis: tuple[httpx.AsyncClient, httpx.AsyncClient], replica: Stack
) -> None:
    one, two = apis
    pid = (await create_project(one))["id"]
    socket_ready, stream_ready = asyncio.Event(), asyncio.Event()
    ws_url = replica.base_url.replace("http://", "ws://") + "/api/v1/ws"
    socket = asyncio.create_task(follow_socket(ws_url, pid, socket_ready))
    stream = asyncio.create_task(follow_stream(two, pid, stream_ready))
    await asyncio.wait_for(asyncio.gather(socket_ready.wait(), stream_ready.wait()), 15)

    response = await one.post(f"/projects/{pid}/generate-script-short", json={"targetDuration": 3})
    assert response.status_code == 202, response.text
    job = response.json()["jobId"]
    messages = await asyncio.wait_for(stream, 60)
    assert messages[-1].event == "complete"
    assert messages[-1].data["jobId"] == job
    ids = [m.position for m in messages[1:]]
    assert ids == list(range(1, len(ids) + 1))
    socket_messages = await asyncio.wait_for(socket, 60)
    assert socket_messages[-1]["type"] == "job_complete"
    assert {m["jobId"] for m in socket_messages} == {job}


async def test_a_stream_cut_on_one_replica_resumes_on_the_other(
    apis: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    one, two = apis
    pid = (await create_project(one))["id"]
    response = await one.post(f"/projects/{pid}/generate-script-short", json={"targetDuration": 3})
    job = response.json()["jobId"]
    everything = await read_sse(one, pid, until=ended(job))
    cut = await read_sse(one, pid, last_event_id="0", until=lambda m: m.id == "3")
    resumed = await read_sse(two, pid, last_event_id=cut[-1].id, until=ended(job))
    joined = [m.position for m in cut[1:] + resumed[1:]]
    assert joined == [m.position for m in everything[1:]]
    assert [m.data for m in cut[1:] + resumed[1:]] == [m.data for m in everything[1:]]
