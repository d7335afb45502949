"""The media service's Manim render worker in-process: real PostgreSQL, NATS, Piper TTS,
Manim in the sandbox, ffmpeg and PyAV.

A `SceneRenderRequested` is published on the script stream as the script service's relay
would; the script service itself is a stand-in serving the two commands the worker sends
(`manim_start_job`, `manim_record_scene_render`), so each test reads exactly what the
worker answered. Scenes render at preview size (426x240 at 15 fps) to stay quick.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import av
import msgspec
import psutil
import pytest
from media_service.bootstrap import MediaService, start_media_service
from media_service.config import MediaConfig
from media_service.entrypoints.manim_queue import cancelled_jobs, job_id_of
from nats.aio.client import Client
from script_service.bootstrap import ScriptService, start_script_service
from videogen_bus.connection import connect, drain
from videogen_bus.rpc import send_command, serve_commands
from videogen_bus.serving import endpoints
from videogen_contracts.envelope import EventMetadata, RecordedEvent, encode_recorded, to_raw
from videogen_contracts.media.events import SERVICE
from videogen_contracts.media.manim_status import ManimStatus
from videogen_contracts.replies import CommandAccepted, QueryAnswered
from videogen_contracts.script.manim import (
    ManimJobCancelled,
    ManimSessionEventBase,
    ManimTaskCancelled,
    RecordSceneRender,
    RequestSceneRender,
    SceneRendered,
    SceneRenderFailed,
    SceneRenderRequested,
    StartManimJob,
    manim_project_key,
    manim_session_event_decoder,
    manim_session_stream_id,
    scene_blob_keys,
)
from videogen_contracts.subjects import Namespace
from videogen_runtime.settings import Settings

pytestmark = pytest.mark.slow

SHORT_SCENE = """
from manim import *

class Scene{n}(Scene):
    def construct(self):
        circle = Circle(color=BLUE)
        self.play(Create(circle), run_time=0.6)
        self.play(circle.animate.shift(RIGHT).set_color(RED), run_time=0.4)
"""
LONG_SCENE = """
from manim import *

class Scene{n}(Scene):
    def construct(self):
        square = Square()
        self.add(square)
        for _ in range(400):
            self.play(square.animate.rotate(0.3), run_time=0.5)
"""
BROKEN_SCENE = """
from manim import *

class Scene{n}(Scene):
    def construct(self):
        self.play(Create(Circel()))
"""
JAILS = ("bwrap", "unshare")
NARRATION = (
    "A circle appears on the screen. It slides to the right and turns red. "
    "That is the whole scene."
)


@dataclass
class ScriptStandIn:
    """The script service's side of the conversation: what the worker sent, in order."""

    started: list[StartManimJob] = field(default_factory=list)
    recorded: list[RecordSceneRender] = field(default_factory=list)
    answered: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(
        self, command: StartManimJob, *, correlation_id: str, causation_id: str | None
    ) -> CommandAccepted:
        self.started.append(command)
        return CommandAccepted(stream_id="s", stream_version=1, global_position=1)

    async def record(
        self, command: RecordSceneRender, *, correlation_id: str, causation_id: str | None
    ) -> CommandAccepted:
        self.recorded.append(command)
        self.answered.set()
        return CommandAccepted(stream_id="s", stream_version=2, global_position=2)

    async def answer_for(self, job_id: uuid.UUID, within: float = 120) -> RecordSceneRender:
        async with asyncio.timeout(within):
            while True:
                found = [r for r in self.recorded if r.job_id == job_id]
                if found:
                    return found[0]
                self.answered.clear()
                await self.answered.wait()


@dataclass
class World:
    media: MediaService
    nc: Client
    script: ScriptStandIn
    data_dir: Path

    @property
    def blobs_root(self) -> Path:
        return self.data_dir / "blobs"

    async def publish(self, event: ManimSessionEventBase, event_type: str) -> None:
        """As the script service's relay publishes a session event."""
        ns = self.media.plumbing.namespace
        recorded = RecordedEvent(
            service="script", global_position=1, transaction_id=1,
            stream_id=manim_session_stream_id(event.session_id), stream_version=1,
            event_id=uuid.uuid4(), type=event_type, schema_version=1, data=to_raw(event),
            metadata=EventMetadata(correlation_id="manim-it", project_id=str(event.project_id)),
            recorded_at=datetime.now(UTC),
        )
        await self.nc.jetstream().publish(
            ns.event_subject("script", str(event.project_id), event_type),
            encode_recorded(recorded),
        )


@pytest.fixture(scope="module")
async def world(
    pg_url: str, nats_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[World]:
    namespace = "r" + uuid.uuid4().hex[:10]
    data_dir = tmp_path_factory.mktemp("manim-render")
    settings = Settings(
        database_url=pg_url, nats_url=nats_url, namespace=namespace, data_dir=data_dir
    )
    config = MediaConfig(concurrency=1, ack_wait=10.0, max_attempts=2, tts_parallelism=1)
    script = ScriptStandIn()
    nc = await connect(nats_url, "manim-render-test")
    async with AsyncExitStack() as stack:
        server = await serve_commands(nc, Namespace(namespace), "script", endpoints(
            {"manim_start_job": StartManimJob, "manim_record_scene_render": RecordSceneRender},
            commands={"manim_start_job": script.start,
                      "manim_record_scene_render": script.record},
        ))
        stack.push_async_callback(server.close)
        media = await start_media_service(settings, stack, config=config)
        yield World(media, nc, script, data_dir)
    await drain(nc)


@pytest.fixture
def nc(world: World) -> Client:
    return world.nc


def render_request(
    code: str, *, narration: str | None = None, scene_number: int = 1, version: int = 1,
    max_duration_s: float = 60.0, min_duration_s: float = 0.0,
) -> SceneRenderRequested:
    session = "session_" + uuid.uuid4().hex[:8]
    return SceneRenderRequested(
        session_id=session, project_id=manim_project_key(session), job_id=uuid.uuid4(),
        scene_number=scene_number, version=version, code=code.format(n=scene_number),
        topic="circles", quality="preview", width=426, height=240, fps=15,
        max_duration_s=max_duration_s, min_duration_s=min_duration_s, narration=narration,
        requested_at=datetime.now(UTC),
    )


def sandboxed_children() -> list[psutil.Process]:
    """The sandboxes the in-process worker started (bwrap or unshare, and everything under
    them) that are still alive: other tests on this machine have sandboxes of their own,
    and the embedded PostgreSQL runs as nobody too, so only our own jails count."""
    return [p for p in psutil.Process().children(recursive=True) if _jailed_alive(p)]


def _jailed_alive(process: psutil.Process) -> bool:
    try:
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        lineage = [process, *process.parents()]
        return any(p.name() in JAILS for p in lineage)
    except psutil.NoSuchProcess:
        return False


async def eventually(condition: Callable[[], bool], within: float) -> None:
    for _ in range(int(within / 0.1)):
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"not within {within} s")


@dataclass(frozen=True)
class Decoded:
    duration_s: float
    size: tuple[int, int]
    has_audio: bool
    audio_s: float


def decode(path: Path) -> Decoded:
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        frames = sum(1 for _ in container.decode(video))
        assert frames > 0
        audio_s = 0.0
        if container.streams.audio:
            stream = container.streams.audio[0]
            assert stream.duration is not None
            assert stream.time_base is not None
            audio_s = float(stream.duration * stream.time_base)
        assert container.duration is not None
        return Decoded(container.duration / av.time_base, (video.width, video.height),
                       bool(container.streams.audio), audio_s)


def srt_windows(text: str) -> list[tuple[float, float]]:
    def seconds(stamp: str) -> float:
        hms, ms = stamp.strip().split(",")
        h, m, s = (int(x) for x in hms.split(":"))
        return h * 3600 + m * 60 + s + int(ms) / 1000

    return [
        (seconds(start), seconds(end))
        for line in text.splitlines() if "-->" in line
        for start, end in [line.split("-->")]
    ]


def moov_before_mdat(path: Path) -> bool:
    data = path.read_bytes()
    return 0 <= data.find(b"moov") < data.find(b"mdat")


async def test_a_narrated_scene_lasts_as_long_as_its_voice(world: World) -> None:
    request = render_request(SHORT_SCENE, narration=NARRATION)
    await world.publish(request, "SceneRenderRequested")
    answer = await world.script.answer_for(request.job_id, within=180)

    assert answer.error is None, answer.error
    video_key, srt_key, code_key = scene_blob_keys(request.session_id, 1, 1)
    assert (answer.video_key, answer.srt_key, answer.code_key) == (video_key, srt_key, code_key)
    assert answer.sandbox in ("bwrap", "unshare")
    assert answer.has_audio
    assert [s.job_id for s in world.script.started].count(request.job_id) >= 1
    assert answer.command_id == f"manim-render:{request.job_id}:record"

    video = world.blobs_root / video_key
    decoded = decode(video)
    assert decoded.size == (426, 240)
    assert decoded.has_audio
    # Three spoken sentences take several seconds; the animation is one second long, so the
    # scene was held on its last frame until the voice ended.
    assert decoded.duration_s > 3.0
    assert answer.duration_s == pytest.approx(decoded.duration_s, abs=0.1)
    assert decoded.audio_s == pytest.approx(decoded.duration_s, abs=0.15)
    assert moov_before_mdat(video), "no faststart"

    windows = srt_windows((world.blobs_root / srt_key).read_text(encoding="utf-8"))
    assert len(windows) >= 3  # one cue (or more) per sentence
    assert all(0 <= a < b <= decoded.duration_s + 0.05 for a, b in windows)
    assert [a for a, _ in windows] == sorted(a for a, _ in windows)
    assert (world.blobs_root / code_key).read_text(encoding="utf-8") == request.code


async def test_a_silent_scene_has_no_audio_and_no_subtitles(world: World) -> None:
    request = render_request(SHORT_SCENE, scene_number=2, version=3)
    await world.publish(request, "SceneRenderRequested")
    answer = await world.script.answer_for(request.job_id)

    assert answer.error is None, answer.error
    assert (answer.scene_number, answer.version) == (2, 3)
    assert answer.srt_key is None
    assert not answer.has_audio
    video_key, srt_key, _ = scene_blob_keys(request.session_id, 2, 3)
    decoded = decode(world.blobs_root / video_key)
    assert not decoded.has_audio
    assert 0.8 < decoded.duration_s < 2.0
    assert moov_before_mdat(world.blobs_root / video_key)
    assert not (world.blobs_root / srt_key).exists()


async def test_a_narration_with_nothing_to_say_leaves_the_scene_silent(world: World) -> None:
    """Not the code's fault, so not a failed render (which would ask for a code fix)."""
    request = render_request(SHORT_SCENE, narration="... \U0001f642 !!!", scene_number=6)
    await world.publish(request, "SceneRenderRequested")
    answer = await world.script.answer_for(request.job_id)

    assert answer.error is None, answer.error
    assert answer.srt_key is None
    assert not answer.has_audio


async def test_a_scene_that_fails_to_render_is_answered_with_its_error(world: World) -> None:
    request = render_request(BROKEN_SCENE)
    await world.publish(request, "SceneRenderRequested")
    answer = await world.script.answer_for(request.job_id)

    assert answer.error is not None
    assert "NameError" in answer.error, answer.error
    assert "Circel" in answer.error
    video_key, _, code_key = scene_blob_keys(request.session_id, 1, 1)
    assert answer.video_key is None
    assert answer.code_key == code_key
    assert (world.blobs_root / code_key).read_text(encoding="utf-8") == request.code
    assert not (world.blobs_root / video_key).exists()
    # Answered once: a SandboxFailed is the render's outcome, not something to retry.
    await asyncio.sleep(1.0)
    assert [r.job_id for r in world.script.recorded].count(request.job_id) == 1


async def test_a_scene_longer_than_its_limit_is_cut(world: World) -> None:
    request = render_request(SHORT_SCENE, narration=NARRATION, scene_number=3,
                             max_duration_s=2.0)
    await world.publish(request, "SceneRenderRequested")
    answer = await world.script.answer_for(request.job_id, within=180)

    assert answer.error is None, answer.error
    assert answer.video_key is not None
    decoded = decode(world.blobs_root / answer.video_key)
    assert decoded.duration_s == pytest.approx(2.0, abs=0.15)


async def test_a_silent_scene_shorter_than_its_minimum_holds_its_last_frame(
    world: World,
) -> None:
    """An edit that keeps its timing (`min_duration_s`): the 1 s scene lasts 3 s, its
    last frame held, with no audio added."""
    request = render_request(SHORT_SCENE, scene_number=5, min_duration_s=3.0)
    await world.publish(request, "SceneRenderRequested")
    answer = await world.script.answer_for(request.job_id, within=180)

    assert answer.error is None, answer.error
    assert answer.video_key is not None
    assert answer.has_audio is False
    decoded = decode(world.blobs_root / answer.video_key)
    assert decoded.duration_s == pytest.approx(3.0, abs=0.15)
    assert answer.duration_s == pytest.approx(3.0, abs=0.15)


async def test_a_render_found_whole_after_a_crash_is_answered_not_rendered(
    world: World,
) -> None:
    """The worker died after storing the video but before answering: the redelivered job
    measures and answers what is there (the code would not even render now)."""
    first = render_request(SHORT_SCENE, scene_number=4)
    await world.publish(first, "SceneRenderRequested")
    done = await world.script.answer_for(first.job_id)
    assert done.error is None
    assert done.video_key is not None

    again = msgspec.structs.replace(first, job_id=uuid.uuid4(), code=BROKEN_SCENE.format(n=4))
    await world.publish(again, "SceneRenderRequested")
    answer = await world.script.answer_for(again.job_id)
    assert answer.error is None, answer.error
    assert answer.video_key == done.video_key
    assert answer.duration_s == pytest.approx(done.duration_s, abs=1e-3)
    assert answer.sandbox == done.sandbox


async def test_a_cancelled_job_kills_its_sandbox_and_is_not_answered(world: World) -> None:
    request = render_request(LONG_SCENE, scene_number=5)
    await world.publish(request, "SceneRenderRequested")
    await eventually(lambda: request.job_id in {s.job_id for s in world.script.started}, 60)
    await eventually(lambda: bool(sandboxed_children()), 60)  # the sandbox is rendering
    cancel = ManimJobCancelled(
        session_id=request.session_id, project_id=request.project_id, job_id=request.job_id,
        kind="render", cancelled_at=datetime.now(UTC),
    )
    await world.publish(cancel, "ManimJobCancelled")
    await eventually(lambda: not world.media.manim_renders.running, 15)
    await eventually(lambda: not sandboxed_children(), 15)
    # Acked, not handed back: not rendered again, and never answered.
    await asyncio.sleep(3.0)
    assert not world.media.manim_renders.running
    assert request.job_id not in {r.job_id for r in world.script.recorded}
    assert [s.job_id for s in world.script.started].count(request.job_id) == 1


async def test_manim_status_is_served(world: World) -> None:
    reply = await send_command(
        world.nc, world.media.plumbing.namespace, SERVICE, "manim_status", b"{}",
        correlation_id="manim-status-it", timeout=30,
    )
    assert isinstance(reply, QueryAnswered), reply
    status = msgspec.json.decode(reply.answer, type=ManimStatus)
    assert status.available, status.reason
    assert status.sandbox in ("bwrap", "unshare")
    assert status.manim_version


@pytest.fixture
async def with_script(
    pg_url: str, nats_url: str, tmp_path: Path
) -> AsyncIterator[tuple[MediaService, ScriptService]]:
    """The media service and the real script service, in a namespace of their own."""
    settings = Settings(
        database_url=pg_url, nats_url=nats_url, namespace="rs" + uuid.uuid4().hex[:10],
        data_dir=tmp_path,
    )
    config = MediaConfig(concurrency=1, ack_wait=10.0, max_attempts=2, tts_parallelism=1)
    async with AsyncExitStack() as stack:
        script = await start_script_service(settings, stack)
        media = await start_media_service(settings, stack, config=config)
        yield media, script


async def test_the_script_session_records_what_the_worker_rendered(
    with_script: tuple[MediaService, ScriptService], nc: Client
) -> None:
    """Through the real session: a render requested with code (version 1) and narration
    ends as `SceneRendered` with the worker's keys; broken code as `SceneRenderFailed`."""
    media, script = with_script
    ns, session = media.plumbing.namespace, "session_" + uuid.uuid4().hex[:8]
    jobs = [uuid.uuid4(), uuid.uuid4()]
    for job_id, code, narration in ((jobs[0], SHORT_SCENE, NARRATION),
                                    (jobs[1], BROKEN_SCENE, None)):
        request = RequestSceneRender(
            command_id=str(uuid.uuid4()), now=datetime.now(UTC), session_id=session,
            project="render-it", job_id=job_id, scene_number=1, topic="circles",
            code=code.format(n=1), quality="preview", narration=narration,
        )
        reply = await send_command(nc, ns, "script", "manim_request_scene_render", request,
                                   correlation_id="manim-render-it")
        assert isinstance(reply, CommandAccepted), reply

    async def answers() -> list[ManimSessionEventBase]:
        recorded = await script.plumbing.store.read_stream(manim_session_stream_id(session))
        events = [manim_session_event_decoder.decode(e.data) for e in recorded]
        return [e for e in events if isinstance(e, SceneRendered | SceneRenderFailed)]

    for _ in range(1800):
        if len(found := await answers()) == 2:
            break
        await asyncio.sleep(0.1)
    rendered, failed = sorted(found, key=lambda e: isinstance(e, SceneRenderFailed))
    assert isinstance(rendered, SceneRendered)
    assert isinstance(failed, SceneRenderFailed)
    assert rendered.job_id == jobs[0]
    assert (rendered.video_key, rendered.srt_key, rendered.code_key) == scene_blob_keys(
        session, 1, 1
    )
    assert rendered.has_audio
    assert rendered.sandbox in ("bwrap", "unshare")
    assert decode(media.tools.blobs.path_of(rendered.video_key)).duration_s == pytest.approx(
        rendered.duration_s, abs=0.1
    )
    assert failed.job_id == jobs[1]
    assert failed.version == 2
    assert "NameError" in failed.error
    assert failed.code_key == scene_blob_keys(session, 1, 2)[2]


def test_the_jobs_a_cancellation_names() -> None:
    """A task's cancellation stops every job it still had running; a bad body stops none."""
    running = [uuid.uuid4(), uuid.uuid4()]
    task = ManimTaskCancelled(
        task_id=uuid.uuid4(), project_id=uuid.uuid4(), step="render", running_jobs=running,
        cancelled_at=datetime.now(UTC),
    )
    job = ManimJobCancelled(
        session_id="s", project_id=uuid.uuid4(), job_id=running[0], kind="render",
        cancelled_at=datetime.now(UTC),
    )

    def recorded(event: msgspec.Struct, event_type: str) -> RecordedEvent:
        return RecordedEvent(
            service="script", global_position=1, transaction_id=1, stream_id="x",
            stream_version=1, event_id=uuid.uuid4(), type=event_type, schema_version=1,
            data=to_raw(event), metadata=EventMetadata(correlation_id="c"),
            recorded_at=datetime.now(UTC),
        )

    assert cancelled_jobs(recorded(task, "ManimTaskCancelled")) == [str(j) for j in running]
    assert cancelled_jobs(recorded(job, "ManimJobCancelled")) == [str(running[0])]
    assert cancelled_jobs(recorded(job, "ManimTaskCancelled")) == []
    assert job_id_of(recorded(job, "ManimJobCancelled")) == str(running[0])
