"""Doc 000 documents no request bodies: what the studio does with none, `{}`, or a bad one.

A call without a body uses the project's own metadata (only a value that is present and
wrong is a 400), and a request for an unknown id is a 404 whatever its body: the resource
is looked up first, then the body is checked (docs/studio.md).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from videogen_local.stack import Stack

from tests.e2e.studio_scripts_client import create_project, problem, quick_script, run_to_end


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.base_url + "/api/v1", timeout=60) as client:
        yield client


async def short_script(api: httpx.AsyncClient, pid: str, **send: Any) -> dict[str, Any]:
    response = await api.post(f"/projects/{pid}/generate-script-short", **send)
    assert response.status_code == 202, response.text
    accepted: dict[str, Any] = response.json()
    await run_to_end(api, pid, accepted["jobId"])
    return accepted


NO_LENGTH: list[tuple[str, dict[str, Any]]] = [
    ("no body", {}),
    ("empty object", {"json": {}}),
    ("null length", {"json": {"targetDuration": None}}),
]


@pytest.mark.parametrize(("case", "send"), NO_LENGTH, ids=[c for c, _ in NO_LENGTH])
async def test_generate_script_short_without_a_length_uses_the_project_s(
    api: httpx.AsyncClient, case: str, send: dict[str, Any]
) -> None:
    two = (await create_project(api, targetDuration=2))["id"]
    explicit = (await create_project(api, targetDuration=2))["id"]
    without = await short_script(api, two, **send)
    given = await short_script(api, explicit, json={"targetDuration": 2})
    assert without["estimatedDurationSeconds"] == given["estimatedDurationSeconds"]


async def test_a_long_project_gets_the_longest_short_script(api: httpx.AsyncClient) -> None:
    long = (await create_project(api, targetDuration=30))["id"]
    ten = (await create_project(api, targetDuration=30))["id"]
    without = await short_script(api, long)
    given = await short_script(api, ten, json={"targetDuration": 10})
    assert without["estimatedDurationSeconds"] == given["estimatedDurationSeconds"]


async def test_a_project_without_a_duration_gets_the_default(api: httpx.AsyncClient) -> None:
    pid = (await create_project(api, targetDuration=None))["id"]
    assert (await short_script(api, pid))["status"] == "queued"


@pytest.mark.parametrize("send", [{}, {"json": {}}], ids=["no body", "empty object"])
async def test_an_update_without_fields_changes_nothing(
    api: httpx.AsyncClient, send: dict[str, Any]
) -> None:
    project = await create_project(api)
    response = await api.put(f"/projects/{project['id']}", **send)
    assert response.status_code == 200, response.text
    assert (await api.get(f"/projects/{project['id']}")).json() == project


@pytest.mark.parametrize("send", [{}, {"json": {}}], ids=["no body", "empty object"])
async def test_bodies_without_a_required_field_are_400(
    api: httpx.AsyncClient, send: dict[str, Any]
) -> None:
    """Where nothing of the project could stand in for it, a missing field is a 400."""
    project = await create_project(api)
    pid = project["id"]
    script = await quick_script(api, pid)
    section = script["sections"][0]
    sentence = section["sentences"][0]
    problem(await api.post("/projects", **send), 400)
    problem(await api.post(f"/projects/{pid}/cast", **send), 400)
    problem(await api.post(f"/projects/{pid}/cast/batch", **send), 400)
    problem(await api.post(f"/sections/{section['id']}/ai-expand/accept", **send), 400)
    problem(await api.post("/sections/reorder", **send), 400)
    problem(await api.post("/sentences/reorder", **send), 400)
    problem(await api.post(f"/sentences/{sentence['id']}/move", **send), 400)
    problem(await api.put(f"/sentences/{sentence['id']}", **send), 400)
    outline = (await api.post(f"/projects/{pid}/generate-outline", **send)).json()
    problem(await api.post(f"/outlines/{outline['id']}/regenerate-section", **send), 400)


UNKNOWN = str(uuid.uuid4())
ROUTES = [
    ("PUT", f"/projects/{UNKNOWN}"),
    ("POST", f"/projects/{UNKNOWN}/cast"),
    ("POST", f"/projects/{UNKNOWN}/cast/batch"),
    ("POST", f"/projects/{UNKNOWN}/quick-generate"),
    ("POST", f"/projects/{UNKNOWN}/generate-outline"),
    ("POST", f"/projects/{UNKNOWN}/generate-script-short"),
    ("POST", f"/projects/{UNKNOWN}/generate-script"),
    ("POST", "/projects/not-a-uuid/generate-script-short"),
    ("POST", f"/outlines/{UNKNOWN}/regenerate-section"),
    ("POST", f"/sections/{UNKNOWN}/ai-expand"),
    ("POST", f"/sections/{UNKNOWN}/ai-expand/accept"),
    ("POST", f"/sentences/{UNKNOWN}/move"),
    ("PUT", f"/sentences/{UNKNOWN}"),
]
BODIES: list[tuple[str, dict[str, Any]]] = [
    ("no body", {}),
    ("malformed", {"content": b"{nope", "headers": {"content-type": "application/json"}}),
    ("wrong types", {"json": {"topic": 5, "targetDuration": "long", "name": [],
                              "sectionIndex": "x", "sentences": 3, "position": "end",
                              "text": None, "mode": "later", "characters": 7}}),
    ("huge value", {"json": {"targetDuration": 1e300, "topic": "t" * 10_000}}),
]


@pytest.mark.parametrize(("case", "send"), BODIES, ids=[c for c, _ in BODIES])
async def test_an_unknown_id_is_404_whatever_the_body(
    api: httpx.AsyncClient, case: str, send: dict[str, Any]
) -> None:
    for method, path in ROUTES:
        response = await api.request(method, path, **send)
        assert problem(response, 404)["status"] == 404, (method, path)
