"""The Manim writing workers in the script service, on real PostgreSQL and NATS: requests
sent over request/reply as the gateway and the task's process manager send them, the
jobs taken from the script stream by the work queue, answered through the session handler.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
from nats.aio.client import Client
from script_service.bootstrap import ScriptService, start_script_service
from script_service.config import ScriptConfig
from videogen_bus.connection import connect, drain
from videogen_bus.rpc import send_command
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply
from videogen_contracts.script.events import SERVICE
from videogen_contracts.script.manim import (
    CancelManimJobs,
    CodeWritten,
    ImplementationsWritten,
    ManimJobCancelled,
    ManimJobEventBase,
    ManimJobFailed,
    ManimJobStarted,
    ManimSessionEvent,
    PlanWritten,
    SceneImplementation,
    ScenePlan,
    manim_project_key,
    manim_session_event_decoder,
    manim_session_stream_id,
)
from videogen_providers.manim.offline import OfflineManimWriter
from videogen_providers.manim.writer import CodeDraft, ManimWriterError, PlanDraft
from videogen_runtime.settings import Settings
from videogen_text.manim_plan import format_scene_outline

pytestmark = pytest.mark.timeout(90)

PROJECT = "my_project"
# The events that answer a writing job.
ANSWERS = (PlanWritten, ImplementationsWritten, CodeWritten, ManimJobFailed, ManimJobCancelled)


class FakeWriter:
    """Answers at once unless told otherwise, and remembers what it was asked."""

    name = "fake"

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.running = self.most_running = 0
        self.implement_delay = 0.0
        self.plan_gate: asyncio.Event | None = None
        self.plan_cancelled = asyncio.Event()
        self.plan_errors: list[BaseException] = []

    async def plan(
        self, topic: str, description: str, scene_count: int | None, *,
        model: str | None = None, temperature: float = 0.7,
    ) -> PlanDraft:
        self.calls.append(("plan", (topic, scene_count, model)))
        if self.plan_errors:
            raise self.plan_errors.pop(0)
        if self.plan_gate is not None:
            try:
                await self.plan_gate.wait()
            except asyncio.CancelledError:
                self.plan_cancelled.set()
                raise
        scenes = scenes_of(scene_count or 3)
        return PlanDraft(plan_xml=format_scene_outline(scenes), scenes=scenes, raw_response="r")

    async def implement(
        self, topic: str, description: str, plan_xml: str, scene: ScenePlan, *,
        model: str | None = None,
    ) -> SceneImplementation:
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        try:
            await asyncio.sleep(self.implement_delay)
        finally:
            self.running -= 1
        n = scene.scene_number
        return SceneImplementation(
            scene_number=n, storyboard=f"board {n}", technical_implementation=f"tech {n}",
            animation_narration=f"anim {n}", narration=f"Say {n}.",
        )

    async def code(
        self, topic: str, description: str, scene_outline: str, implementation: str,
        scene_number: int, *, model: str | None = None,
    ) -> CodeDraft:
        self.calls.append(("code", (scene_outline, implementation, scene_number)))
        return CodeDraft(code=f"class Scene{scene_number}: 'first'", raw_response="c")

    async def fix(
        self, topic: str, description: str, code: str, error: str, scene_number: int,
        implementation: str, *, model: str | None = None,
    ) -> CodeDraft:
        self.calls.append(("fix", (code, error, scene_number)))
        return CodeDraft(code=f"class Scene{scene_number}: 'fixed'", raw_response="f")

    async def edit(
        self, topic: str, code: str, edit_prompt: str, scene_number: int, *,
        model: str | None = None,
    ) -> CodeDraft:
        self.calls.append(("edit", (code, edit_prompt, scene_number)))
        return CodeDraft(code=f"class Scene{scene_number}: 'edited'", raw_response="e")


def scenes_of(count: int) -> list[ScenePlan]:
    return [ScenePlan(scene_number=n, title=f"Title {n}", purpose="p", description=f"About {n}",
                      layout="l") for n in range(1, count + 1)]  # fmt: skip


@pytest.fixture
def writer() -> FakeWriter:
    return FakeWriter()


@pytest.fixture
async def service(
    pg_url: str, nats_url: str, world_id: str, writer: FakeWriter
) -> AsyncIterator[ScriptService]:
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id)
    async with AsyncExitStack() as stack:
        yield await start_script_service(
            settings, stack, config=ScriptConfig(ack_wait=5.0), manim_writer=writer
        )


@pytest.fixture
async def nc(nats_url: str) -> AsyncIterator[Client]:
    client = await connect(nats_url, "manim-writing-test")
    yield client
    await drain(client)


class Session:
    """One Manim session driven over request/reply, read back from the store."""

    def __init__(self, nc: Client, service: ScriptService) -> None:
        self.nc, self.service = nc, service
        self.id = f"session_{uuid.uuid4().hex[:8]}"

    async def send(self, name: str, **fields: Any) -> CommandReply:
        body = {"command_id": str(uuid.uuid4()), "now": datetime.now(UTC).isoformat(),
                "session_id": self.id, "project": PROJECT, **fields}  # fmt: skip
        return await send_command(
            self.nc, self.service.plumbing.namespace, SERVICE, name,
            msgspec.json.encode(body), correlation_id="corr-manim",
        )

    async def request(self, name: str, **fields: Any) -> uuid.UUID:
        job_id = uuid.uuid4()
        reply = await self.send(name, job_id=str(job_id), **fields)
        assert isinstance(reply, CommandAccepted), reply
        return job_id

    async def recorded(self) -> list[RecordedEvent]:
        return await self.service.plumbing.store.read_stream(manim_session_stream_id(self.id))

    async def events(self) -> list[ManimSessionEvent]:
        return [manim_session_event_decoder.decode(r.data) for r in await self.recorded()]

    async def answer(self, job_id: uuid.UUID, kinds: tuple[type, ...] = ANSWERS) -> Any:
        """The first event of `kinds` about `job_id`, once it is stored (20 s at most)."""
        async with asyncio.timeout(20.0):
            while True:
                found = [
                    e for e in await self.events()
                    if isinstance(e, ManimJobEventBase) and isinstance(e, kinds)
                    and e.job_id == job_id
                ]
                if found:
                    return found[0]
                await asyncio.sleep(0.05)


async def test_plan_implementations_and_code_by_the_offline_writer(
    pg_url: str, nats_url: str, world_id: str, nc: Client
) -> None:
    """The doc's low-level flow on the real offline writer: the plan's XML goes back in."""
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id)
    async with AsyncExitStack() as stack:
        service = await start_script_service(settings, stack, manim_writer=OfflineManimWriter())
        session = Session(nc, service)
        plan_job = await session.request(
            "manim_request_plan", topic="Machine Learning", description="Educational video",
            scene_count=3,
        )
        plan = await session.answer(plan_job)
        assert isinstance(plan, PlanWritten), plan
        assert [s.scene_number for s in plan.scenes] == [1, 2, 3]
        assert plan.writer == "offline"

        implement_job = await session.request(
            "manim_request_implementations", topic="Machine Learning", plan_xml=plan.plan_xml
        )
        implemented = await session.answer(implement_job)
        assert isinstance(implemented, ImplementationsWritten), implemented
        assert [i.scene_number for i in implemented.implementations] == [1, 2, 3]

        # Outline and implementation come from the session.
        code_job = await session.request("manim_request_code", topic="Machine Learning",
                                         scene_number=1)  # fmt: skip
        code = await session.answer(code_job)
        assert isinstance(code, CodeWritten), code
        assert (code.scene_number, code.version, code.reason) == (1, 1, "written")
        assert "class Scene1" in code.code

        # Every event is routed to the project's subjects, the workers' answers included.
        key = str(manim_project_key(PROJECT))
        assert {r.metadata.project_id for r in await session.recorded()} == {key}
        await service.plumbing.relay.caught_up()
        subject = service.plumbing.namespace.event_subject(SERVICE, key, "CodeWritten")
        message = await nc.jetstream().get_last_msg(
            service.plumbing.namespace.stream_name(SERVICE), subject
        )
        assert message.data is not None


async def test_implementations_are_written_five_at_a_time(
    service: ScriptService, nc: Client, writer: FakeWriter
) -> None:
    writer.implement_delay = 0.3
    session = Session(nc, service)
    scenes = scenes_of(12)
    job = await session.request("manim_request_implementations", topic="Twelve scenes",
                                plan_xml=format_scene_outline(scenes))  # fmt: skip
    implemented = await session.answer(job)
    assert isinstance(implemented, ImplementationsWritten), implemented
    assert [i.scene_number for i in implemented.implementations] == list(range(1, 13))
    assert writer.most_running == 5
    kinds = [type(e).__name__ for e in await session.events()]
    assert kinds.count("ManimJobStarted") == 1


async def test_a_fix_and_an_edit_are_asked_with_the_code_they_start_from(
    service: ScriptService, nc: Client, writer: FakeWriter
) -> None:
    session = Session(nc, service)
    first = await session.request("manim_request_code", topic="Fixes", scene_number=2,
                                  scene_outline="outline 2", implementation="impl 2")  # fmt: skip
    assert isinstance(await session.answer(first), CodeWritten)
    # The render worker's answer, over rpc: version 1 failed.
    render = await session.request("manim_request_scene_render", topic="Fixes", scene_number=2)
    failed = await session.send(
        "manim_record_scene_render", job_id=str(render), scene_number=2, version=1,
        error="NameError: name 'Circel' is not defined",
    )
    assert isinstance(failed, CommandAccepted), failed

    fix = await session.request("manim_request_code", topic="Fixes", scene_number=2,
                                failed_version=1)  # fmt: skip
    fixed = await session.answer(fix)
    assert isinstance(fixed, CodeWritten), fixed
    assert (fixed.version, fixed.reason, fixed.code) == (2, "fixed", "class Scene2: 'fixed'")
    assert ("fix", ("class Scene2: 'first'", "NameError: name 'Circel' is not defined", 2)) in (
        writer.calls
    )

    edit = await session.request("manim_request_code", topic="Fixes", scene_number=2,
                                 edit_prompt="make it more colorful")  # fmt: skip
    edited = await session.answer(edit)
    assert isinstance(edited, CodeWritten), edited
    assert (edited.version, edited.reason) == (3, "edited")
    assert ("edit", ("class Scene2: 'fixed'", "make it more colorful", 2)) in writer.calls


async def test_a_writer_that_cannot_answer_fails_the_job_with_its_reason(
    service: ScriptService, nc: Client, writer: FakeWriter
) -> None:
    writer.plan_errors = [ManimWriterError("the model's plan had no <SCENE_OUTLINE> twice")]
    session = Session(nc, service)
    job = await session.request("manim_request_plan", topic="Broken model")
    failed = await session.answer(job)
    assert isinstance(failed, ManimJobFailed), failed
    assert (failed.kind, failed.reason) == ("plan", "the model's plan had no <SCENE_OUTLINE> twice")


async def test_a_job_that_crashed_is_redelivered_and_answered_once(
    service: ScriptService, nc: Client, writer: FakeWriter
) -> None:
    writer.plan_errors = [RuntimeError("the worker fell over")]
    session = Session(nc, service)
    job = await session.request("manim_request_plan", topic="Second time lucky", scene_count=2)
    planned = await session.answer(job, kinds=(PlanWritten, ManimJobFailed))
    assert isinstance(planned, PlanWritten), planned
    assert len([c for c in writer.calls if c[0] == "plan"]) == 2
    events = await session.events()
    assert [type(e) for e in events].count(ManimJobStarted) == 1
    assert [type(e) for e in events].count(PlanWritten) == 1


async def test_a_cancelled_job_stops_its_writer_and_is_never_answered(
    service: ScriptService, nc: Client, writer: FakeWriter
) -> None:
    writer.plan_gate = asyncio.Event()
    session = Session(nc, service)
    job = await session.request("manim_request_plan", topic="Cancel me")
    await session.answer(job, kinds=(ManimJobStarted,))
    # The task's process manager cancels its session's jobs through the handler.
    cancel = CancelManimJobs(command_id="cancel", now=datetime.now(UTC), session_id=session.id,
                             project=PROJECT, job_ids=[job])  # fmt: skip
    await service.manim.sessions.handle(cancel, correlation_id="corr-cancel")
    await service.plumbing.relay.caught_up()
    await asyncio.wait_for(writer.plan_cancelled.wait(), 10.0)
    writer.plan_gate.set()
    await asyncio.sleep(0.5)
    kinds = [type(e) for e in await session.events()]
    assert ManimJobCancelled in kinds
    assert PlanWritten not in kinds


@pytest.mark.parametrize(
    ("name", "fields", "field"),
    [
        ("manim_request_code", {"topic": "t", "scene_number": 0}, "scene_number"),
        ("manim_request_implementations", {"topic": "t"}, "plan_xml"),
        ("manim_request_plan", {"topic": "t", "scene_count": 21}, "scene_count"),
        ("manim_request_combine", {"scenes": []}, "session_id"),
    ],
)
async def test_bad_requests_are_refused_naming_the_field(
    service: ScriptService, nc: Client, name: str, fields: dict[str, Any], field: str
) -> None:
    reply = await Session(nc, service).send(name, job_id=str(uuid.uuid4()), **fields)
    assert isinstance(reply, CommandRejected), reply
    assert reply.field == field
    assert reply.code == ("not_found" if field == "session_id" else "invalid")
