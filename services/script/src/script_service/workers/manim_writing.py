"""The Manim writing worker: a session's plan, implementations and code, by the ManimWriter.

Run by the job queue (entrypoints/manim_queues.py) for each `PlanRequested`,
`ImplementationsRequested` and `CodeRequested`. The request carries everything the writer
needs, so the worker never reads more than whether its job is still open. It starts the
job, asks the writer, and answers with the job's Record command, or `FailManimJob` with
the reason when the writer cannot answer.

Redelivery (a crash, a shutdown that handed the job back) asks the writer again: its
answer is an event, decided once. A job answered or cancelled meanwhile is skipped, and an
answer that arrives after another one is a no-op in the decider, so a job answers once
however many deliveries race. Each step's command id is `<job_id>:<step>`, so a resent
step is stored once.

An implementation job writes every scene of the plan, five at a time as the original does;
if one scene cannot be written the others are cancelled and the job fails naming it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import TypedDict, TypeVar, assert_never

import msgspec
import structlog
from videogen_bus.consumer import PoisonMessage
from videogen_bus.jobs import Delivery
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.errors import Conflict, DomainError
from videogen_contracts.script.manim import (
    CodeRequested,
    FailManimJob,
    ImplementationsRequested,
    PlanRequested,
    RecordCode,
    RecordImplementations,
    RecordPlan,
    SceneImplementation,
    ScenePlan,
    StartManimJob,
    manim_session_event_decoder,
)
from videogen_providers.manim.writer import CodeDraft, ManimWriter, ManimWriterError
from videogen_runtime.outages import hand_back

from script_service.app.manim_session import ManimSessions

log = structlog.get_logger("script_service.manim_writing")

T = TypeVar("T")
WritingRequest = PlanRequested | ImplementationsRequested | CodeRequested
Answer = RecordPlan | RecordImplementations | RecordCode
# Scenes whose implementations are written at once, as the original does.
IMPLEMENTATIONS_AT_ONCE = 5
DEFAULT_DEADLINE = 300.0


class ManimWritingJob:
    def __init__(
        self, sessions: ManimSessions, writer: ManimWriter, *,
        deadline: float = DEFAULT_DEADLINE, at_once: int = IMPLEMENTATIONS_AT_ONCE,
    ) -> None:
        self.sessions = sessions
        self.writer = writer
        # The longest one writer call may take (its own retries included): nothing waits
        # for ever on a model that trickles.
        self.deadline = deadline
        self.at_once = at_once

    async def __call__(self, event: RecordedEvent, delivery: Delivery) -> None:
        try:
            request = manim_session_event_decoder.decode(event.data)
        except msgspec.DecodeError as error:
            raise PoisonMessage(f"{event.type} {event.event_id}: {error}") from error
        if not isinstance(request, PlanRequested | ImplementationsRequested | CodeRequested):
            return  # the queue's filter lets only these through; be safe anyway
        session = await self.sessions.load(request.session_id)
        job = session.jobs.get(request.job_id)
        if job is None or not job.open:
            log.info("manim_writing.already_answered", job_id=str(request.job_id))
            return
        answering = _Answering(self.sessions, request, event)
        start = StartManimJob(**answering.fields(), job_id=request.job_id)
        try:
            await answering.send("start", start)
        except Conflict:
            return  # cancelled or failed since we looked: nobody wants the work
        try:
            answer = await self._write(request, answering)
        except ManimWriterError as failed:
            log.warning("manim_writing.writer_failed", job_id=str(request.job_id),
                        reason=failed.reason)  # fmt: skip
            await answering.fail(failed.reason)
            return
        except Exception as error:
            # Worker boundary: retried with a backoff by the queue, unless this was the last
            # delivery; then the job fails rather than stay running for ever. An outage is
            # retried however long it lasts: the job is not at fault.
            if hand_back(error, delivery):
                raise
            log.exception("manim_writing.gave_up", job_id=str(request.job_id))
            await answering.fail(
                f"the writer failed on an internal error; correlation id "
                f"{event.metadata.correlation_id}"
            )
            return
        try:
            await answering.send("answer", answer)
        except DomainError as refused:
            # The writer's answer breaks a rule (an empty code): asking again would not help.
            await answering.fail(f"the writer's answer was refused: {refused.message}")

    async def _write(self, request: WritingRequest, answering: _Answering) -> Answer:
        w, fields = self.writer, answering.fields()
        match request:
            case PlanRequested():
                plan = await self._call("the plan", w.plan(
                    request.topic, request.description, request.scene_count,
                    model=request.model, temperature=request.temperature,
                ))  # fmt: skip
                return RecordPlan(**fields, job_id=request.job_id, plan_xml=plan.plan_xml,
                                  scenes=plan.scenes, writer=w.name,
                                  raw_response=plan.raw_response)  # fmt: skip
            case ImplementationsRequested():
                written = await self._implementations(request)
                return RecordImplementations(**fields, job_id=request.job_id,
                                             implementations=written, writer=w.name)  # fmt: skip
            case CodeRequested():
                draft = await self._code(request)
                return RecordCode(**fields, job_id=request.job_id,
                                  scene_number=request.scene_number, code=draft.code,
                                  writer=w.name, raw_response=draft.raw_response)  # fmt: skip
            case _:
                assert_never(request)

    async def _implementations(
        self, request: ImplementationsRequested
    ) -> list[SceneImplementation]:
        slots = asyncio.Semaphore(self.at_once)

        async def one(scene: ScenePlan) -> SceneImplementation:
            async with slots:
                call = self.writer.implement(
                    request.topic, request.description, request.plan_xml, scene,
                    model=request.model,
                )
                return await self._call(f"the implementation of scene {scene.scene_number}", call)

        try:
            # A TaskGroup cancels the other scenes when one fails: the job fails as a whole.
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(one(scene)) for scene in request.scenes]
        except BaseExceptionGroup as failed:
            # The first scene's failure is the job's (the writer's reason, or an outage).
            raise failed.exceptions[0] from None
        return sorted((t.result() for t in tasks), key=lambda i: i.scene_number)

    async def _code(self, request: CodeRequested) -> CodeDraft:
        w, n, what = self.writer, request.scene_number, f"the code of scene {request.scene_number}"
        if request.failed_version is not None and request.base_code is not None:
            return await self._call(what, w.fix(
                request.topic, request.description, request.base_code, request.error or "", n,
                request.implementation, model=request.model,
            ))  # fmt: skip
        if request.edit_prompt is not None and request.base_code is not None:
            return await self._call(what, w.edit(
                request.topic, request.base_code, request.edit_prompt, n, model=request.model,
            ))  # fmt: skip
        return await self._call(what, w.code(
            request.topic, request.description, request.scene_outline, request.implementation,
            n, model=request.model,
        ))  # fmt: skip

    async def _call(self, what: str, call: Awaitable[T]) -> T:
        try:
            async with asyncio.timeout(self.deadline):
                return await call
        except TimeoutError:
            raise ManimWriterError(
                f"the writer did not finish {what} within {self.deadline:g} s"
            ) from None


class _Answering:
    """The commands one delivery of one job sends, with its ids and its correlation."""

    def __init__(self, sessions: ManimSessions, request: WritingRequest, event: RecordedEvent):
        self.sessions = sessions
        self.request = request
        self.correlation_id = event.metadata.correlation_id
        self.causation_id = str(event.event_id)

    def fields(self) -> _CommandFields:
        # The command id is the step's (set by `send`). The project is the session's, fixed
        # when it opened: the handler reads it there, so its subject key is named here.
        r = self.request
        return _CommandFields(
            command_id="", now=datetime.now(UTC), session_id=r.session_id,
            project=str(r.project_id),
        )

    async def send(self, step: str, command: StartManimJob | Answer | FailManimJob) -> None:
        command = msgspec.structs.replace(command, command_id=f"{self.request.job_id}:{step}")
        await self.sessions.handle(
            command, correlation_id=self.correlation_id, causation_id=self.causation_id
        )

    async def fail(self, reason: str) -> None:
        fail = FailManimJob(**self.fields(), job_id=self.request.job_id, reason=reason)
        await self.send("fail", fail)


class _CommandFields(TypedDict):
    command_id: str
    now: datetime
    session_id: str
    project: str
