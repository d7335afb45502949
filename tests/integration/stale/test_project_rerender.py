"""Re-rendering a studio project speaks only what changed: project and media services for
real (PostgreSQL, NATS, the process manager, the media work queue), in a world of their own.

FAKES, labelled: the script service's `get_project_script` is played by a fake that answers
with a script the test edits between renders (the real query and the real editing
commands are exercised end to end in tests/e2e/test_stale_rerender.py); the export service
is the production tests' fake boundary, answering every render with RenderCompleted; the
narrator is the unit tests' fake TTS, which counts what it is asked to speak.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
import pytest
from media_service.app.handlers import decode_events
from media_service.bootstrap import MediaService, start_media_service
from media_service.config import MediaConfig
from media_service.workers.preparation import Toolkit
from nats.aio.client import Client
from project_service.bootstrap import ProjectService, start_project_service
from videogen_bus.rpc import send_command, serve_commands
from videogen_contracts.export.commands import RenderTimeline
from videogen_contracts.export.events import RenderCompleted
from videogen_contracts.media.events import SentenceNarrated
from videogen_contracts.media.events import stream_id_for as preparation_stream
from videogen_contracts.project.production import ProductionFailed
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply, QueryAnswered
from videogen_contracts.script.events import ScriptSection, ScriptSentence
from videogen_contracts.script.queries import GetProjectScript, ProjectScript
from videogen_contracts.subjects import Namespace
from videogen_runtime.settings import Settings

from tests.integration.production.test_production_flow import (
    FakeBoundary,
    history,
    nc,  # noqa: F401 (a fixture)
    stage_of,
    wait_for,
)
from tests.unit.media_service.fakes import (
    DirBlobs,
    FakeCaptioner,
    FakeNarrator,
    FakeVisuals,
    WaveProbe,
)

pytestmark = pytest.mark.timeout(90)

TEXTS = ["The fox wakes at dawn.", "It crosses the frozen river.", "Then it sleeps again."]


class FakeScript:
    """FAKE script service: answers `get_project_script` with `self.script` (None: no script)."""

    def __init__(self) -> None:
        self.script: ProjectScript | None = None
        self.asked: list[UUID] = []

    async def handle(self, data: bytes, headers: Mapping[str, str]) -> CommandReply:
        query = msgspec.json.decode(data, type=GetProjectScript)
        self.asked.append(query.project_id)
        if self.script is None or self.script.project_id != query.project_id:
            return CommandRejected(code="not_found", message="no script for this project")
        return QueryAnswered(answer=msgspec.Raw(msgspec.json.encode(self.script)))

    def write(self, project_id: UUID, sentences: list[tuple[UUID, str]]) -> None:
        section = ScriptSection(
            section_id=uuid.uuid5(project_id, "section"), title="Fox", order=0,
            sentences=[
                ScriptSentence(sentence_id=i, text=t, order=n)
                for n, (i, t) in enumerate(sentences)
            ],
        )
        version = 1 + (self.script.version if self.script else 0)
        self.script = ProjectScript(
            project_id=project_id, script_id=uuid.uuid5(project_id, "studio"), version=version,
            sections=[section],
        )


class FakeExport(FakeBoundary):
    """The production tests' FAKE boundary, serving only the export side, and answering
    each render with RenderCompleted the way the export service would."""

    async def serve(self, stack: AsyncExitStack) -> None:
        async def render(data: bytes, headers: Mapping[str, str]) -> CommandReply:
            self.received["render_timeline"].append(data)
            timeline = msgspec.json.decode(data, type=RenderTimeline)
            done = RenderCompleted(
                render_id=timeline.render_id, project_id=timeline.project_id,
                production_id=timeline.production_id, video_key=timeline.output_key,
                subtitle_key=timeline.subtitle_key, duration_s=3.0, size_bytes=1024,
                completed_at=datetime.now(UTC),
            )
            await self.publish("export", done, timeline.project_id)
            return CommandAccepted(stream_id="fake-render", stream_version=1, global_position=1)

        server = await serve_commands(self.nc, self.ns, "export", {"render_timeline": render})
        stack.push_async_callback(server.close)


@dataclass
class World:
    project: ProjectService
    media: MediaService
    narrator: FakeNarrator
    script: FakeScript
    export: FakeExport
    nc: Client
    blobs: Path

    @property
    def ns(self) -> Namespace:
        return self.project.namespace

    async def command(self, name: str, body: dict[str, Any]) -> CommandAccepted:
        body = {"command_id": str(uuid.uuid4()), "now": datetime.now(UTC).isoformat(), **body}
        reply = await send_command(
            self.nc, self.ns, "project", name, msgspec.json.encode(body),
            correlation_id=str(uuid.uuid4()),
        )
        assert isinstance(reply, CommandAccepted), reply
        return reply

    async def create_project(self) -> UUID:
        project_id = uuid.uuid4()
        await self.command("create_project", {"project_id": str(project_id), "topic": "Foxes"})
        return project_id

    async def render(self, project_id: UUID) -> UUID:
        """A production of kind "project", run to its end; returns its id."""
        job = uuid.uuid4()
        await self.command("start_production", {
            "production_id": str(job), "project_id": str(project_id), "kind": "project",
        })

        async def over() -> bool:
            return await stage_of(self.project, job) in ("completed", "failed")

        await wait_for(over, f"production {job} ends")
        return job

    async def narrated(self, job: UUID) -> list[SentenceNarrated]:
        recorded = await self.media.store.read_stream(preparation_stream(job))
        return [e for e in decode_events(recorded) if isinstance(e, SentenceNarrated)]

    def wav_count(self) -> int:
        return len(list((self.blobs / "narration").rglob("*.wav")))


@pytest.fixture
async def world(
    pg_url: str, nats_url: str, world_id: str, tmp_path: Path, nc: Client  # noqa: F811
) -> AsyncIterator[World]:
    settings = Settings(
        database_url=pg_url, nats_url=nats_url, namespace=world_id, data_dir=tmp_path
    )
    narrator = FakeNarrator()
    tools = Toolkit(
        narrator=narrator, probe=WaveProbe(), blobs=DirBlobs(tmp_path / "blobs"),
        captioner=FakeCaptioner(), visuals=FakeVisuals(), clock=lambda: datetime.now(UTC),
    )
    ns = Namespace(world_id)
    script, export = FakeScript(), FakeExport(nc, ns)
    async with AsyncExitStack() as stack:
        server = await serve_commands(nc, ns, "script", {"get_project_script": script.handle})
        stack.push_async_callback(server.close)
        await export.serve(stack)
        media = await start_media_service(
            settings, stack, config=MediaConfig(concurrency=2, ack_wait=5.0), tools=tools
        )
        project = await start_project_service(settings, stack)
        yield World(project, media, narrator, script, export, nc, tmp_path / "blobs")


async def test_editing_one_sentence_re_synthesizes_only_that_sentence(world: World) -> None:
    project_id = await world.create_project()
    ids = [uuid.uuid4() for _ in TEXTS]
    world.script.write(project_id, list(zip(ids, TEXTS, strict=True)))

    first = await world.render(project_id)
    assert await stage_of(world.project, first) == "completed"
    assert sorted(world.narrator.spoken) == sorted(TEXTS)
    assert world.wav_count() == 3

    edited = [TEXTS[0], "It crosses the river on the ice, slowly.", TEXTS[2]]
    world.script.write(project_id, list(zip(ids, edited, strict=True)))
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
    world.script.write(project_id, list(zip(ids, TEXTS, strict=True)))
    await world.render(project_id)
    calls_before = len(world.narrator.spoken)

    new = uuid.uuid4()
    world.script.write(project_id, [(ids[2], TEXTS[2]), (new, "A new line."), (ids[0], TEXTS[0])])
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
