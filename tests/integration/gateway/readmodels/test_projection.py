"""The project projection on real PostgreSQL: exactly once, in stream order, and notified."""

from __future__ import annotations

import asyncio
from uuid import UUID, uuid4

import asyncpg
import pytest
from videogen_contracts.project.events import (
    CastMemberAdded,
    CastMemberRemoved,
    ProjectChanges,
    ProjectCreated,
    ProjectDeleted,
    ProjectUpdated,
    stream_id_for,
)
from videogen_gateway.positions import PositionWaiter, listening
from videogen_gateway.readmodels.migrations import migrate_gateway
from videogen_gateway.readmodels.projector import Outcome, OutOfOrder, ProjectProjector
from videogen_gateway.readmodels.projects.queries import ProjectQueries

from .conftest import NOW, Recorder

CONSUMER = "gateway-projects"


def created(pid: UUID, topic: str = "Volcanoes") -> ProjectCreated:
    return ProjectCreated(
        project_id=pid, topic=topic, style="documentary", target_duration_minutes=5.0,
        description=None, audience="kids", goal=None, tone=None, language="en",
        aspect_ratio="16:9", owner=None, created_at=NOW,
    )


def cast_added(pid: UUID, name: str, character_id: UUID | None = None) -> CastMemberAdded:
    return CastMemberAdded(
        project_id=pid, character_id=character_id or uuid4(), name=name, description=None,
        role="host", voice=None, added_at=NOW,
    )


@pytest.fixture
async def projector(pool: asyncpg.Pool, schema: str) -> ProjectProjector:
    await migrate_gateway(pool, schema)
    return ProjectProjector(pool, schema, CONSUMER)


async def test_the_same_event_twice_has_one_effect(
    projector: ProjectProjector, pool: asyncpg.Pool, schema: str, record: Recorder
) -> None:
    pid = uuid4()
    first, cast = record(created(pid), 1), record(cast_added(pid, "Ada"), 2)
    assert await projector.apply(first) is Outcome.APPLIED
    assert await projector.apply(cast) is Outcome.APPLIED
    assert await projector.apply(first) is Outcome.ALREADY_APPLIED
    assert await projector.apply(cast) is Outcome.ALREADY_APPLIED
    # Even with the stream position forgotten, the tracking row stops a second effect.
    await pool.execute(f'DELETE FROM "{schema}".stream_positions')
    assert await projector.apply(first) is Outcome.ALREADY_APPLIED
    detail = await ProjectQueries(pool, schema).get_project(pid)
    assert detail is not None
    assert [c.name for c in detail.cast] == ["Ada"]
    assert await pool.fetchval(f'SELECT count(*) FROM "{schema}".projects') == 1


async def test_concurrent_deliveries_of_one_event_apply_it_once(
    projector: ProjectProjector, pool: asyncpg.Pool, schema: str, record: Recorder
) -> None:
    pid = uuid4()
    await projector.apply(record(created(pid), 1))
    cast = record(cast_added(pid, "Ada"), 2)
    outcomes = await asyncio.gather(*(projector.apply(cast) for _ in range(5)))
    assert sorted(o.value for o in outcomes) == ["already_applied"] * 4 + ["applied"]
    assert await pool.fetchval(f'SELECT count(*) FROM "{schema}".cast_members') == 1


async def test_an_event_that_arrives_early_waits_for_its_predecessor(
    projector: ProjectProjector, pool: asyncpg.Pool, schema: str, record: Recorder
) -> None:
    pid = uuid4()
    v1 = record(created(pid), 1)
    v2 = record(ProjectUpdated(project_id=pid, changes=ProjectChanges(topic="Lava"),
                               updated_at=NOW), 2)
    v3 = record(ProjectUpdated(project_id=pid, changes=ProjectChanges(style=None),
                               updated_at=NOW), 3)
    with pytest.raises(OutOfOrder):
        await projector.apply(v3)
    with pytest.raises(OutOfOrder):
        await projector.apply(v2)
    for event in (v1, v2, v3):
        assert await projector.apply(event) is Outcome.APPLIED
    detail = await ProjectQueries(pool, schema).get_project(pid)
    assert detail is not None
    assert (detail.project.topic, detail.project.style) == ("Lava", None)
    assert detail.project.audience == "kids"  # untouched by the updates


async def test_cast_removal_and_project_deletion(
    projector: ProjectProjector, pool: asyncpg.Pool, schema: str, record: Recorder
) -> None:
    pid, ada, bo = uuid4(), uuid4(), uuid4()
    events = [
        created(pid), cast_added(pid, "Ada", ada), cast_added(pid, "Bo", bo),
        CastMemberRemoved(project_id=pid, character_id=ada, removed_at=NOW),
    ]
    for version, event in enumerate(events, start=1):
        await projector.apply(record(event, version))
    queries = ProjectQueries(pool, schema)
    detail = await queries.get_project(pid)
    assert detail is not None
    assert [c.name for c in detail.cast] == ["Bo"]
    await projector.apply(record(ProjectDeleted(project_id=pid, deleted_at=NOW), 5))
    assert await queries.get_project(pid) is None
    assert await queries.list_projects() == []


async def test_events_it_does_not_show_still_move_the_position(
    projector: ProjectProjector, schema: str, pool: asyncpg.Pool, record: Recorder
) -> None:
    pid = uuid4()
    await projector.apply(record(created(pid), 1))
    other = record(created(pid), 2)
    import msgspec

    foreign = msgspec.structs.replace(other, type="SomethingNewHappened")
    assert await projector.apply(foreign) is Outcome.APPLIED
    assert await projector.apply(record(cast_added(pid, "Ada"), 3)) is Outcome.APPLIED
    waiter = PositionWaiter(pool, schema)
    assert await waiter.current(stream_id_for(pid)) == 3


async def test_waiters_wake_when_their_version_is_applied(
    projector: ProjectProjector, pool: asyncpg.Pool, pg_url: str, schema: str, record: Recorder
) -> None:
    pid = uuid4()
    waiter = PositionWaiter(pool, schema)
    async with listening(waiter, pg_url, schema):
        await asyncio.sleep(0.2)  # let the LISTEN connection subscribe
        stream = stream_id_for(pid)
        waiting = asyncio.create_task(waiter.wait_for(stream, 2, within=5))
        late = asyncio.create_task(waiter.wait_for(stream, 3, within=0.3))
        await asyncio.sleep(0.05)
        await projector.apply(record(created(pid), 1))
        await asyncio.sleep(0.05)
        assert not waiting.done()
        loop = asyncio.get_running_loop()
        started = loop.time()
        await projector.apply(record(cast_added(pid, "Ada"), 2))
        assert await waiting is True
        assert loop.time() - started < 0.2  # woken by NOTIFY, not by the re-check
        assert await late is False
        # Already there: answered from the table, with no notification to come.
        assert await waiter.wait_for(stream, 1, within=1) is True


async def test_cached_details_are_never_older_than_a_finished_wait(
    projector: ProjectProjector, pool: asyncpg.Pool, pg_url: str, schema: str, record: Recorder
) -> None:
    """Read-your-writes with the cache: once a write's wait returns, reads show it."""
    from videogen_gateway.readmodels.projects.cache import DetailCache

    pid = uuid4()
    cache = DetailCache()
    waiter = PositionWaiter(pool, schema)
    waiter.observe(cache)
    queries = ProjectQueries(pool, schema, cache)
    stream = stream_id_for(pid)
    async with listening(waiter, pg_url, schema):
        await asyncio.sleep(0.2)
        assert cache.live
        await projector.apply(record(created(pid, "v1"), 1))
        assert await waiter.wait_for(stream, 1, within=5)
        for version in range(2, 40):
            # Warm the cache with the current version, then write the next one.
            assert (await queries.get_project(pid)) is not None
            assert cache.get(pid) is not None
            topic = f"v{version}"
            await projector.apply(record(ProjectUpdated(
                project_id=pid, changes=ProjectChanges(topic=topic), updated_at=NOW), version))
            assert await waiter.wait_for(stream, version, within=5)
            detail = await queries.get_project(pid)
            assert detail is not None
            assert detail.project.topic == topic
