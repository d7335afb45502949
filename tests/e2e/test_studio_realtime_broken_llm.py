"""A broken language model, end to end: the stack's OPENAI_BASE_URL points at a local fake
that answers 500, malformed JSON, or too slowly. A run fails with a clear reason on the
generation-status stream (and the WebSocket), within seconds, and frees the project for
the next run; a synchronous request answers 503 with the reason instead of hanging.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest
from videogen_local.stack import Stack
from websockets.asyncio.client import connect

from tests.e2e.studio_scripts_client import create_project, ended, problem, read_sse
from tests.integration.providers_llm.fake_openai import FakeOpenAI, Reply, answer, error, serve

# Tight limits so each failure is quick; the defaults differ only in how long they wait.
BROKEN_ENV = {
    "OPENAI_API_KEY": "x",
    "VIDEOGEN_LLM_MAX_ATTEMPTS": "2",
    "VIDEOGEN_LLM_TIMEOUT": "1",
    "VIDEOGEN_LLM_CALL_DEADLINE": "5",
}
FAILS_WITHIN = 40.0


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    yield from serve()


@pytest.fixture(scope="module")
def broken_stack(_module_stacks: Callable[..., Stack], fake: FakeOpenAI) -> Stack:
    return _module_stacks(OPENAI_BASE_URL=fake.url, **BROKEN_ENV)


@pytest.fixture
async def api(broken_stack: Stack, fake: FakeOpenAI) -> AsyncIterator[httpx.AsyncClient]:
    fake.replies.clear()  # nothing scripted: every call is a 500
    async with httpx.AsyncClient(base_url=broken_stack.base_url + "/api/v1",
                                 timeout=60) as client:
        yield client
    fake.replies.clear()


async def failed_run(api: httpx.AsyncClient, project_id: str) -> str:
    """Start a run; return the message of the error that ends it (and check it is quick)."""
    started = time.monotonic()
    response = await api.post(f"/projects/{project_id}/generate-script-short",
                              json={"targetDuration": 1})
    assert response.status_code == 202, response.text
    job = response.json()["jobId"]
    messages = await read_sse(api, project_id, until=ended(job))
    assert time.monotonic() - started < FAILS_WITHIN
    last = messages[-1]
    assert last.event == "error", last
    assert set(last.data) == {"jobId", "message"}
    assert last.data["jobId"] == job
    message: str = last.data["message"]
    return message


async def test_a_model_answering_500_fails_the_run_with_the_reason(
    api: httpx.AsyncClient, fake: FakeOpenAI
) -> None:
    pid = (await create_project(api))["id"]
    message = await failed_run(api, pid)
    assert "500" in message, message
    assert fake.seen, "the fake model was never asked"
    # Nothing half-written replaced the script; the project is free for the next run.
    detail = (await api.get(f"/projects/{pid}")).json()
    assert (detail["sections"], detail["sentenceCount"]) == ([], 0)
    assert (await failed_run(api, pid))


async def test_malformed_answers_fail_the_run_with_the_reason(
    api: httpx.AsyncClient, fake: FakeOpenAI
) -> None:
    fake.script(*[Reply(content="this is { not json") for _ in range(40)])
    pid = (await create_project(api))["id"]
    message = await failed_run(api, pid)
    assert "usable" in message or "invalid" in message, message


async def test_a_model_too_slow_fails_the_run(api: httpx.AsyncClient, fake: FakeOpenAI) -> None:
    fake.script(*[Reply(content="{}", delay=4.0) for _ in range(40)])
    pid = (await create_project(api))["id"]
    message = await failed_run(api, pid)
    assert message


async def test_synchronous_requests_answer_503_with_the_reason(api: httpx.AsyncClient) -> None:
    pid = (await create_project(api))["id"]
    for path in ("quick-generate", "generate-outline"):
        started = time.monotonic()
        body = problem(await api.post(f"/projects/{pid}/{path}", json={}), 503)
        assert "language model" in body["detail"], body
        assert time.monotonic() - started < FAILS_WITHIN


async def test_the_websocket_says_job_failed(
    api: httpx.AsyncClient, broken_stack: Stack
) -> None:
    pid = (await create_project(api))["id"]
    url = broken_stack.base_url.replace("http://", "ws://") + "/api/v1/ws"
    async with connect(url) as ws:
        assert json.loads(await ws.recv())["type"] == "connected"
        await ws.send(json.dumps({"type": "subscribe", "projectId": pid}))
        assert json.loads(await ws.recv())["type"] == "subscribed"
        response = await api.post(f"/projects/{pid}/generate-script-short",
                                  json={"targetDuration": 1})
        assert response.status_code == 202
        while True:
            message = json.loads(await ws.recv())
            if message["type"] != "progress":
                break
        assert message["type"] == "job_failed"
        assert message["jobId"] == response.json()["jobId"]
        assert message["code"] == "llm_unavailable"
        assert "500" in message["error"]


OUTLINE = {
    "title": "Keeping the light", "total_target_minutes": 1,
    "sections": [
        {"title": "The lamp", "summary": "How the light is made.", "target_minutes": 0.5,
         "key_points": ["lens", "flame"]},
        {"title": "The keeper", "summary": "Who tends it.", "target_minutes": 0.5,
         "key_points": ["night watch"]},
    ],
}
SECTIONS = [
    {"title": "The lamp", "sentences": ["A great lens bends the light.", "It turns."]},
    {"title": "The keeper", "sentences": ["She climbs the stairs at dusk."]},
]
CAST_DESCRIPTION = "a retired lighthouse keeper who hums sea shanties"


async def test_a_model_that_recovers_completes_and_every_prompt_has_the_cast(
    api: httpx.AsyncClient, fake: FakeOpenAI
) -> None:
    pid = (await create_project(api, topic="Lighthouses"))["id"]
    response = await api.post(f"/projects/{pid}/cast",
                              json={"name": "Maud", "description": CAST_DESCRIPTION})
    assert response.status_code == 201, response.text
    fake.seen.clear()
    fake.script(error(429, **{"Retry-After": "0"}), answer(OUTLINE),
                *[answer(section) for section in SECTIONS])
    response = await api.post(f"/projects/{pid}/generate-script-short",
                              json={"targetDuration": 1})
    assert response.status_code == 202, response.text
    job = response.json()["jobId"]
    messages = await read_sse(api, pid, until=ended(job))
    assert messages[-1].event == "complete", messages[-1]
    assert messages[-1].data["totalSentences"] == 3
    sections = (await api.get(f"/projects/{pid}")).json()["sections"]
    assert [s["title"] for s in sections] == ["The lamp", "The keeper"]
    assert {s["providerLabel"] for s in sections} == {"openai:" + fake.seen[-1].body["model"]}
    prompts = [seen.messages_text for seen in fake.seen]
    assert len(prompts) == 4
    assert all(CAST_DESCRIPTION in p for p in prompts)
