"""The export service's Manim combine worker on real PostgreSQL, NATS and ffmpeg.

The export service runs in-process in a world of its own; a CombineRequested is published
on the script stream exactly as the script service's relay does, and the script side of
the conversation (`manim_start_job`, `manim_record_combine`) is a recording stand-in
served on the same bus; the last test goes through the real script service's session
instead (render answers as the media service sends them, then a combine request). The
scenes are small generated clips of different sizes, some
with audio and some without, as the render worker stores them.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest
from export_service.adapters.blobs import ExportBlobs
from export_service.bootstrap import ExportService, start_export_service
from export_service.config import ExportConfig
from nats.aio.client import Client
from script_service.bootstrap import ScriptService, start_script_service
from videogen_bus.rpc import ServiceUnavailable, send_command, serve_commands
from videogen_contracts.envelope import EventMetadata, RecordedEvent, encode_recorded, to_raw
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply
from videogen_contracts.script.manim import (
    CombinedScene,
    CombineRequested,
    ManimJobFailed,
    ManimSessionEventBase,
    RecordCombine,
    RecordSceneRender,
    RequestCombine,
    RequestSceneRender,
    ScenesCombined,
    StartManimJob,
    combined_blob_keys,
    manim_project_key,
    manim_session_event_decoder,
    manim_session_stream_id,
    scene_blob_keys,
)
from videogen_contracts.subjects import Namespace
from videogen_media.blobs import LocalBlobStore
from videogen_media.probe import probe
from videogen_media.srt_merge import parse_srt
from videogen_runtime.settings import Settings

from tests.integration.media.conftest import make_clip

SESSION = "session_c0mb1ne0"
PROJECT = "it-manim-combine"


@dataclass
class ScriptStandIn:
    """The script service's side: records each answer, replies accepted (or `refuse`s)."""

    starts: list[StartManimJob] = field(default_factory=list)
    records: list[RecordCombine] = field(default_factory=list)
    refuse_start: bool = False

    async def start_job(self, body: bytes, headers: Mapping[str, str]) -> CommandReply:
        self.starts.append(msgspec.json.decode(body, type=StartManimJob))
        if self.refuse_start:
            return CommandRejected(code="conflict", message="the job was cancelled")
        return CommandAccepted(stream_id="s", stream_version=1, global_position=1)

    async def record(self, body: bytes, headers: Mapping[str, str]) -> CommandReply:
        self.records.append(msgspec.json.decode(body, type=RecordCombine))
        return CommandAccepted(stream_id="s", stream_version=2, global_position=2)

    async def recorded(self, count: int = 1, within: float = 30.0) -> list[RecordCombine]:
        async with asyncio.timeout(within):
            while True:
                if len(self.records) >= count:
                    return self.records
                await asyncio.sleep(0.05)


@pytest.fixture
def blobs(tmp_path: Path) -> ExportBlobs:
    return ExportBlobs(LocalBlobStore(tmp_path / "blobs"))


@pytest.fixture
def settings(pg_url: str, nats_url: str, world_id: str) -> Settings:
    return Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id)


async def start_export(
    settings: Settings, stack: AsyncExitStack, blobs: ExportBlobs
) -> ExportService:
    config = ExportConfig(ack_wait=5.0, max_attempts=2)
    return await start_export_service(settings, stack, blobs=blobs, config=config)


@pytest.fixture
async def service(settings: Settings, blobs: ExportBlobs) -> AsyncIterator[ExportService]:
    async with AsyncExitStack() as stack:
        yield await start_export(settings, stack, blobs)


@pytest.fixture
async def script(service: ExportService) -> AsyncIterator[ScriptStandIn]:
    """Served on the export service's own connection, which the tests publish on too."""
    stand_in = ScriptStandIn()
    handlers = {"manim_start_job": stand_in.start_job, "manim_record_combine": stand_in.record}
    base = service.plumbing
    async with await serve_commands(base.nc, base.namespace, "script", handlers):
        yield stand_in


@pytest.fixture
def nc(service: ExportService) -> Client:
    return service.plumbing.nc


def store_scenes(blobs: ExportBlobs, tmp_path: Path) -> list[CombinedScene]:
    """Three rendered scenes: a narrated 320x240@15 (2 s, subtitled), a silent
    640x360@30 (1.5 s, no SRT), and a narrated 320x240@15 (1.2 s, subtitled)."""
    sources = [
        ("testsrc=size=320x240:rate=15:duration=2", "sine=frequency=440:duration=2", 2.0),
        ("color=c=red:size=640x360:rate=30:d=1.5", None, 1.5),
        ("color=c=blue:size=320x240:rate=15:d=1.2", "sine=frequency=660:duration=1.2", 1.2),
    ]
    scenes = []
    for number, (picture, sound, seconds) in enumerate(sources, start=1):
        video_key, srt_key, _ = scene_blob_keys(SESSION, number, 1)
        audio = ["-f", "lavfi", "-i", sound, "-c:a", "aac"] if sound else []
        clip = make_clip(
            tmp_path / f"scene_{number}.mp4", "-f", "lavfi", "-i", picture, *audio,
            "-c:v", "libx264", "-pix_fmt", "yuv420p",
        )  # fmt: skip
        blobs.store.write_file(video_key, clip)
        if sound:
            srt = f"1\n00:00:00,100 --> 00:00:01,000\nScene {number} speaks.\n"
            blobs.store.path_of(srt_key).write_text(srt, encoding="utf-8")
        scenes.append(CombinedScene(
            scene_number=number, version=1, video_key=video_key,
            srt_key=srt_key if sound else None, duration_s=seconds,
        ))  # fmt: skip
    return scenes


async def request_combine(
    nc: Client, ns: Namespace, scenes: list[CombinedScene], job_id: uuid.UUID | None = None
) -> CombineRequested:
    """A CombineRequested as the script service's relay publishes it."""
    project_id = manim_project_key(PROJECT)
    event = CombineRequested(
        session_id=SESSION, project_id=project_id, job_id=job_id or uuid.uuid4(),
        scenes=scenes, requested_at=datetime.now(UTC),
    )  # fmt: skip
    recorded = RecordedEvent(
        service="script", global_position=1, transaction_id=1,
        stream_id=manim_session_stream_id(SESSION), stream_version=9, event_id=uuid.uuid4(),
        type="CombineRequested", schema_version=1, data=to_raw(event),
        metadata=EventMetadata(correlation_id="it-combine", project_id=str(project_id)),
        recorded_at=datetime.now(UTC),
    )  # fmt: skip
    subject = ns.event_subject("script", str(project_id), "CombineRequested")
    await nc.jetstream().publish(subject, encode_recorded(recorded))
    return event


async def test_scenes_are_combined_into_one_file_and_the_script_service_is_answered(
    service: ExportService, script: ScriptStandIn, nc: Client, ns: Namespace,
    blobs: ExportBlobs, tmp_path: Path,
) -> None:  # fmt: skip
    scenes = store_scenes(blobs, tmp_path)
    request = await request_combine(nc, ns, scenes)
    [record] = await script.recorded()

    video_key, srt_key = combined_blob_keys(SESSION, request.job_id)
    assert record.error is None
    assert (record.output_key, record.srt_key) == (video_key, srt_key)
    assert (record.session_id, record.job_id) == (SESSION, request.job_id)
    assert record.command_id == f"manim-combine:{request.job_id}:record"
    [start] = script.starts
    assert start.command_id == f"manim-combine:{request.job_id}:start"

    info = probe(blobs.local_path(video_key))
    assert info.video is not None
    assert info.audio is not None
    assert (info.video.width, info.video.height) == (320, 240)
    measured = [probe(blobs.local_path(s.video_key)).duration for s in scenes]
    assert record.duration_s == pytest.approx(sum(measured), abs=3 / 15)
    assert info.duration == pytest.approx(record.duration_s, abs=0.05)
    cues = parse_srt(blobs.local_path(srt_key).read_text(encoding="utf-8"))
    # The third scene's cue moved by the first two scenes' lengths.
    offset = cues[1].start - 0.1
    assert [c.text for c in cues] == ["Scene 1 speaks.", "Scene 3 speaks."]
    assert (cues[0].start, cues[0].end) == (0.1, 1.0)
    assert offset == pytest.approx(measured[0] + measured[1], abs=2 / 15)
    assert cues[1].end - cues[1].start == pytest.approx(0.9, abs=1e-3)
    assert not list((blobs.root / ".scratch").iterdir())  # no scratch file left behind


async def test_a_missing_scene_is_an_answer_that_names_it_and_nothing_is_written(
    service: ExportService, script: ScriptStandIn, nc: Client, ns: Namespace,
    blobs: ExportBlobs, tmp_path: Path,
) -> None:  # fmt: skip
    scenes = store_scenes(blobs, tmp_path)
    gone = scenes[1].video_key
    blobs.store.path_of(gone).unlink()
    request = await request_combine(nc, ns, scenes)
    [record] = await script.recorded()

    assert record.error is not None
    assert record.error.startswith("scene 2 (version 1): ")
    assert gone in record.error
    assert record.output_key is None
    video_key, srt_key = combined_blob_keys(SESSION, request.job_id)
    assert not blobs.exists(video_key)
    assert not blobs.exists(srt_key)


async def test_a_scene_that_is_not_a_video_fails_the_combine_with_the_encoders_reason(
    service: ExportService, script: ScriptStandIn, nc: Client, ns: Namespace,
    blobs: ExportBlobs, tmp_path: Path,
) -> None:  # fmt: skip
    scenes = store_scenes(blobs, tmp_path)
    blobs.store.path_of(scenes[2].video_key).write_bytes(b"not a video at all")
    await request_combine(nc, ns, scenes)
    [record] = await script.recorded()
    assert record.error is not None
    assert "scene_3_v1.mp4" in record.error


async def test_a_redelivered_request_answers_again_with_the_same_ids_and_content(
    service: ExportService, script: ScriptStandIn, nc: Client, ns: Namespace,
    blobs: ExportBlobs, tmp_path: Path,
) -> None:  # fmt: skip
    scenes = store_scenes(blobs, tmp_path)
    job_id = uuid.uuid4()
    await request_combine(nc, ns, scenes, job_id)
    await script.recorded()
    video_key, _ = combined_blob_keys(SESSION, job_id)
    first = probe(blobs.local_path(video_key)).duration
    await request_combine(nc, ns, scenes, job_id)  # the same job, delivered again
    again, repeat = await script.recorded(2)
    assert again.command_id == repeat.command_id
    assert repeat.output_key == again.output_key
    assert probe(blobs.local_path(video_key)).duration == pytest.approx(first)


async def test_a_job_the_session_refuses_to_start_is_not_combined(
    service: ExportService, script: ScriptStandIn, nc: Client, ns: Namespace,
    blobs: ExportBlobs, tmp_path: Path,
) -> None:  # fmt: skip
    script.refuse_start = True
    request = await request_combine(nc, ns, store_scenes(blobs, tmp_path))
    async with asyncio.timeout(20):
        while True:
            if script.starts:
                break
            await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)
    assert script.records == []
    assert not blobs.exists(combined_blob_keys(SESSION, request.job_id)[0])


# --- through the real script session -----------------------------------------------------


@dataclass(frozen=True)
class Session:
    """The real script service and the export service in one world, and a sender."""

    script: ScriptService
    export: ExportService

    async def send(self, name: str, command: msgspec.Struct) -> CommandAccepted:
        base = self.export.plumbing
        for attempt in range(40):
            try:
                reply = await send_command(
                    base.nc, base.namespace, "script", name, command, correlation_id="it-mc"
                )
            except ServiceUnavailable:
                # "No responders" right after the script service subscribed: resend (the
                # command keeps its id, so this is safe), as the gateway does.
                if attempt == 39:
                    raise
                await asyncio.sleep(0.05)
                continue
            assert isinstance(reply, CommandAccepted), reply
            return reply
        raise AssertionError("unreachable")

    async def combine_answer(self, job_id: uuid.UUID) -> ManimSessionEventBase:
        """The session's ScenesCombined or ManimJobFailed for the combine `job_id`."""
        async with asyncio.timeout(30):
            while True:
                stream = manim_session_stream_id(SESSION)
                recorded = await self.script.plumbing.store.read_stream(stream)
                for event in (manim_session_event_decoder.decode(r.data) for r in recorded):
                    if isinstance(event, ScenesCombined | ManimJobFailed) and (
                        event.job_id == job_id
                    ):
                        return event
                await asyncio.sleep(0.1)


@pytest.fixture
async def session(settings: Settings, blobs: ExportBlobs) -> AsyncIterator[Session]:
    async with AsyncExitStack() as stack:
        script = await start_script_service(settings, stack)
        yield Session(script, await start_export(settings, stack, blobs))


async def render_scenes(session: Session, scenes: list[CombinedScene]) -> None:
    """Each scene's code asked to be rendered, and its render answered as the media
    service's worker answers (the blobs are the generated clips)."""
    for scene in scenes:
        job_id, n = uuid.uuid4(), scene.scene_number
        ids = {"now": datetime.now(UTC), "session_id": SESSION, "project": PROJECT,
               "job_id": job_id}  # fmt: skip
        await session.send("manim_request_scene_render", RequestSceneRender(
            command_id=f"render-{n}", **ids, scene_number=n, topic="combine",
            code=f"class Scene{n}(Scene):\n    pass\n",
        ))  # fmt: skip
        await session.send("manim_start_job", StartManimJob(command_id=f"start-{n}", **ids))
        await session.send("manim_record_scene_render", RecordSceneRender(
            command_id=f"rendered-{n}", **ids, scene_number=n, version=1,
            video_key=scene.video_key, srt_key=scene.srt_key,
            code_key=scene_blob_keys(SESSION, n, 1)[2], duration_s=scene.duration_s,
            has_audio=scene.srt_key is not None, sandbox="bwrap",
        ))  # fmt: skip


async def test_the_session_records_the_combine_of_its_latest_renders(
    session: Session, blobs: ExportBlobs, tmp_path: Path
) -> None:
    scenes = store_scenes(blobs, tmp_path)
    await render_scenes(session, scenes)
    job_id = uuid.uuid4()
    await session.send("manim_request_combine", RequestCombine(
        command_id="combine", now=datetime.now(UTC), session_id=SESSION, project=PROJECT,
        job_id=job_id,
    ))  # fmt: skip

    combined = await session.combine_answer(job_id)
    assert isinstance(combined, ScenesCombined), combined
    assert (combined.output_key, combined.srt_key) == combined_blob_keys(SESSION, job_id)
    assert combined.project_id == manim_project_key(PROJECT)
    assert [(s.scene_number, s.version) for s in combined.scenes] == [(1, 1), (2, 1), (3, 1)]
    measured = [probe(blobs.local_path(s.video_key)).duration for s in scenes]
    assert combined.duration_s == pytest.approx(sum(measured), abs=3 / 15)
    assert probe(blobs.local_path(combined.output_key)).duration == pytest.approx(
        combined.duration_s, abs=0.05
    )

    # A scene's video lost since: the next combine fails, naming the scene.
    blobs.store.path_of(scenes[1].video_key).unlink()
    again = uuid.uuid4()
    await session.send("manim_request_combine", RequestCombine(
        command_id="combine-again", now=datetime.now(UTC), session_id=SESSION,
        project=PROJECT, job_id=again,
    ))  # fmt: skip
    failed = await session.combine_answer(again)
    assert isinstance(failed, ManimJobFailed), failed
    assert failed.kind == "combine"
    assert failed.reason.startswith("scene 2 (version 1): ")
    assert scenes[1].video_key in failed.reason
