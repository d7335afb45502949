"""The studio's Projects API (seed 000) over real HTTP, against the whole stack as processes.

Every endpoint, and every bad input of issue 2: each gets a clear 4xx problem+json with an
X-Correlation-ID, never a 500, and leaves what is stored untouched.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
from videogen_local.stack import Stack

PROBLEM_KEYS = {"type", "title", "status", "detail", "correlationId", "error"}
PROJECT_KEYS = {
    "id", "topic", "style", "targetDuration", "description", "audience", "goal", "tone",
    "language", "aspectRatio", "status", "createdAt", "updatedAt", "sectionCount",
    "sentenceCount", "_count",
}
BRIEF = {
    "topic": "How volcanoes work",
    "style": "documentary",
    "targetDuration": 5,
    "description": "A short explainer",
    "audience": "teenagers",
    "goal": "educate",
    "tone": "curious",
    "language": "en",
    "aspectRatio": "16:9",
}


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.base_url + "/api/v1", timeout=30) as client:
        yield client


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """Assert the one error shape, and return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert set(body) >= PROBLEM_KEYS, body
    assert body["status"] == status
    assert body["error"] == body["detail"]
    assert body["correlationId"] == response.headers["x-correlation-id"]
    return body


async def create(api: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await api.post("/projects", json=BRIEF | overrides)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def detail(api: httpx.AsyncClient, project_id: str) -> dict[str, Any]:
    response = await api.get(f"/projects/{project_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def listed_ids(api: httpx.AsyncClient) -> list[str]:
    response = await api.get("/projects")
    assert response.status_code == 200
    return [p["id"] for p in response.json()]


# --- the eight endpoints --------------------------------------------------------------------


async def test_create_then_get_and_list(api: httpx.AsyncClient) -> None:
    response = await api.post("/projects", json=BRIEF)
    assert response.status_code == 201
    assert response.headers["x-correlation-id"]
    project = response.json()
    assert set(project) >= PROJECT_KEYS
    assert {k: project[k] for k in BRIEF} == BRIEF
    assert project["status"] == "draft"
    assert (project["sectionCount"], project["sentenceCount"]) == (0, 0)
    assert project["_count"] == {"sections": 0, "sentences": 0}
    assert (project["cast"], project["sections"]) == ([], [])

    # Read-your-writes: the GET right after the POST sees it.
    assert await detail(api, project["id"]) == project
    listing = (await api.get("/projects")).json()
    mine = [p for p in listing if p["id"] == project["id"]]
    assert len(mine) == 1
    assert set(mine[0]) == PROJECT_KEYS
    assert mine[0]["_count"] == {"sections": 0, "sentences": 0}


async def test_create_with_only_a_topic_takes_the_defaults(api: httpx.AsyncClient) -> None:
    response = await api.post("/projects", json={"topic": "Minimal"})
    assert response.status_code == 201
    project = response.json()
    assert (project["language"], project["aspectRatio"]) == ("en", "16:9")
    assert project["style"] is None
    assert project["targetDuration"] is None


async def test_update_changes_only_what_was_sent(api: httpx.AsyncClient) -> None:
    project = await create(api)
    response = await api.put(
        f"/projects/{project['id']}", json={"topic": "Lava", "targetDuration": 12, "style": None}
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["topic"], updated["targetDuration"], updated["style"]) == ("Lava", 12, None)
    assert updated["audience"] == BRIEF["audience"]
    assert updated["createdAt"] == project["createdAt"]
    assert updated["updatedAt"] >= project["updatedAt"]
    assert await detail(api, project["id"]) == updated


async def test_delete_then_gone_and_twice_is_404(api: httpx.AsyncClient) -> None:
    project = await create(api)
    response = await api.delete(f"/projects/{project['id']}")
    assert response.status_code == 200
    assert response.json() == {"success": True}
    problem(await api.get(f"/projects/{project['id']}"), 404)
    assert project["id"] not in await listed_ids(api)
    problem(await api.delete(f"/projects/{project['id']}"), 404)
    problem(await api.put(f"/projects/{project['id']}", json={"topic": "back?"}), 404)
    problem(await api.post(f"/projects/{project['id']}/cast", json={"name": "Ghost"}), 404)


async def test_cast_add_batch_and_remove(api: httpx.AsyncClient) -> None:
    project = await create(api)
    pid = project["id"]
    response = await api.post(
        f"/projects/{pid}/cast", json={"name": "Ada", "role": "narrator", "voice": "alloy"}
    )
    assert response.status_code == 201, response.text
    ada = response.json()
    assert set(ada) == {"id", "name", "description", "role", "voice"}
    assert (ada["name"], ada["role"], ada["voice"], ada["description"]) == (
        "Ada", "narrator", "alloy", None,
    )
    response = await api.post(
        f"/projects/{pid}/cast/batch",
        json={"characters": [{"name": "Bo", "description": "a guide"}, {"name": "Cy"}]},
    )
    assert response.status_code == 201, response.text
    assert [c["name"] for c in response.json()] == ["Bo", "Cy"]
    # A bare array is taken too.
    response = await api.post(f"/projects/{pid}/cast/batch", json=[{"name": "Di"}])
    assert response.status_code == 201, response.text

    cast = (await detail(api, pid))["cast"]
    assert [c["name"] for c in cast] == ["Ada", "Bo", "Cy", "Di"]
    assert cast[1]["description"] == "a guide"

    response = await api.delete(f"/projects/{pid}/cast/{ada['id']}")
    assert response.status_code == 200
    assert [c["name"] for c in (await detail(api, pid))["cast"]] == ["Bo", "Cy", "Di"]
    problem(await api.delete(f"/projects/{pid}/cast/{ada['id']}"), 404)
    problem(await api.delete(f"/projects/{pid}/cast/not-a-uuid"), 404)
    problem(await api.delete(f"/projects/{pid}/cast/{uuid.uuid4()}"), 404)


async def test_read_your_writes_in_a_tight_loop(api: httpx.AsyncClient) -> None:
    for i in range(15):
        project = await create(api, topic=f"loop {i}")
        assert (await detail(api, project["id"]))["topic"] == f"loop {i}"
        response = await api.put(f"/projects/{project['id']}", json={"tone": f"tone {i}"})
        assert response.status_code == 200
        assert (await detail(api, project["id"]))["tone"] == f"tone {i}"
        assert (await api.delete(f"/projects/{project['id']}")).status_code == 200
        assert (await api.get(f"/projects/{project['id']}")).status_code == 404


# --- bad input: 4xx, the one error shape, nothing stored changed ----------------------------

BAD_CREATES: list[tuple[str, bytes | dict[str, Any] | list[Any], int, str | None]] = [
    ("malformed json", b'{"topic": "x",', 400, None),
    ("empty body", b"", 400, None),
    ("array instead of object", [1, 2], 400, None),
    ("topic of wrong type", {"topic": 5}, 400, "topic"),
    ("duration of wrong type", {"topic": "x", "targetDuration": "ten"}, 400, "targetDuration"),
    ("unknown aspect ratio", {"topic": "x", "aspectRatio": "4:3"}, 400, "aspectRatio"),
    ("missing topic", {"style": "documentary"}, 400, "topic"),
    ("blank topic", {"topic": "   "}, 400, "topic"),
    ("topic too long", {"topic": "t" * 501}, 400, "topic"),
    ("negative duration", {"topic": "x", "targetDuration": -5}, 400, "targetDuration"),
    ("zero duration", {"topic": "x", "targetDuration": 0}, 400, "targetDuration"),
    ("absurd duration", {"topic": "x", "targetDuration": 10_000_000}, 400, "targetDuration"),
    ("overflowing duration", b'{"topic": "x", "targetDuration": 1e999}', 400, None),
]


@pytest.mark.parametrize(("case", "body", "status", "field"), BAD_CREATES,
                         ids=[c[0] for c in BAD_CREATES])
async def test_bad_creates_are_refused_and_store_nothing(
    api: httpx.AsyncClient, case: str, body: Any, status: int, field: str | None
) -> None:
    before = await listed_ids(api)
    if isinstance(body, bytes):
        response = await api.post(
            "/projects", content=body, headers={"content-type": "application/json"}
        )
    else:
        response = await api.post("/projects", json=body)
    refused = problem(response, status)
    if field:
        assert refused.get("field") == field, refused
    assert await listed_ids(api) == before


async def test_a_two_megabyte_topic_is_413(api: httpx.AsyncClient) -> None:
    before = await listed_ids(api)
    refused = problem(await api.post("/projects", json={"topic": "x" * 2_000_000}), 413)
    assert "large" in refused["title"].lower()
    project = await create(api)
    problem(await api.put(f"/projects/{project['id']}", json={"topic": "y" * 2_000_000}), 413)
    assert await detail(api, project["id"]) == project
    assert set(await listed_ids(api)) == {*before, project["id"]}


BAD_UPDATES: list[tuple[str, bytes | dict[str, Any], str | None]] = [
    ("malformed json", b"{nope", None),
    ("null topic", {"topic": None}, "topic"),
    ("blank topic", {"topic": ""}, "topic"),
    ("duration of wrong type", {"targetDuration": [1]}, "targetDuration"),
    ("negative duration", {"targetDuration": -1}, "targetDuration"),
    ("absurd duration", {"targetDuration": 181}, "targetDuration"),
    ("description too long", {"description": "d" * 5001}, "description"),
]


@pytest.mark.parametrize(("case", "body", "field"), BAD_UPDATES, ids=[c[0] for c in BAD_UPDATES])
async def test_bad_updates_are_400_and_change_nothing(
    api: httpx.AsyncClient, case: str, body: Any, field: str | None
) -> None:
    project = await create(api)
    if isinstance(body, bytes):
        response = await api.put(
            f"/projects/{project['id']}", content=body,
            headers={"content-type": "application/json"},
        )
    else:
        response = await api.put(f"/projects/{project['id']}", json=body)
    refused = problem(response, 400)
    if field:
        assert refused.get("field") == field, refused
    assert await detail(api, project["id"]) == project


UNKNOWN_IDS = ["3f0c8a52-5d1e-4c7b-9a61-0d2e8f4b7c19", "not-a-uuid", "123", "%20"]


@pytest.mark.parametrize("unknown", UNKNOWN_IDS)
async def test_unknown_ids_are_404_on_every_endpoint(api: httpx.AsyncClient, unknown: str) -> None:
    before = await listed_ids(api)
    problem(await api.get(f"/projects/{unknown}"), 404)
    problem(await api.put(f"/projects/{unknown}", json={"topic": "x"}), 404)
    problem(await api.delete(f"/projects/{unknown}"), 404)
    problem(await api.post(f"/projects/{unknown}/cast", json={"name": "A"}), 404)
    problem(await api.post(f"/projects/{unknown}/cast/batch", json={"characters": [{"name": "A"}]}),
            404)
    problem(await api.delete(f"/projects/{unknown}/cast/{uuid.uuid4()}"), 404)
    assert await listed_ids(api) == before


BAD_CAST: list[tuple[str, str, Any, str | None]] = [
    ("empty batch", "/cast/batch", {"characters": []}, "characters"),
    ("empty bare batch", "/cast/batch", [], "characters"),
    ("10,000-char name", "/cast", {"name": "n" * 10_000}, "name"),
    ("10,000-char description", "/cast", {"name": "A", "description": "d" * 10_000},
     "description"),
    ("10,000-char member in a batch", "/cast/batch",
     {"characters": [{"name": "ok"}, {"name": "n" * 10_000}]}, "characters[1].name"),
    ("blank name", "/cast", {"name": " "}, "name"),
    ("name of wrong type", "/cast", {"name": 7}, "name"),
    ("missing name", "/cast", {"role": "host"}, "name"),
    ("batch without characters", "/cast/batch", {"people": []}, None),
]


@pytest.mark.parametrize(("case", "path", "body", "field"), BAD_CAST, ids=[c[0] for c in BAD_CAST])
async def test_bad_cast_input_is_400_and_changes_nothing(
    api: httpx.AsyncClient, case: str, path: str, body: Any, field: str | None
) -> None:
    project = await create(api)
    await api.post(f"/projects/{project['id']}/cast", json={"name": "Existing"})
    before = await detail(api, project["id"])
    refused = problem(await api.post(f"/projects/{project['id']}{path}", json=body), 400)
    if field:
        assert refused.get("field") == field, refused
    assert await detail(api, project["id"]) == before


async def test_unknown_route_and_wrong_method_are_problems(api: httpx.AsyncClient) -> None:
    problem(await api.get("/no-such-thing"), 404)
    problem(await api.patch("/projects"), 405)


async def test_the_callers_correlation_id_comes_back(api: httpx.AsyncClient) -> None:
    response = await api.get(f"/projects/{uuid.uuid4()}", headers={"X-Correlation-ID": "cid-42"})
    assert response.headers["x-correlation-id"] == "cid-42"
    assert problem(response, 404)["correlationId"] == "cid-42"
    ok = await api.post("/projects", json=BRIEF, headers={"X-Correlation-ID": "cid-43"})
    assert ok.headers["x-correlation-id"] == "cid-43"


# --- concurrency: never a lost update -----------------------------------------------------------


async def _events_in_stream(stack: Stack, project_id: str) -> int:
    namespace = stack.env["VIDEOGEN_NAMESPACE"]
    schema = f"{namespace}_project" if namespace else "project"
    conn = await asyncpg.connect(stack.env["VIDEOGEN_DATABASE_URL"])
    try:
        count: int = await conn.fetchval(
            f'SELECT count(*) FROM "{schema}".events WHERE stream_id = $1',
            f"project-{project_id}",
        )
        return count
    finally:
        await conn.close()


@pytest.mark.parametrize("writers", [2, 8])
async def test_concurrent_updates_are_all_applied_or_409(
    api: httpx.AsyncClient, stack: Stack, writers: int
) -> None:
    project = await create(api)
    fields = ["topic", "style", "description", "audience", "goal", "tone", "language", "topic"]
    bodies = [{fields[i]: f"value {i}"} for i in range(writers)]
    responses = await asyncio.gather(
        *(api.put(f"/projects/{project['id']}", json=body) for body in bodies)
    )
    assert {r.status_code for r in responses} <= {200, 409}, [r.text for r in responses]
    applied = [body for body, r in zip(bodies, responses, strict=True) if r.status_code == 200]
    assert applied, "at least one update must win"
    final = await detail(api, project["id"])
    for body in applied:
        (field, value), = body.items()
        if field != "topic":  # two writers set topic: the later one wins, both are events
            assert final[field] == value, (field, final)
    assert final["topic"] in {b["topic"] for b in applied if "topic" in b} | {BRIEF["topic"]}
    # One ProjectCreated, then exactly one ProjectUpdated per 200.
    assert await _events_in_stream(stack, project["id"]) == 1 + len(applied)


# --- the rest of the gateway's surface ---------------------------------------------------------


async def test_openapi_and_metrics(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=10) as client:
        schema = (await client.get("/schema/openapi.json")).json()
        paths = set(schema["paths"])
        assert {"/api/v1/projects", "/api/v1/projects/{project_id}",
                "/api/v1/projects/{project_id}/cast/batch"} <= paths
        metrics = await client.get("/metrics")
        assert metrics.status_code == 200
        assert "videogen_gateway_requests_total" in metrics.text
