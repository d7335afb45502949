"""Doc 003's bad input over HTTP, against the whole stack: every one a 4xx problem+json
naming its field, never a 500 (issue 12's list, plus empty bodies, wrong types, NUL
characters and 2 MB prompts); unknown ids 404; a cancel of a finished task 409, with the
task's live feed replayed and ended; and, on a stack where Manim cannot run, 503s saying
why on the POSTs while the GETs and `/api/ai/health` keep answering.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import msgspec
import pytest
from videogen_local.stack import Stack

from tests.conftest import StackFactory
from tests.e2e.manim.conftest import AGENTS, EDIT_SCENE, GENERATE, TASKS, ok, problem, unique

BIG = "x" * (2 * 1024 * 1024)
PROMPT = "Explain machine learning basics"


def _generate(**changes: Any) -> dict[str, Any]:
    return {"project_id": unique("validation"), "content_prompt": PROMPT,
            "scene_count": 1, "render_config": {"quality": "preview"}} | changes


BAD: list[tuple[str, object, str]] = [
    # (path, body, the field to blame)
    (GENERATE, None, "project_id"),
    (GENERATE, {"project_id": "p"}, "content_prompt"),
    (GENERATE, _generate(content_prompt="too short"), "content_prompt"),
    (GENERATE, _generate(content_prompt=BIG), "content_prompt"),
    (GENERATE, _generate(content_prompt=f"{PROMPT}\x00"), "content_prompt"),
    (GENERATE, _generate(content_prompt=12345678901), "content_prompt"),
    (GENERATE, _generate(scene_count=0), "scene_count"),
    (GENERATE, _generate(scene_count=21), "scene_count"),
    (GENERATE, _generate(scene_count="3"), "scene_count"),
    (GENERATE, _generate(render_config={"quality": "ultra"}), "render_config.quality"),
    (GENERATE, _generate(render_config={"resolution": "999p"}), "render_config.resolution"),
    (GENERATE, _generate(render_config={"max_retries": -1}), "render_config.max_retries"),
    (EDIT_SCENE, None, "scene_id"),
    (EDIT_SCENE, {"scene_id": "s_scene_1", "project_id": "p", "edit_prompt": "red"},
     "edit_prompt"),
    (f"{AGENTS}/plan", None, "topic"),
    (f"{AGENTS}/plan", {"topic": ["Machine Learning"]}, "topic"),
    (f"{AGENTS}/plan", {"topic": "Machine\x00Learning"}, "topic"),
    (f"{AGENTS}/plan", {"topic": BIG}, "topic"),
    (f"{AGENTS}/implement", {"topic": "ML", "session_id": unique("no_plan")}, "plan_xml"),
    (f"{AGENTS}/implement", {"topic": "ML", "plan_xml": "<nothing/>",
                             "session_id": unique("bad_plan")}, "plan_xml"),
    (f"{AGENTS}/code", {"topic": "ML", "scene_number": 0}, "scene_number"),
    (f"{AGENTS}/code", {"topic": "ML", "scene_number": "1"}, "scene_number"),
    (f"{AGENTS}/render/scene", {"topic": "ML", "scene_number": 1, "code": "x",
                                "quality": "4k"}, "quality"),
    (f"{AGENTS}/render/scene", {"topic": "ML", "scene_number": 1, "code": "x",
                                "resolution": "wide"}, "resolution"),
    (f"{AGENTS}/render/scene", {"topic": "ML", "scene_number": 1}, "code"),
    (f"{AGENTS}/render/combine", {"session_id": "s", "scenes": []}, "scenes"),
    (f"{AGENTS}/render/combine", {}, "session_id"),
]


@pytest.mark.parametrize(("path", "body", "field"), BAD)
async def test_bad_input_is_422_naming_the_field(
    api: httpx.AsyncClient, path: str, body: object, field: str
) -> None:
    content = b"" if body is None else msgspec.json.encode(body)
    response = await api.post(path, content=content,
                              headers={"Content-Type": "application/json"})
    problem(response, 422, field)


async def test_unknown_task_job_scene_and_session_are_404(api: httpx.AsyncClient) -> None:
    task = uuid.uuid4()
    for response in (await api.get(f"{TASKS}/{task}/status"),
                     await api.get(f"{TASKS}/{task}/result"),
                     await api.delete(f"{TASKS}/{task}"),
                     await api.get(f"{TASKS}/{task}/events"),
                     await api.get(f"{AGENTS}/jobs/{uuid.uuid4()}"),
                     await api.get(f"{AGENTS}/jobs/not-a-job")):
        problem(response, 404)
    problem(await api.post(EDIT_SCENE, json={
        "scene_id": f"{unique('nobody')}_scene_1", "project_id": "p",
        "edit_prompt": "make it more colorful"}), 404, "scene_id")
    problem(await api.post(f"{AGENTS}/render/scene", json={
        "topic": "ML", "scene_number": 1, "session_id": unique("nobody")}), 404, "session_id")
    problem(await api.post(f"{AGENTS}/render/combine", json={
        "session_id": unique("nobody")}), 404, "session_id")
    problem(await api.get("/api/v1/video/files/manim/../../secrets.key"), 404)


async def _sse(api: httpx.AsyncClient, url: str, headers: dict[str, str] | None = None,
               read_timeout: float = 30) -> list[tuple[str, str, dict[str, Any]]]:  # fmt: skip
    """(id, event, data) of every message of a feed that ends by itself."""
    messages: list[tuple[str, str, dict[str, Any]]] = []
    async with api.stream("GET", url, headers=headers, timeout=read_timeout) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        text = "".join([chunk async for chunk in response.aiter_text()])
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines()
                      if not line.startswith(":") and ": " in line)
        if "event" in fields:
            messages.append((fields.get("id", ""), fields["event"],
                             msgspec.json.decode(fields["data"])))
    return messages


async def _project_feed_until(
    api: httpx.AsyncClient, project: str, last: str, opened: asyncio.Event
) -> list[tuple[str, dict[str, Any]]]:
    """(event, data) of a project's feed from now until a `last` message."""
    seen: list[tuple[str, dict[str, Any]]] = []
    url = f"/api/v1/video-generation/projects/{project}/events"
    async with api.stream("GET", url, timeout=60) as response:
        assert response.status_code == 200
        opened.set()
        event = ""
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                event = line[len("event: "):]
            elif line.startswith("data: "):
                seen.append((event, msgspec.json.decode(line[len("data: "):])))
                if event == last:
                    return seen
    return seen


async def test_a_finished_task_cannot_be_cancelled_and_its_feed_says_so(
    api: httpx.AsyncClient,
) -> None:
    body = _generate()
    opened = asyncio.Event()
    follow = asyncio.create_task(_project_feed_until(api, body["project_id"], "cancelled",
                                                     opened))
    await asyncio.wait_for(opened.wait(), 30)
    answer = ok(await api.post(GENERATE, json=body))
    task_id = answer["task_id"]
    assert answer["status"] == "queued"
    assert ok(await api.delete(f"{TASKS}/{task_id}")) == {"task_id": task_id,
                                                         "status": "cancelled"}
    assert ok(await api.get(f"{TASKS}/{task_id}/status"))["status"] == "cancelled"
    problem(await api.delete(f"{TASKS}/{task_id}"), 409)
    problem(await api.get(f"{TASKS}/{task_id}/result"), 409)

    feed = await _sse(api, f"{TASKS}/{task_id}/events")
    events = [event for _, event, _ in feed]
    assert events[0] == "connected"
    assert events[-1] == "cancelled", events
    tasks = [data for _, event, data in feed if event in ("progress", "cancelled")]
    assert all(t["task_id"] == task_id for t in tasks), tasks
    ids = [int(i) for i, event, _ in feed[1:]]
    assert ids == sorted(ids), ids
    # A reconnect from the first message's id replays only what came after it.
    again = await _sse(api, f"{TASKS}/{task_id}/events", {"Last-Event-ID": str(ids[0])})
    assert [int(i) for i, _, _ in again[1:]] == ids[1:]
    # One from the last id (what an EventSource sends when it reconnects after the stream
    # closed) has it all: `connected`, and the end at once, not a wait for nothing.
    done = await _sse(api, f"{TASKS}/{task_id}/events", {"Last-Event-ID": str(ids[-1])},
                      read_timeout=10)
    assert [event for _, event, _ in done] == ["connected"], done
    # The project's feed, followed from before the POST, saw the task from queued to
    # cancelled, and its session's jobs.
    project = await asyncio.wait_for(follow, 30)
    assert project[0][0] == "connected"
    moved = [data for event, data in project if data.get("task_id") == task_id]
    assert moved[-1]["status"] == "cancelled", project
    assert moved[0]["status"] == "queued", project


@pytest.fixture(scope="module")
def no_manim(stack_factory: StackFactory) -> Stack:
    """A stack whose media service cannot import Manim (its Python has none)."""
    return stack_factory(VIDEOGEN_MANIM_PYTHON="/nonexistent/python")


async def test_without_manim_the_posts_are_503_saying_why(no_manim: Stack) -> None:
    async with httpx.AsyncClient(base_url=no_manim.base_url, timeout=60) as api:
        for path, body in ((GENERATE, _generate()),
                           (f"{AGENTS}/plan", {"topic": "Machine Learning"})):
            refused = problem(await api.post(path, json=body), 503)
            assert "Manim is unavailable" in refused["detail"], refused
        # Bad input is still named first, and the GETs still answer.
        problem(await api.post(GENERATE, json=_generate(scene_count=0)), 422, "scene_count")
        problem(await api.get(f"{TASKS}/{uuid.uuid4()}/status"), 404)
        health = ok(await api.get("/api/ai/health"))
        [manim] = [p for p in health["providers"] if p["name"] == "manim"]
        assert manim["available"] is False, manim
        assert manim["detail"], manim
