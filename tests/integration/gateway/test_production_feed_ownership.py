"""The job routes and the render on the real app with two users (the ownership fixtures):
another user's job or project is a 404 in the surface's own shape, from the existing guard;
the owner's feed opens with `connected` and replays its job; the studio's `stale` flag
follows the project's last completed render."""

from __future__ import annotations

import json
from uuid import UUID, uuid4

import httpx
import pytest
from videogen_contracts.project.production import (
    ProductionCompleted,
    ProductionQueued,
    ProductionScriptAttached,
    ProductionSentence,
    RenderSettings,
    VoiceSettings,
    stream_id_for,
)
from videogen_contracts.script.events import SentenceTextChanged
from videogen_contracts.script.events import stream_id_for as script_stream

from tests.integration.gateway.ownership.conftest import (  # noqa: F401 (fixtures)
    NOW,
    Events,
    Gateway,
    StudioWorld,
    events,
    gateway,
    schema,
    settings,
    studio_project,
)
from tests.integration.gateway.readmodels.conftest import pool  # noqa: F401 (a fixture)

pytestmark = pytest.mark.filterwarnings(
    r"ignore:\[paths='/projects:litestar.exceptions.LitestarDeprecationWarning"
)


async def render(log: Events, world: StudioWorld, owner: str, text: str) -> UUID:
    """A completed production of kind "project" that narrated the world's sentence as `text`."""
    job = uuid4()
    stream = stream_id_for(job)
    for event in (
        ProductionQueued(production_id=job, project_id=world.project_id, kind="project",
                         text="", render=RenderSettings(), voice=VoiceSettings(), queued_at=NOW),
        ProductionScriptAttached(production_id=job, script_id=world.script_id, at=NOW,
                                 sentences=[ProductionSentence(
                                     sentence_id=world.sentence_id, section_id=world.section_id,
                                     text=text)]),
        ProductionCompleted(production_id=job, video_key="v.mp4", subtitle_key=None,
                            duration_s=1.0, size_bytes=1, at=NOW),
    ):
        await log.apply("project", stream, event, owner=owner, project_id=world.project_id)
    return job


async def first_messages(client: httpx.AsyncClient, path: str, count: int) -> list[str]:
    """The `event:` names of the stream's first `count` messages (then the client leaves)."""
    names: list[str] = []
    async with client.stream("GET", path, timeout=10) as response:
        assert response.status_code == 200, await response.aread()
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                names.append(line.removeprefix("event: "))
            if len(names) >= count:
                break
    return names


async def stale(client: httpx.AsyncClient, project_id: UUID) -> list[bool]:
    body = (await client.get(f"/api/v1/projects/{project_id}")).json()
    return [n["stale"] for s in body["sections"] for n in s["sentences"]]


async def test_another_users_job_and_project_are_404_and_the_owners_feed_replays(
    gateway: Gateway, events: Events  # noqa: F811 (the fixtures imported above)
) -> None:
    alice, bob = gateway("alice"), gateway("bob")
    world = await studio_project(events, "alice")
    assert await stale(alice, world.project_id) == [False]  # never rendered
    job = await render(events, world, "alice", "Lava is hot.")

    names = await first_messages(alice, f"/api/v1/jobs/{job}/events", 3)
    assert names == ["connected", "progress", "completed"]
    for method, tail in (("GET", "events"), ("POST", "cancel"), ("POST", "retry")):
        theirs = await bob.request(method, f"/api/v1/jobs/{job}/{tail}")
        assert theirs.status_code == 404, (tail, theirs.text)
        assert theirs.headers["content-type"] == "application/json"
        assert theirs.json() == {"error": "Job not found"}
    theirs = await bob.post(f"/api/v1/projects/{world.project_id}/render")
    assert theirs.status_code == 404
    assert theirs.headers["content-type"] == "application/problem+json"
    assert json.loads(theirs.text)["detail"] == f"project {world.project_id} not found"

    # Rendered as it reads: not stale; its text changed since: stale.
    assert await stale(alice, world.project_id) == [False]
    await events.apply("script", script_stream(world.script_id), SentenceTextChanged(
        script_id=world.script_id, project_id=world.project_id, sentence_id=world.sentence_id,
        section_id=world.section_id, text="Lava is very hot.", revision=2, changed_at=NOW,
    ), owner="alice", project_id=world.project_id)
    assert await stale(alice, world.project_id) == [True]
    # A newer render that narrated the new text makes it current again.
    await render(events, world, "alice", "Lava is very hot.")
    assert await stale(alice, world.project_id) == [False]
