"""Ownership across the real services (project, script and media in-process, over real NATS
and PostgreSQL; export and TTS are stale_world's fakes): a studio project alice makes is
hers on every stream the services make for it (its script, its production, its narration),
though workers made most of them reacting to her events; bob is refused as if none of it
existed, an admin is not.
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
import pytest
from videogen_bus.actor import acting_as
from videogen_bus.rpc import send_command
from videogen_contracts.identity import Actor
from videogen_contracts.media.events import stream_id_for as preparation_stream
from videogen_contracts.project.events import stream_id_for as project_stream
from videogen_contracts.project.production import stream_id_for as production_stream
from videogen_contracts.replies import CommandRejected
from videogen_contracts.script.events import stream_id_for as script_stream
from videogen_contracts.script.events import studio_script_id
from videogen_contracts.script.outline import outline_stream_id
from videogen_contracts.script.queries import GetProjectScript
from videogen_eventstore.api import EventStore
from videogen_eventstore.postgres import PostgresEventStore
from videogen_runtime.settings import Settings

from tests.integration.services.project.production.test_production_flow import (
    nc,  # noqa: F401 (a fixture)
    stage_of,
)
from tests.integration.services.project.production.test_studio_rerender import (
    studio,  # noqa: F401 (a fixture: the stale world with the real script service)
)

from .stale_world import World, project_script, scripted_project

pytestmark = [pytest.mark.timeout(90)]

ALICE = Actor(user="alice")
BOB = Actor(user="bob")
ROOT = Actor(user="root", admin=True)


async def owners(store: EventStore, stream_id: str) -> set[str | None]:
    recorded = await store.read_stream(stream_id)
    assert recorded, f"{stream_id} is empty"
    return {r.metadata.owner for r in recorded}


async def refused(world: World, name: str, body: dict[str, Any], service: str) -> str:
    body = {"command_id": str(uuid.uuid4()), "now": "2026-01-01T00:00:00Z", **body}
    reply = await send_command(
        world.nc, world.ns, service, name, msgspec.json.encode(body), correlation_id="bob",
        timeout=15,
    )
    assert isinstance(reply, CommandRejected), reply
    assert reply.code == "not_found", reply
    return reply.message


async def test_what_the_services_make_for_alices_project_is_hers_and_hidden_from_bob(
    studio: World, world_id: str  # noqa: F811 (the fixture imported above)
) -> None:
    with acting_as(ALICE):
        project_id = await scripted_project(studio, "How bees make honey")
        script = await project_script(studio, project_id)
        job = await studio.render(project_id)  # the production, reacted to by every service
    assert await stage_of(studio.project, job) == "completed"

    project_store = studio.project.plumbing.store
    assert await owners(project_store, project_stream(project_id)) == {"alice"}
    assert await owners(project_store, production_stream(job)) == {"alice"}
    # The script service's log is in its own schema of the same database.
    script_schema = Settings(namespace=world_id).schema_for("script")
    script_store = PostgresEventStore(studio.project.plumbing.pool, script_schema, "script")
    assert await owners(script_store, script_stream(studio_script_id(project_id))) == {"alice"}
    assert await owners(studio.media.plumbing.store, preparation_stream(job)) == {"alice"}
    assert studio.narrator.spoken, "the narration was made"

    sentence = script.sections[0].sentences[0]
    with acting_as(BOB):
        await refused(studio, "update_sentence", {
            "project_id": str(project_id), "sentence_id": str(sentence.sentence_id),
            "text": "Bob was here.",
        }, "script")
        await refused(studio, "start_production", {
            "production_id": str(job), "project_id": str(project_id), "kind": "project",
        }, "project")
        # The domain's own words for a project that does not exist.
        assert await refused(studio, "update_project", {
            "project_id": str(project_id), "topic": "Bob's now",
        }, "project") == f"project {project_id} not found"
        answer = await send_command(
            studio.nc, studio.ns, "script", "get_project_script",
            GetProjectScript(project_id=project_id), correlation_id="bob",
        )
        assert isinstance(answer, CommandRejected), answer
        assert answer.code == "not_found", answer
        # Bob's own new streams for alice's project (an outline, the script of a project of
        # hers that has none yet) are refused too, before any model writes from her brief.
        with acting_as(ALICE):
            other = await studio.create_project()
        outline_id = uuid.uuid4()
        for target in (project_id, other):
            assert await refused(studio, "generate_outline", {
                "project_id": str(target), "outline_id": str(outline_id), "target_minutes": 0.5,
            }, "script") == f"project {target} not found"
        assert await refused(studio, "quick_generate", {
            "project_id": str(other), "target_minutes": 0.5,
        }, "script") == f"project {other} not found"
    assert await script_store.read_stream(outline_stream_id(outline_id)) == []
    assert await script_store.read_stream(script_stream(studio_script_id(other))) == []
    with acting_as(ROOT):
        await studio.command("update_sentence", {
            "project_id": str(project_id), "sentence_id": str(sentence.sentence_id),
            "text": "An admin fixed a typo.",
        }, service="script")
        # What an admin makes for alice's project is hers (the script service declares it).
        await studio.command("quick_generate", {
            "project_id": str(other), "target_minutes": 0.5,
        }, service="script")
        await studio.command("generate_outline", {
            "project_id": str(other), "outline_id": str(outline_id), "target_minutes": 0.5,
        }, service="script")
    assert await owners(script_store, script_stream(studio_script_id(other))) == {"alice"}
    assert await owners(script_store, outline_stream_id(outline_id)) == {"alice"}
    assert (await project_script(studio, project_id)).version == script.version + 1
    assert await owners(script_store, script_stream(studio_script_id(project_id))) == {"alice"}
