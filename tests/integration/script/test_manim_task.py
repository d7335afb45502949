"""A Manim task end to end in the script service, on real PostgreSQL and NATS.

The script service runs as it does in production (its command server, its relay, its
writing workers with the offline writer, the task's process manager on a durable
consumer). The renders and combines, the other services' work, are answered by fake
workers that watch the session's stream and send `manim_record_scene_render` and
`manim_record_combine` over request/reply as those services do; scene 2's first render
fails, so the fix loop runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
from nats.aio.client import Client
from script_service.bootstrap import ScriptService, start_script_service
from videogen_bus.connection import connect, drain
from videogen_bus.rpc import send_command
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply
from videogen_contracts.script.events import SERVICE
from videogen_contracts.script.manim import (
    GENERATE_STEPS,
    MANIM_COMMANDS,
    CancelManimTask,
    CodeRequested,
    CodeWritten,
    CombineRequested,
    ManimJobCancelled,
    ManimJobEventBase,
    ManimRenderConfig,
    ManimSessionEvent,
    ManimTaskCancelled,
    ManimTaskCompleted,
    ManimTaskEvent,
    ManimTaskFailed,
    ManimTaskProgressed,
    ManimTaskStepStarted,
    SceneRenderRequested,
    StartManimJob,
    StartManimTask,
    combined_blob_keys,
    manim_session_event_decoder,
    manim_session_stream_id,
    manim_task_event_decoder,
    manim_task_stream_id,
    scene_blob_keys,
)
from videogen_runtime.settings import Settings

pytestmark = pytest.mark.timeout(90)

# The other services' jobs; the script service's own workers write plans and code.
REQUESTS = (SceneRenderRequested, CombineRequested)
OVER = (ManimTaskCompleted, ManimTaskFailed, ManimTaskCancelled)
BROKEN = "NameError: name 'Circl' is not defined"


@pytest.fixture
async def service(pg_url: str, nats_url: str, world_id: str) -> AsyncIterator[ScriptService]:
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id)
    async with AsyncExitStack() as stack:
        yield await start_script_service(settings, stack)


@pytest.fixture
async def nc(nats_url: str) -> AsyncIterator[Client]:
    client = await connect(nats_url, "manim-task-test")
    yield client
    await drain(client)


Send = Callable[[str, msgspec.Struct], Awaitable[CommandReply]]


def sender(nc: Client, service: ScriptService) -> Send:
    async def send(name: str, command: msgspec.Struct) -> CommandReply:
        return await send_command(
            nc, service.plumbing.namespace, SERVICE, name, msgspec.json.encode(command),
            correlation_id="corr-manim",
        )

    return send


@pytest.fixture
def send(nc: Client, service: ScriptService) -> Send:
    return sender(nc, service)


class FakeWorkers:
    """Answers every open job of a session the way the real workers would."""

    def __init__(self, service: ScriptService, send: Send, session_id: str) -> None:
        self.service = service
        self.send = send
        self.session_id = session_id
        self.answered: set[uuid.UUID] = set()
        self.renders = 0
        # The kinds of request answered (all of them unless a test narrows it).
        self.answering: tuple[type[ManimJobEventBase], ...] = REQUESTS

    async def events(self) -> list[ManimSessionEvent]:
        recorded = await self.service.plumbing.store.read_stream(
            manim_session_stream_id(self.session_id)
        )
        return [manim_session_event_decoder.decode(r.data) for r in recorded]

    async def run(self) -> None:
        while True:
            for event in await self.events():
                if isinstance(event, self.answering) and event.job_id not in self.answered:
                    self.answered.add(event.job_id)
                    await self.answer(event)
            await asyncio.sleep(0.05)

    async def answer(self, request: ManimJobEventBase) -> None:
        common = {
            "command_id": f"answer-{request.job_id}", "now": datetime.now(UTC),
            "session_id": self.session_id, "project": "proj-manim", "job_id": request.job_id,
        }
        started = await self.send("manim_start_job", StartManimJob(
            **(common | {"command_id": f"start-{request.job_id}"})
        ))
        assert isinstance(started, CommandAccepted), started
        name, fields = self.answer_of(request)
        reply = await self.send(name, MANIM_COMMANDS[name](**common, **fields))
        assert isinstance(reply, CommandAccepted), reply

    def answer_of(self, request: ManimJobEventBase) -> tuple[str, dict[str, Any]]:
        if isinstance(request, SceneRenderRequested):
            return "manim_record_scene_render", self.render_of(request)
        assert isinstance(request, CombineRequested)
        output, srt = combined_blob_keys(self.session_id, request.job_id)
        duration = sum(s.duration_s for s in request.scenes)
        fields = {"output_key": output, "srt_key": srt, "duration_s": duration}
        return "manim_record_combine", fields

    def render_of(self, request: SceneRenderRequested) -> dict[str, Any]:
        self.renders += 1
        fields: dict[str, Any] = {"scene_number": request.scene_number, "version": request.version}
        if request.scene_number == 2 and request.version == 1:
            return fields | {"error": f"exit status 1: {BROKEN}"}
        video, srt, code = scene_blob_keys(self.session_id, request.scene_number, request.version)
        return fields | {
            "video_key": video, "srt_key": srt, "code_key": code, "duration_s": 2.5,
            "has_audio": request.narration is not None, "sandbox": "bwrap",
        }


@contextlib.asynccontextmanager
async def workers(
    service: ScriptService, send: Send, session_id: str
) -> AsyncIterator[FakeWorkers]:
    fake = FakeWorkers(service, send, session_id)
    running = asyncio.create_task(fake.run())
    try:
        yield fake
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running


async def task_events(service: ScriptService, task_id: uuid.UUID) -> list[ManimTaskEvent]:
    recorded = await service.plumbing.store.read_stream(manim_task_stream_id(task_id))
    return [manim_task_event_decoder.decode(r.data) for r in recorded]


async def until_over(service: ScriptService, task_id: uuid.UUID) -> list[ManimTaskEvent]:
    for _ in range(600):
        events = await task_events(service, task_id)
        if events and isinstance(events[-1], OVER):
            return events
        await asyncio.sleep(0.05)
    raise AssertionError(f"task {task_id} never ended: {await task_events(service, task_id)}")


def start(session_id: str, **fields: Any) -> StartManimTask:
    defaults: dict[str, Any] = {
        "kind": "generate", "project": "proj-manim", "prompt": "Explain machine learning basics",
        "scene_count": 3, "render_config": ManimRenderConfig(quality="preview"),
    }
    return StartManimTask(
        command_id=str(uuid.uuid4()), now=datetime.now(UTC), task_id=uuid.uuid4(),
        session_id=session_id, **(defaults | fields),
    )


async def test_generate_then_edit_run_end_to_end_with_a_fix(
    service: ScriptService, send: Send
) -> None:
    session = f"session_{uuid.uuid4().hex[:8]}"
    async with workers(service, send, session) as fake:
        generate = start(session)
        assert isinstance(await send("manim_start_task", generate), CommandAccepted)
        events = await until_over(service, generate.task_id)
        done = events[-1]
        assert isinstance(done, ManimTaskCompleted), events[-1]
        steps = [e.step for e in events if isinstance(e, ManimTaskStepStarted)]
        assert steps == list(GENERATE_STEPS)
        progress = [e.progress for e in events if isinstance(e, ManimTaskProgressed)]
        assert progress == sorted(progress)
        assert progress[-1] == 98
        assert [(s.scene_number, s.version) for s in done.scenes] == [(1, 1), (2, 2), (3, 1)]
        assert done.scenes[1].scene_id == f"{session}_scene_2"
        assert done.combined_key.startswith("manim/")
        assert done.duration_s == 7.5
        fixed = [
            e for e in await fake.events() if isinstance(e, CodeWritten) and e.scene_number == 2
        ]
        assert [(e.version, e.reason) for e in fixed] == [(1, "written"), (2, "fixed")]
        fix = next(
            e for e in await fake.events()
            if isinstance(e, CodeRequested) and e.failed_version == 1
        )
        assert BROKEN in (fix.error or "")
        assert fake.renders == 4

        edit = start(session, kind="edit", prompt="make it more colorful", scene_number=2,
                     scene_count=None)
        assert isinstance(await send("manim_start_task", edit), CommandAccepted)
        events = await until_over(service, edit.task_id)
        done = events[-1]
        assert isinstance(done, ManimTaskCompleted), events[-1]
        assert (done.scene_number, done.version) == (2, 3)
        assert [(s.scene_number, s.version) for s in done.scenes] == [(1, 1), (2, 3), (3, 1)]
        rendered = [
            e.scene_number for e in await fake.events()
            if isinstance(e, SceneRenderRequested) and e.task_id == edit.task_id
        ]
        assert rendered == [2]
        edited = [e for e in await fake.events() if isinstance(e, CodeWritten) and e.version == 3]
        assert [e.reason for e in edited] == ["edited"]


async def until_requested(fake: FakeWorkers, kind: type[ManimJobEventBase]) -> None:
    for _ in range(200):
        if any(isinstance(e, kind) for e in await fake.events()):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no {kind.__name__} in the session")


async def test_a_task_resumes_at_its_step_after_the_service_restarts(
    pg_url: str, nats_url: str, world_id: str, nc: Client
) -> None:
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id)
    session = f"session_{uuid.uuid4().hex[:8]}"
    task = start(session, scene_count=2)
    async with AsyncExitStack() as stack:
        first = await start_script_service(settings, stack)
        async with workers(first, sender(nc, first), session) as fake:
            fake.answering = ()
            assert isinstance(await sender(nc, first)("manim_start_task", task), CommandAccepted)
            await until_requested(fake, SceneRenderRequested)
    # The service is gone with the task in its render step; a new one takes it from there.
    async with AsyncExitStack() as stack:
        second = await start_script_service(settings, stack)
        async with workers(second, sender(nc, second), session):
            events = await until_over(second, task.task_id)
    done = events[-1]
    assert isinstance(done, ManimTaskCompleted), done
    assert [(s.scene_number, s.version) for s in done.scenes] == [(1, 1), (2, 2)]
    steps = [e.step for e in events if isinstance(e, ManimTaskStepStarted)]
    assert steps == list(GENERATE_STEPS)


async def test_a_cancel_stops_the_running_jobs_and_a_second_cancel_is_a_conflict(
    service: ScriptService, send: Send
) -> None:
    session = f"session_{uuid.uuid4().hex[:8]}"
    task = start(session)
    async with workers(service, send, session) as fake:
        fake.answering = ()
        assert isinstance(await send("manim_start_task", task), CommandAccepted)
        await until_requested(fake, SceneRenderRequested)
        asked = {e.job_id for e in await fake.events() if isinstance(e, SceneRenderRequested)}
        cancel = CancelManimTask(command_id="cancel-1", now=datetime.now(UTC), task_id=task.task_id)
        reply = await send("manim_cancel_task", cancel)
        assert isinstance(reply, CommandAccepted)
        events = await until_over(service, task.task_id)
        cancelled = events[-1]
        assert isinstance(cancelled, ManimTaskCancelled)
        assert cancelled.step == "render"
        assert asked <= set(cancelled.running_jobs)
        # No render was ever answered: every one the task asked for ends cancelled.
        for _ in range(200):
            session_events = await fake.events()
            renders = {e.job_id for e in session_events if isinstance(e, SceneRenderRequested)}
            stopped = {e.job_id for e in session_events if isinstance(e, ManimJobCancelled)}
            if renders <= stopped:
                break
            await asyncio.sleep(0.05)
        assert renders <= stopped
        assert not any(isinstance(e, CombineRequested) for e in session_events)
        again = msgspec.structs.replace(cancel, command_id="cancel-2")
        reply = await send("manim_cancel_task", again)
        assert isinstance(reply, CommandRejected)
        assert reply.code == "conflict"


async def test_bad_starts_are_refused_naming_the_field(service: ScriptService, send: Send) -> None:
    session = f"session_{uuid.uuid4().hex[:8]}"
    reply = await send("manim_start_task", start(session, scene_count=21))
    assert isinstance(reply, CommandRejected)
    assert (reply.code, reply.field) == ("invalid", "scene_count")
    reply = await send("manim_start_task", start(session, prompt="short"))
    assert isinstance(reply, CommandRejected)
    assert (reply.code, reply.field) == ("invalid", "content_prompt")
    edit = start(session, kind="edit", prompt="make it red", scene_number=2)
    reply = await send("manim_start_task", edit)
    assert isinstance(reply, CommandRejected)
    assert reply.code == "not_found"
    unknown = CancelManimTask(command_id="c", now=datetime.now(UTC), task_id=uuid.uuid4())
    reply = await send("manim_cancel_task", unknown)
    assert isinstance(reply, CommandRejected)
    assert reply.code == "not_found"
