"""Live progress over real connections: the generation-status SSE (ids, Last-Event-ID resume,
heartbeats, headers) and the WebSocket with a real client (websockets).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from videogen_local.stack import Stack
from websockets.asyncio.client import ClientConnection, connect

from tests.e2e.studio_scripts_client import (
    SseMessage,
    create_project,
    ended,
    problem,
    read_sse,
    sse_messages,
)

HEARTBEAT_SECONDS = 0.4


@pytest.fixture(scope="module")
def live_stack(_module_stacks: Callable[..., Stack]) -> Stack:
    return _module_stacks(VIDEOGEN_SSE_HEARTBEAT_SECONDS=str(HEARTBEAT_SECONDS))


@pytest.fixture
async def api(live_stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live_stack.base_url + "/api/v1", timeout=60) as client:
        yield client


async def start_run(api: httpx.AsyncClient, project_id: str, minutes: int = 2) -> str:
    response = await api.post(f"/projects/{project_id}/generate-script-short",
                              json={"targetDuration": minutes})
    assert response.status_code == 202, response.text
    job_id: str = response.json()["jobId"]
    return job_id


def positions(messages: list[SseMessage]) -> list[int]:
    return [m.position for m in messages if m.event != "connected"]


# --- SSE ------------------------------------------------------------------------------------


async def test_sse_headers_and_first_message(api: httpx.AsyncClient) -> None:
    pid = (await create_project(api))["id"]
    async with api.stream("GET", f"/projects/{pid}/generation-status") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-accel-buffering"] == "no"
        assert response.headers["cache-control"] == "no-cache"
        stream = sse_messages(response)
        first = await anext(stream)
        assert isinstance(first, SseMessage)
        assert (first.event, first.data, first.id) == ("connected", {"projectId": pid}, "0")
        # Nothing happens: heartbeats (comments, no id) keep the connection open.
        beats = [await asyncio.wait_for(anext(stream), HEARTBEAT_SECONDS * 5) for _ in range(2)]
        assert all(isinstance(b, str) and b.startswith(":") for b in beats)
    problem(await api.get(f"/projects/{uuid.uuid4()}/generation-status"), 404)
    problem(await api.get("/projects/nope/generation-status"), 404)


async def test_sse_resume_after_a_cut_misses_nothing_and_repeats_nothing(
    api: httpx.AsyncClient,
) -> None:
    pid = (await create_project(api))["id"]
    # A first run, then a stream opened before the second one starts, to see it live.
    first_job = await start_run(api, pid, 1)
    await read_sse(api, pid, until=ended(first_job))
    cut: list[SseMessage] = []
    second_job: str | None = None
    async with api.stream("GET", f"/projects/{pid}/generation-status",
                          headers={"Last-Event-ID": "0"}) as response:
        stream = sse_messages(response)
        async for message in stream:
            if not isinstance(message, SseMessage):
                continue
            cut.append(message)
            if message.event == "complete" and message.data["jobId"] == first_job:
                second_job = await start_run(api, pid, 3)  # goes on while we are connected
            elif second_job and message.data.get("jobId") == second_job and len(
                [m for m in cut if m.data.get("jobId") == second_job]
            ) == 3:
                break  # cut the stream in the middle of the second run
    assert second_job is not None
    last_seen = cut[-1].id
    assert last_seen is not None
    resumed = await read_sse(api, pid, last_event_id=last_seen, until=ended(second_job))
    assert resumed[0].event == "connected"
    assert resumed[0].id == last_seen
    everything = await read_sse(api, pid, last_event_id="0", until=ended(second_job))

    joined = positions(cut) + positions(resumed)
    assert joined == positions(everything)  # nothing missing, nothing repeated
    assert joined == list(range(1, len(joined) + 1))
    by_id = {m.id: m for m in everything}
    for message in cut[1:] + resumed[1:]:
        assert (message.event, message.data) == (by_id[message.id].event, by_id[message.id].data)
    assert everything[-1].event == "complete"


async def test_sse_resume_with_the_query_parameter_and_garbage_ids(
    api: httpx.AsyncClient,
) -> None:
    pid = (await create_project(api))["id"]
    job = await start_run(api, pid, 1)
    full = await read_sse(api, pid, until=ended(job))
    assert positions(full)[0] == 1
    async with api.stream("GET", f"/projects/{pid}/generation-status?lastEventId=2") as response:
        got = []
        async for message in sse_messages(response):
            if isinstance(message, SseMessage):
                got.append(message)
                if ended(job)(message):
                    break
    assert positions(got) == positions(full)[2:]
    # Garbage is a first connection (the recent run replayed), never an error.
    for garbage in ("abc", "-5", "1.5", "9" * 40, ""):
        again = await read_sse(api, pid, last_event_id=garbage, until=ended(job))
        assert positions(again) == positions(full), garbage


async def test_sse_position_from_the_future_starts_from_now(api: httpx.AsyncClient) -> None:
    pid = (await create_project(api))["id"]
    job = await start_run(api, pid, 1)
    done = await read_sse(api, pid, until=ended(job))
    head = done[-1].position

    async def follow() -> list[SseMessage]:
        return await read_sse(api, pid, last_event_id="999999", until=lambda m: m.event in (
            "complete", "error"))

    follower = asyncio.create_task(follow())
    await asyncio.sleep(0.5)
    await start_run(api, pid, 1)
    got = await asyncio.wait_for(follower, 30)
    assert got[0].id == str(head)
    assert positions(got)[0] == head + 1


# --- WebSocket --------------------------------------------------------------------------------


def ws_url(stack: Stack) -> str:
    return stack.base_url.replace("http://", "ws://") + "/api/v1/ws"


async def receive(ws: ClientConnection, within: float = 15) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), within))
    return message


async def test_websocket_follows_a_project_s_jobs(
    live_stack: Stack, api: httpx.AsyncClient
) -> None:
    pid = (await create_project(api))["id"]
    other = (await create_project(api))["id"]
    async with connect(ws_url(live_stack)) as ws, connect(ws_url(live_stack)) as bystander:
        hello = await receive(ws)
        assert hello["type"] == "connected"
        uuid.UUID(hello["clientId"])
        assert (await receive(bystander))["type"] == "connected"
        await ws.send(json.dumps({"type": "subscribe", "projectId": pid}))
        assert await receive(ws) == {"type": "subscribed", "projectId": pid}
        await bystander.send(json.dumps({"type": "subscribe", "data": {"projectId": other}}))
        assert await receive(bystander) == {"type": "subscribed", "projectId": other}

        job = await start_run(api, pid, 2)
        seen = []
        while True:
            message = await receive(ws)
            seen.append(message)
            if message["type"] in ("job_complete", "job_failed"):
                break
        progress = [m for m in seen if m["type"] == "progress"]
        assert progress
        assert set(progress[-1]) == {"type", "projectId", "jobId", "jobType", "progress",
                                     "message", "currentStep", "totalSteps", "stepName"}
        assert {m["jobId"] for m in seen} == {job}
        assert {m["jobType"] for m in seen} == {"script_generation"}
        assert [m["progress"] for m in progress] == sorted(m["progress"] for m in progress)
        assert seen[-1]["type"] == "job_complete"
        assert seen[-1]["result"]["totalSentences"] > 0
        # The bystander follows another project: it heard nothing.
        with pytest.raises(TimeoutError):
            await receive(bystander, within=0.5)

        await ws.send(json.dumps({"type": "unsubscribe", "projectId": pid}))
        assert await receive(ws) == {"type": "unsubscribed", "projectId": pid}
        await start_run(api, pid, 1)
        with pytest.raises(TimeoutError):
            await receive(ws, within=1.5)


async def test_websocket_bad_messages_get_errors_and_keep_the_connection(
    live_stack: Stack, api: httpx.AsyncClient
) -> None:
    async with connect(ws_url(live_stack)) as ws:
        assert (await receive(ws))["type"] == "connected"
        cases = [
            ("{not json", "invalid_message"),
            (json.dumps([1, 2]), "invalid_message"),
            (json.dumps({"type": "dance"}), "unknown_type"),
            (json.dumps({"type": "subscribe"}), "invalid_project_id"),
            (json.dumps({"type": "subscribe", "projectId": "nope"}), "invalid_project_id"),
            (json.dumps({"type": "subscribe", "projectId": str(uuid.uuid4())}), "not_found"),
        ]
        for sent, code in cases:
            await ws.send(sent)
            error = await receive(ws)
            assert error["type"] == "error", (sent, error)
            assert error["code"] == code, (sent, error)
            assert error["message"]
        await ws.send(json.dumps({"type": "ping"}))
        assert await receive(ws) == {"type": "pong"}
        await ws.send(json.dumps({"type": "ping"}).encode())  # a binary frame
        assert await receive(ws) == {"type": "pong"}
        await ws.send(b"\xff\x00")
        assert (await receive(ws))["code"] == "invalid_message"
