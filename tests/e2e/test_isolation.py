"""Two users on the real stack (`VIDEOGEN_AUTH=apikey`, keys minted with the keys CLI): bob
can neither see nor touch alice's resources on any of the five surfaces. Another user's id
is the same 404 as an unknown one; lists show only the caller's; an admin sees everything."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import httpx
import pytest
from videogen_local.stack import Stack
from websockets.asyncio.client import connect


@pytest.fixture(scope="module")
def stack(apikey_stack: Stack) -> Stack:
    return apikey_stack


def mint_key(stack: Stack, user: str, *scopes: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "videogen_gateway", "keys", "create", "--user", user,
         *(arg for scope in scopes for arg in ("--scope", scope))],
        env=stack.env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@dataclass
class Users:
    alice: httpx.AsyncClient
    bob: httpx.AsyncClient
    admin: httpx.AsyncClient
    keys: dict[str, str]


@pytest.fixture(scope="module")
async def users(stack: Stack) -> AsyncIterator[Users]:
    keys = {user: await asyncio.to_thread(mint_key, stack, user, *scopes) for user, scopes in (
        ("alice", ("read", "write")), ("bob", ("read", "write")),
        ("root", ("read", "write", "admin")),
    )}

    def client(user: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=stack.base_url, timeout=60,
                                 headers={"Authorization": f"Bearer {keys[user]}"})

    made = Users(client("alice"), client("bob"), client("root"), keys)
    try:
        yield made
    finally:
        for c in (made.alice, made.bob, made.admin):
            await c.aclose()


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def same_404(theirs: httpx.Response, unknown: httpx.Response) -> None:
    """Status, content type and body keys as for an id that does not exist."""
    assert theirs.status_code == unknown.status_code == 404, (theirs.text, unknown.text)
    assert theirs.headers["content-type"] == unknown.headers["content-type"]
    assert set(theirs.json()) == set(unknown.json())


async def test_studio_and_editor_projects_are_their_owners(users: Users) -> None:
    studio = ok(await users.alice.post("/api/v1/projects", json={"topic": "Alice's"}), 201)
    editor = ok(await users.alice.post("/api/project", json={"name": "Alice's cut"}))
    for path, unknown in [
        (f"/api/v1/projects/{studio['id']}", f"/api/v1/projects/{uuid4()}"),
        (f"/api/v1/projects/{studio['id']}/outlines", f"/api/v1/projects/{uuid4()}/outlines"),
        (f"/api/project/{editor['id']}", f"/api/project/{uuid4()}"),
    ]:
        assert (await users.alice.get(path)).status_code == 200
        assert (await users.admin.get(path)).status_code == 200
        same_404(await users.bob.get(path), await users.bob.get(unknown))
    # nor can bob change or delete them, or export alice's project by naming it in a body
    same_404(await users.bob.put(f"/api/v1/projects/{studio['id']}", json={"topic": "Bob's"}),
             await users.bob.put(f"/api/v1/projects/{uuid4()}", json={"topic": "Bob's"}))
    same_404(await users.bob.delete(f"/api/project/{editor['id']}"),
             await users.bob.delete(f"/api/project/{uuid4()}"))
    same_404(await users.bob.post("/api/export", json={"project_id": editor["id"]}),
             await users.bob.post("/api/export", json={"project_id": str(uuid4())}))
    # alice's signed upload URL is no pass for bob
    asked = ok(await users.alice.post(f"/api/project/{editor['id']}/upload",
                                      json={"file_name": "a.mp4", "content_type": "video/mp4"}))
    reused = await users.bob.put(asked["upload_url"], content=b"\x00" * 16)
    assert (reused.status_code, reused.json()["detail"]) == (
        404, f"project {editor['id']} not found")
    assert (await users.alice.get(f"/api/v1/projects/{studio['id']}")).json()["topic"] == (
        "Alice's")
    theirs = {p["id"] for p in ok(await users.bob.get("/api/v1/projects"))}
    assert not {studio["id"], editor["id"]} & theirs
    mine = {p["id"] for p in ok(await users.alice.get("/api/v1/projects"))}
    assert {studio["id"], editor["id"]} <= mine
    everyone = {p["id"] for p in ok(await users.admin.get("/api/v1/projects"))}
    assert {studio["id"], editor["id"]} <= everyone


async def test_jobs_of_text2video_and_aura_are_their_owners(users: Users) -> None:
    t2v = ok(await users.alice.post("/api/v1/generate", json={"text": "Hello there."}), 202)
    job = t2v["job_id"]
    assert (await users.alice.get(f"/api/v1/status/{job}")).status_code == 200
    for path in (f"/api/v1/status/{job}", f"/api/v1/download/{job}"):
        theirs = await users.bob.get(path)
        assert (theirs.status_code, theirs.json()) == (404, {"error": "Job not found"})
    assert job not in ok(await users.bob.get("/api/v1/jobs"))["jobs"]
    assert job in ok(await users.alice.get("/api/v1/jobs"))["jobs"]

    aura = ok(await users.alice.post("/api/jobs", json={"brief": {"topic": "Sky"}}), 202)
    for tail in ("", "/events", "/logs", "/download"):
        same_404(await users.bob.get(f"/api/jobs/{aura['jobId']}{tail}"),
                 await users.bob.get(f"/api/jobs/{uuid4()}{tail}"))
    assert aura["jobId"] not in {j["jobId"] for j in ok(await users.bob.get("/api/jobs"))["jobs"]}
    assert aura["jobId"] in {j["jobId"] for j in ok(await users.alice.get("/api/jobs"))["jobs"]}


async def test_a_manim_job_and_its_projects_feed_are_their_owners(users: Users) -> None:
    planned = ok(await users.alice.post("/api/v1/video/agents/plan", json={"topic": "Circles"}))
    job, session = planned["job_id"], planned["meta"]["session_id"]
    path = f"/api/v1/video/agents/jobs/{job}"
    assert (await users.alice.get(path)).status_code == 200
    same_404(await users.bob.get(path), await users.bob.get(f"/api/v1/video/agents/jobs/{uuid4()}"))
    # A session opened without a project is its own project: its live feed is alice's.
    feed = f"/api/v1/video-generation/projects/{session}/events"
    async with users.alice.stream("GET", feed) as stream:
        assert stream.status_code == 200
    theirs = await users.bob.get(feed)
    assert (theirs.status_code, theirs.json()["detail"]) == (404, f"project {session!r} not found")


async def test_the_studio_socket_follows_only_the_callers_projects(
    stack: Stack, users: Users
) -> None:
    project = ok(await users.alice.post("/api/v1/projects", json={"topic": "Live"}), 201)
    url = stack.base_url.replace("http://", "ws://") + "/api/v1/ws"

    async def subscribe(user: str) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {users.keys[user]}"}
        async with connect(url, additional_headers=headers) as ws:
            assert json.loads(await ws.recv())["type"] == "connected"
            await ws.send(json.dumps({"type": "subscribe", "projectId": project["id"]}))
            answer: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 15))
            return answer

    assert (await subscribe("alice"))["type"] == "subscribed"
    refused = await subscribe("bob")
    assert (refused["type"], refused["code"]) == ("error", "not_found")
