"""`/api/v1/inngest` over real HTTP: Inngest-shaped events start the studio's jobs; an event
id that repeats is ignored (forever: after the job ended too, and when sent twice at once).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from videogen_local.stack import Stack

from tests.e2e.studio_scripts_client import create_project, ended, problem, read_sse

GENERATE = "script/generate.requested"
OUTLINE = "script/outline.requested"


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.base_url + "/api/v1", timeout=60) as client:
        yield client


async def send(api: httpx.AsyncClient, body: Any, status: int = 200) -> dict[str, Any]:
    response = await api.post("/inngest", json=body)
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def outlines(api: httpx.AsyncClient, project_id: str) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = (await api.get(f"/projects/{project_id}/outlines")).json()
    return listed


async def test_lists_functions_and_their_events(api: httpx.AsyncClient) -> None:
    response = await api.get("/inngest")
    assert response.status_code == 200
    info = response.json()
    assert info["functionsFound"] == len(info["functions"]) == 2
    events = {t["event"] for f in info["functions"] for t in f["triggers"]}
    assert events == {GENERATE, OUTLINE}
    assert all(f["id"] and f["name"] for f in info["functions"])


async def test_generate_event_starts_a_run_and_its_id_is_never_taken_twice(
    api: httpx.AsyncClient,
) -> None:
    pid = (await create_project(api))["id"]
    event_id = f"evt-{uuid.uuid4()}"
    event = {"name": GENERATE, "id": event_id, "ts": 1_700_000_000_000,
             "data": {"projectId": pid, "targetDuration": 1}}
    answer = await send(api, event)
    assert answer["ids"] == [event_id]
    assert answer["status"] == 200
    [result] = answer["results"]
    assert (result["id"], result["name"], result["status"]) == (event_id, GENERATE, "accepted")
    job = result["jobId"]
    assert (await read_sse(api, pid, until=ended(job)))[-1].event == "complete"

    # The same id again, after the job ended: ignored, with the first answer's job.
    again = await send(api, event)
    assert again["results"] == [{"id": event_id, "name": GENERATE, "status": "duplicate",
                                 "jobId": job}]
    # A new id is a new run ("auto" writes one outline per run: count them).
    other = await send(api, event | {"id": f"evt-{uuid.uuid4()}"})
    assert other["results"][0]["status"] == "accepted"
    assert other["results"][0]["jobId"] != job
    await read_sse(api, pid, until=ended(other["results"][0]["jobId"]))
    assert len(await outlines(api, pid)) == 2


async def test_the_same_id_sent_twice_at_once_starts_one_job(api: httpx.AsyncClient) -> None:
    pid = (await create_project(api))["id"]
    event = {"name": OUTLINE, "id": f"evt-{uuid.uuid4()}", "data": {"projectId": pid}}
    answers = await asyncio.gather(*[api.post("/inngest", json=event) for _ in range(3)])
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    ids = {a.json()["results"][0]["outlineId"] for a in answers}
    assert len(ids) == 1
    assert [o["id"] for o in await outlines(api, pid)] == list(ids)


async def test_a_generate_event_sent_twice_at_once_starts_one_run(
    api: httpx.AsyncClient,
) -> None:
    pid = (await create_project(api))["id"]
    event = {"name": GENERATE, "id": f"evt-{uuid.uuid4()}",
             "data": {"projectId": pid, "targetDuration": 1}}
    answers = await asyncio.gather(*[api.post("/inngest", json=event) for _ in range(3)])
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    jobs = {a.json()["results"][0]["jobId"] for a in answers}
    assert len(jobs) == 1
    [job] = jobs
    assert (await read_sse(api, pid, until=ended(job)))[-1].event == "complete"
    assert len(await outlines(api, pid)) == 1


async def test_outline_event_and_an_array_of_events(api: httpx.AsyncClient) -> None:
    pid = (await create_project(api))["id"]
    batch = [
        {"name": OUTLINE, "data": {"projectId": pid, "targetDuration": 2}},
        {"name": OUTLINE, "id": f"evt-{uuid.uuid4()}", "data": {"projectId": pid}},
        {"name": OUTLINE, "data": {"projectId": str(uuid.uuid4())}},
    ]
    answer = await send(api, batch)
    statuses = [r["status"] for r in answer["results"]]
    assert statuses == ["accepted", "accepted", "rejected"]
    assert answer["results"][2]["errorStatus"] == 404
    assert "not found" in answer["results"][2]["error"]
    assert len(answer["ids"]) == 3
    listed = await outlines(api, pid)
    assert {o["id"] for o in listed} == {r["outlineId"] for r in answer["results"][:2]}
    # Without an id every event is new: nothing to recognise it by.
    await send(api, batch[0])
    assert len(await outlines(api, pid)) == 3


async def test_an_executor_style_call_is_taken_too(api: httpx.AsyncClient) -> None:
    pid = (await create_project(api))["id"]
    call = {"event": {"name": OUTLINE, "data": {"projectId": pid}}, "steps": {}, "ctx": {}}
    answer = await send(api, call)
    assert answer["results"][0]["status"] == "accepted"
    assert len(await outlines(api, pid)) == 1


BAD: list[tuple[str, Any, int, str | None]] = [
    ("unknown name", {"name": "video/render.requested", "data": {}}, 400, "name"),
    ("no name", {"data": {}}, 400, "name"),
    ("name not a string", {"name": 5}, 400, "name"),
    ("empty array", [], 400, "events"),
    ("a string", "script/generate.requested", 400, None),
    ("no project", {"name": GENERATE, "data": {}}, 400, "data.projectId"),
    ("bad mode", {"name": GENERATE, "data": {"projectId": "x", "mode": "now"}}, 400,
     "data.mode"),
    ("bad duration", {"name": OUTLINE, "data": {"projectId": "x", "targetDuration": "long"}},
     400, "data.targetDuration"),
    ("unknown project", {"name": OUTLINE, "data": {"projectId": str(uuid.uuid4())}}, 404, None),
    ("from-outline without one", {"name": GENERATE, "data": {
        "projectId": str(uuid.uuid4()), "mode": "from-outline"}}, 400, "outlineId"),
    ("one bad in an array", [{"name": OUTLINE, "data": {}}, {"name": "nope"}], 400,
     "events[1].name"),
]


@pytest.mark.parametrize(("case", "body", "status", "field"), BAD, ids=[b[0] for b in BAD])
async def test_bad_events(
    api: httpx.AsyncClient, case: str, body: Any, status: int, field: str | None
) -> None:
    failure = problem(await api.post("/inngest", json=body), status)
    if field is not None:
        assert failure.get("field") == field, failure


async def test_a_body_that_is_not_json(api: httpx.AsyncClient) -> None:
    problem(await api.post("/inngest", content=b"{nope",
                           headers={"content-type": "application/json"}), 400)
