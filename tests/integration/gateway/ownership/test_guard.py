"""The ownership guard over HTTP: another user's id is exactly the route's own 404 for an
unknown id (status, shape, message); the owner, an admin and the local user pass."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import httpx
import pytest

from .conftest import Events, Gateway, studio_project

# The studio's routes still use Litestar's deprecated inferred path parameters.
pytestmark = pytest.mark.filterwarnings(
    r"ignore:\[paths='/projects:litestar.exceptions.LitestarDeprecationWarning"
)


def same_404(theirs: httpx.Response, unknown: httpx.Response) -> dict[str, Any]:
    """Another user's resource answers what an unknown one does, but for the correlation id
    (and the id the message names, which `unknown`'s request named instead)."""
    assert theirs.status_code == unknown.status_code == 404, (theirs.text, unknown.text)
    assert theirs.headers["content-type"] == unknown.headers["content-type"]
    body, other = theirs.json(), unknown.json()
    for shape in (body, other):
        shape.pop("correlationId", None)
    assert set(body) == set(other)
    assert {k: v for k, v in body.items() if k not in ("detail", "error")} == {
        k: v for k, v in other.items() if k not in ("detail", "error")}
    return dict(body)


async def test_another_users_project_is_the_routes_own_404(
    gateway: Gateway, events: Events
) -> None:
    alice, bob, root, local = gateway("alice"), gateway("bob"), gateway("root"), gateway(None)
    world = await studio_project(events, "alice")
    path = f"/api/v1/projects/{world.project_id}"
    assert (await alice.get(path)).status_code == 200
    assert (await root.get(path)).status_code == 200
    assert (await local.get(path)).status_code == 200
    unknown = uuid4()
    body = same_404(await bob.get(path), await alice.get(f"/api/v1/projects/{unknown}"))
    assert body["detail"] == f"project {world.project_id} not found"
    # a malformed id: the same words as the route's
    theirs = await bob.get("/api/v1/projects/not-a-uuid")
    assert theirs.json()["detail"] == (await root.get("/api/v1/projects/not-a-uuid")).json()[
        "detail"] == "project 'not-a-uuid' not found"
    # entities minted inside alice's script: sections and sentences
    section = f"/api/v1/sections/{world.section_id}"
    assert (await alice.get(section)).status_code == 200
    body = same_404(await bob.get(section), await alice.get(f"/api/v1/sections/{unknown}"))
    assert body["detail"] == f"section {world.section_id} not found"


async def test_a_write_to_another_users_id_is_refused_before_its_body_is_read(
    gateway: Gateway, events: Events
) -> None:
    bob = gateway("bob")
    world = await studio_project(events, "alice")
    # no body at all: ownership answers first, as for an unknown id
    for method, path in [
        ("PUT", f"/api/v1/projects/{world.project_id}"),
        ("DELETE", f"/api/v1/projects/{world.project_id}"),
        ("PUT", f"/api/v1/sentences/{world.sentence_id}"),
        ("POST", f"/api/v1/sentences/{world.sentence_id}/move"),
    ]:
        response = await bob.request(method, path)
        assert response.status_code == 404, (method, path, response.text)


async def test_lists_show_only_the_callers_projects(gateway: Gateway, events: Events) -> None:
    alice, bob, root = gateway("alice"), gateway("bob"), gateway("root")
    mine = await studio_project(events, "alice", "Alice's")
    theirs = await studio_project(events, "bob", "Bob's")

    async def listed(client: httpx.AsyncClient) -> set[str]:
        response = await client.get("/api/v1/projects")
        assert response.status_code == 200, response.text
        return {p["id"] for p in response.json()}

    assert await listed(alice) == {str(mine.project_id)}
    assert await listed(bob) == {str(theirs.project_id)}
    assert {str(mine.project_id), str(theirs.project_id)} <= await listed(root)
