"""Isolation on each surface's own terms: Aura's RFC 7807 404, doc 004's `{"error"}`,
ids named in a body, the studio WebSocket's subscribe, and the lists."""

from __future__ import annotations

import json
from uuid import UUID, uuid4

import httpx
import pytest
from videogen_contracts.project.events import ProjectCreated
from videogen_contracts.project.production import (
    ProductionBrief,
    ProductionKind,
    ProductionQueued,
    RenderSettings,
    VoiceSettings,
    stream_id_for,
)
from videogen_contracts.script.manim import manim_session_key, manim_session_stream_id
from videogen_gateway.downloads import blob_path
from videogen_runtime.settings import Settings
from websockets.asyncio.client import connect

from .conftest import NOW, Events, Gateway, bearer, studio_project

pytestmark = pytest.mark.filterwarnings(
    r"ignore:\[paths='/projects:litestar.exceptions.LitestarDeprecationWarning"
)


async def production(events: Events, owner: str, kind: ProductionKind) -> UUID:
    job = uuid4()
    brief = ProductionBrief(topic="Volcanoes", audience="Kids", target_minutes=0.2)
    await events.apply("project", stream_id_for(job), ProductionQueued(
        production_id=job, project_id=job, kind=kind, text="Hi there.",
        render=RenderSettings(), voice=VoiceSettings(), queued_at=NOW,
        **({"brief": brief} if kind == "brief" else {}),
    ), owner=owner, project_id=job)
    return job


def without_correlation(response: httpx.Response) -> dict[str, object]:
    body = dict(response.json())
    body.pop("correlationId", None)
    return body


async def test_an_aura_job_of_another_user_is_auras_own_404(
    gateway: Gateway, events: Events
) -> None:
    alice, bob, root = gateway("alice"), gateway("bob"), gateway("root")
    job = await production(events, "alice", "brief")
    assert (await alice.get(f"/api/jobs/{job}")).status_code == 200
    for tail in ("", "/events", "/logs", "/download", "/cancel"):
        method = "POST" if tail == "/cancel" else "GET"
        theirs = await bob.request(method, f"/api/jobs/{job}{tail}")
        # what an admin is told of a job that does not exist, the id aside
        unknown = await root.request(method, f"/api/jobs/{job.hex[:8]}{tail}")
        assert theirs.status_code == unknown.status_code == 404, (tail, theirs.text)
        assert theirs.headers["content-type"] == unknown.headers["content-type"]
        mine, other = without_correlation(theirs), without_correlation(unknown)
        assert mine["detail"] == f"Job {job} not found"
        assert {k: v for k, v in mine.items() if k not in ("detail", "error")} == {
            k: v for k, v in other.items() if k not in ("detail", "error")}
    listed = (await bob.get("/api/jobs")).json()
    assert (listed["jobs"], listed["totalCount"]) == ([], 0)
    assert [j["jobId"] for j in (await alice.get("/api/jobs")).json()["jobs"]] == [str(job)]


async def test_a_text2video_job_of_another_user_is_doc_004s_own_404(
    gateway: Gateway, events: Events
) -> None:
    alice, bob = gateway("alice"), gateway("bob")
    job = await production(events, "alice", "text2video")
    assert (await alice.get(f"/api/v1/status/{job}")).status_code == 200
    for path in (f"/api/v1/status/{job}", f"/api/v1/download/{job}"):
        theirs = await bob.get(path)
        assert theirs.status_code == 404
        assert theirs.headers["content-type"] == "application/json"
        assert theirs.json() == {"error": "Job not found"}
    assert (await bob.get("/api/v1/jobs")).json()["jobs"] == {}
    assert list((await alice.get("/api/v1/jobs")).json()["jobs"]) == [str(job)]


async def test_a_project_named_in_a_body_is_checked_like_one_in_a_path(
    gateway: Gateway, events: Events
) -> None:
    bob, root = gateway("bob"), gateway("root")
    world = await studio_project(events, "alice")
    unknown = uuid4()
    for path in ("/api/export", "/api/ai/generate"):
        theirs = await bob.post(path, json={"project_id": str(world.project_id)})
        assert theirs.status_code == 404, (path, theirs.text)
        assert theirs.json()["detail"] == f"project {world.project_id} not found"
        missing = await root.post(path, json={"project_id": str(unknown)})
        assert missing.json()["detail"] == f"project {unknown} not found"


async def test_the_studio_socket_does_not_follow_another_users_project(
    gateway: Gateway, events: Events
) -> None:
    world = await studio_project(events, "alice")
    url = gateway.base_url.replace("http://", "ws://") + "/api/v1/ws"

    async def subscribe(user: str) -> dict[str, object]:
        async with connect(url, additional_headers=bearer(user)) as ws:
            assert json.loads(await ws.recv())["type"] == "connected"
            await ws.send(json.dumps({"type": "subscribe", "projectId": str(world.project_id)}))
            answer: dict[str, object] = json.loads(await ws.recv())
            return answer

    assert (await subscribe("alice"))["type"] == "subscribed"
    refused = await subscribe("bob")
    assert refused["type"] == "error"
    assert refused["code"] == "not_found"
    assert refused["message"] == f"project {world.project_id} not found"


async def test_a_file_is_its_sessions_owners_and_a_signed_url_is_no_pass(
    gateway: Gateway, events: Events, settings: Settings
) -> None:
    alice, bob = gateway("alice"), gateway("bob")
    # Any event of a session's stream files the session under its owner, whichever
    # projection (if any) shows that event.
    session = manim_session_key("session_0badcafe")
    await events.apply("script", manim_session_stream_id("session_0badcafe"), ProjectCreated(
        project_id=uuid4(), topic="-", style=None, target_duration_minutes=None,
        description=None, audience=None, goal=None, tone=None, language="en",
        aspect_ratio="16:9", owner=None, created_at=NOW,
    ), owner="alice")
    key = f"manim/{session}/scene_1.mp4"
    blob = blob_path(settings.data_dir, key)
    blob.parent.mkdir(parents=True)
    blob.write_bytes(b"\x00" * 64)
    assert (await alice.get(f"/api/v1/video/files/{key}")).status_code == 200
    theirs = await bob.get(f"/api/v1/video/files/{key}")
    missing = await alice.get(f"/api/v1/video/files/manim/{session}/scene_2.mp4")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["detail"] == f"file {key!r} not found"
    # An upload URL of alice's project, whatever its token, is a 404 in bob's hands: the
    # project is looked at before the token (tests/e2e/test_isolation.py sends a real one).
    world = await studio_project(events, "alice")
    url = f"/api/project/{world.project_id}/upload/{uuid4()}?token=x"
    sent = await bob.put(url, content=b"\x00" * 16)
    assert sent.status_code == 404, sent.text
    assert sent.json()["detail"] == f"project {world.project_id} not found"
