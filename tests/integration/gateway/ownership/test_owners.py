"""`resource_owners` on real PostgreSQL: filled by the projector for every event, first
owner wins, nothing for the system's streams, and refilled by a rebuild's replay."""

from __future__ import annotations

from uuid import uuid4

import asyncpg
from videogen_contracts.project.events import CastMemberAdded
from videogen_contracts.project.events import stream_id_for as project_stream
from videogen_gateway.readmodels.migrations import drop_read_models, migrate_gateway
from videogen_gateway.readmodels.owners import owned_of

from .conftest import NOW, Events, studio_project


async def owners(pool: asyncpg.Pool, schema: str) -> dict[str, str]:
    rows = await pool.fetch(f'SELECT resource_id, owner FROM "{schema}".resource_owners')
    return {row["resource_id"]: row["owner"] for row in rows}


async def test_every_id_an_event_names_is_filed_under_its_owner(
    events: Events, pool: asyncpg.Pool, schema: str
) -> None:
    world = await studio_project(events, "alice")
    filed = await owners(pool, schema)
    # the project's stream key, the script's, and the ids the script mints, nested
    for resource in (world.project_id, world.script_id, world.section_id, world.sentence_id):
        assert filed[str(resource)] == "alice"
    # nothing that is not a resource: command, event and correlation ids are not filed
    assert set(filed) == {str(r) for r in (world.project_id, world.script_id,
                                           world.section_id, world.sentence_id)}


async def test_the_first_owner_wins_and_the_system_files_nothing(
    events: Events, pool: asyncpg.Pool, schema: str
) -> None:
    world = await studio_project(events, "alice")
    # A later event naming alice's project, in a stream of bob's, does not take it over.
    character = uuid4()
    await events.apply("project", project_stream(world.project_id), CastMemberAdded(
        project_id=world.project_id, character_id=character, name="Ada", description=None,
        role="host", voice=None, added_at=NOW,
    ), owner="bob", project_id=world.project_id)
    filed = await owners(pool, schema)
    assert filed[str(world.project_id)] == "alice"
    assert filed[str(character)] == "bob"
    system = await studio_project(events, None)
    assert str(system.project_id) not in await owners(pool, schema)
    assert await owned_of(pool, schema, "alice", [str(world.project_id), str(character),
                                                  str(system.project_id)]) == {
        str(world.project_id)}


async def test_a_rebuild_refills_the_owners(
    events: Events, pool: asyncpg.Pool, schema: str
) -> None:
    world = await studio_project(events, "alice")
    before = await owners(pool, schema)
    recorded = list(events.applied)
    await drop_read_models(pool, schema, [p.consumer for p in events.projectors.values()])
    await migrate_gateway(pool, schema)
    assert await owners(pool, schema) == {}
    for service, event in recorded:
        await events.projectors[service].apply(event)
    assert await owners(pool, schema) == before
    assert before[str(world.sentence_id)] == "alice"
