"""The stale-sentence tests' world: project and media services for real, in-process, with
labelled FAKES around them (shared by the tests of this folder).

- FakeScript plays the script service's `get_project_script`, answering with a script the
  test writes (or `start_world(..., script=None)` runs the REAL script service instead);
- FakeExport is the production tests' fake boundary, answering each render with
  RenderCompleted as the export service would;
- the narrator is the unit tests' fake TTS, which records every text it is asked to speak:
  that list is the TTS call counter.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
from media_service.app.handlers import decode_events
from media_service.bootstrap import MediaService, start_media_service
from media_service.config import MediaConfig
from media_service.workers.preparation import Toolkit
from nats.aio.client import Client
from project_service.app.production.reactions import script_sentences
from project_service.bootstrap import ProjectService, start_project_service
from script_service.bootstrap import start_script_service
from videogen_bus.rpc import send_command, serve_commands
from videogen_contracts.export.commands import RenderTimeline
from videogen_contracts.export.events import RenderCompleted
from videogen_contracts.media.events import MediaPreparationRequested, SentenceNarrated
from videogen_contracts.media.events import stream_id_for as preparation_stream
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply, QueryAnswered
from videogen_contracts.script.events import ScriptSection, ScriptSentence
from videogen_contracts.script.queries import GetProjectScript, ProjectScript
from videogen_contracts.subjects import Namespace
from videogen_runtime.settings import Settings

from tests.integration.services.project.production.test_production_flow import (
    FakeBoundary,
    stage_of,
    wait_for,
)
from tests.unit.services.media.fakes import (
    DirBlobs,
    FakeCaptioner,
    FakeNarrator,
    FakeVisuals,
    WaveProbe,
)

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
    # None: the real script service runs instead of the fake.
    script: FakeScript | None
    export: FakeExport
    nc: Client
    blobs: Path

    @property
    def ns(self) -> Namespace:
        return self.project.plumbing.namespace

    @property
    def fake_script(self) -> FakeScript:
        assert self.script is not None
        return self.script

    async def command(
        self, name: str, body: dict[str, Any], service: str = "project"
    ) -> CommandAccepted:
        body = {"command_id": str(uuid.uuid4()), "now": datetime.now(UTC).isoformat(), **body}
        reply = await send_command(
            self.nc, self.ns, service, name, msgspec.json.encode(body),
            correlation_id=str(uuid.uuid4()), timeout=15,
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
        recorded = await self.media.plumbing.store.read_stream(preparation_stream(job))
        return [e for e in decode_events(recorded) if isinstance(e, SentenceNarrated)]

    def wav_count(self) -> int:
        return len(list((self.blobs / "narration").rglob("*.wav")))


async def start_world(
    stack: AsyncExitStack, settings: Settings, client: Client, script: FakeScript | None
) -> World:
    narrator = FakeNarrator()
    blobs = settings.data_dir / "blobs"
    tools = Toolkit(
        narrator=narrator, probe=WaveProbe(), blobs=DirBlobs(blobs),
        captioner=FakeCaptioner(), visuals=FakeVisuals(), clock=lambda: datetime.now(UTC),
    )
    ns = Namespace(settings.namespace)
    export = FakeExport(client, ns)
    if script is None:
        await start_script_service(settings, stack)
    else:
        server = await serve_commands(client, ns, "script", {"get_project_script": script.handle})
        stack.push_async_callback(server.close)
    await export.serve(stack)
    media = await start_media_service(
        settings, stack, config=MediaConfig(concurrency=2, ack_wait=5.0), tools=tools
    )
    project = await start_project_service(settings, stack)
    return World(project, media, narrator, script, export, client, blobs)


async def scripted_project(world: World, topic: str) -> UUID:
    """A new studio project with a script written by the real script service (quick_generate,
    half a minute)."""
    created = await world.command(
        "create_project", {"project_id": str(uuid.uuid4()), "topic": topic}
    )
    project_id = UUID(created.stream_id.removeprefix("project-"))
    await world.command("quick_generate", {
        "project_id": str(project_id), "target_minutes": 0.5,
        "project_version": created.stream_version,
    }, service="script")
    return project_id


async def project_script(world: World, project_id: UUID) -> ProjectScript:
    reply = await send_command(
        world.nc, world.ns, "script", "get_project_script",
        GetProjectScript(project_id=project_id), correlation_id="q",
    )
    assert isinstance(reply, QueryAnswered), reply
    return msgspec.json.decode(reply.answer, type=ProjectScript)


def sentence_ids(script: ProjectScript) -> list[UUID]:
    """In reading order, as the production attaches them."""
    return [s.sentence_id for s in script_sentences(script.sections)]


async def prepared_ids(world: World, job: UUID) -> list[UUID]:
    recorded = await world.media.plumbing.store.read_stream(preparation_stream(job))
    requested = decode_events(recorded)[0]
    assert isinstance(requested, MediaPreparationRequested)
    return [s.sentence_id for s in requested.sentences]
