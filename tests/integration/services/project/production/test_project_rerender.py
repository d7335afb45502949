"""Re-rendering a studio project speaks only what changed: project and media services for
real (PostgreSQL, NATS, the process manager, the media work queue), in a world of their own,
with the script service FAKED (stale_world.FakeScript): the test writes the script each
render reads, so it can change a text, an order or the set of sentences directly.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest
from nats.aio.client import Client
from videogen_bus.rpc import send_command
from videogen_contracts.export.commands import RenderTimeline
from videogen_contracts.project.production import ProductionFailed
from videogen_contracts.replies import CommandRejected
from videogen_runtime.settings import Settings

from tests.integration.services.project.production.test_production_flow import (
    history,
    nc,  # noqa: F401 (a fixture)
    stage_of,
)

from .stale_world import TEXTS, FakeScript, World, start_world

pytestmark = [pytest.mark.stale, pytest.mark.timeout(90)]


@pytest.fixture
def settings(pg_url: str, nats_url: str, world_id: str, tmp_path: Path) -> Settings:
    return Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id, data_dir=tmp_path)


@pytest.fixture
async def world(settings: Settings, nc: Client) -> AsyncIterator[World]:  # noqa: F811
    async with AsyncExitStack() as stack:
        yield await start_world(stack, settings, nc, FakeScript())


async def test_editing_one_sentence_re_synthesizes_only_that_sentence(world: World) -> None:
    project_id = await world.create_project()
    ids = [uuid.uuid4() for _ in TEXTS]
    world.fake_script.write(project_id, list(zip(ids, TEXTS, strict=True)))

    first = await world.render(project_id)
    assert await stage_of(world.project, first) == "completed"
    assert sorted(world.narrator.spoken) == sorted(TEXTS)
    assert world.wav_count() == 3

    edited = [TEXTS[0], "It crosses the river on the ice, slowly.", TEXTS[2]]
    world.fake_script.write(project_id, list(zip(ids, edited, strict=True)))
    calls_before = len(world.narrator.spoken)
    second = await world.render(project_id)

    assert await stage_of(world.project, second) == "completed"
    assert world.narrator.spoken[calls_before:] == [edited[1]], "exactly one TTS call"
    reused = {e.sentence_id: e.reused for e in await world.narrated(second)}
    assert reused == {ids[0]: True, ids[1]: False, ids[2]: True}
    assert world.wav_count() == 4, "one new WAV: the edited sentence's"

    # The second render's timeline: the same audio for the unchanged, new for the edited.
    timelines = [msgspec.json.decode(d, type=RenderTimeline)
                 for d in world.export.received["render_timeline"]]
    keys = [{c.clip_id: c.narration_key for c in t.clips} for t in timelines]
    assert [keys[0][i] == keys[1][i] for i in ids] == [True, False, True]
    assert [c.text for c in timelines[1].clips] == edited


async def test_reordering_and_inserting_speaks_only_the_new_sentence(world: World) -> None:
    project_id = await world.create_project()
    ids = [uuid.uuid4() for _ in TEXTS]
    world.fake_script.write(project_id, list(zip(ids, TEXTS, strict=True)))
    await world.render(project_id)
    calls_before = len(world.narrator.spoken)

    new = uuid.uuid4()
    world.fake_script.write(
        project_id, [(ids[2], TEXTS[2]), (new, "A new line."), (ids[0], TEXTS[0])]
    )
    job = await world.render(project_id)

    assert world.narrator.spoken[calls_before:] == ["A new line."]
    reused = [e.reused for e in await world.narrated(job)]
    assert sorted(reused) == [False, True, True]


async def test_a_project_without_a_script_fails_its_render_with_the_reason(world: World) -> None:
    project_id = await world.create_project()
    job = await world.render(project_id)
    failed = (await history(world.project, job))[-1]
    assert isinstance(failed, ProductionFailed)
    assert failed.code == "script_failed"
    assert "no script" in failed.reason
    assert world.narrator.spoken == []


async def test_rendering_an_unknown_project_is_refused(world: World) -> None:
    reply = await send_command(
        world.nc, world.ns, "project", "start_production",
        msgspec.json.encode({
            "command_id": "x", "now": datetime.now(UTC).isoformat(),
            "production_id": str(uuid.uuid4()), "project_id": str(uuid.uuid4()),
            "kind": "project",
        }),
        correlation_id="c",
    )
    assert isinstance(reply, CommandRejected)
    assert reply.code == "not_found"
