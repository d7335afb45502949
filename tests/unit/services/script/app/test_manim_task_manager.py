"""The ManimTask process manager wired by the bootstrap's `manim_app` on the in-memory
store: every event of the log is handed to it, as its durable consumer would, and it
drives the session's real handler. Here: the requests it sends, a redelivery that sends
nothing new, and a request the session refuses, which fails the task with the reason."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from script_service.app.manim_task.reaction import job_id_for
from script_service.bootstrap import ManimParts, manim_app
from videogen_contracts.script.manim import (
    ImplementationsRequested,
    ManimSessionEvent,
    ManimTaskEvent,
    ManimTaskFailed,
    PlanRequested,
    RecordPlan,
    ScenePlan,
    StartManimTask,
    manim_session_event_decoder,
    manim_session_stream_id,
    manim_task_event_decoder,
    manim_task_stream_id,
)
from videogen_eventstore.api import START, Position, position_of
from videogen_eventstore.memory import InMemoryEventStore
from videogen_providers.manim.offline import OfflineManimWriter

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
TID = UUID("00000000-0000-4000-8000-000000000042")
SESSION = "session_feedbeef"


class World:
    def __init__(self) -> None:
        self.store = InMemoryEventStore("script")
        self.manim: ManimParts = manim_app(self.store, OfflineManimWriter(), 5.0)
        self.seen: Position = START

    async def deliver(self, *, again: bool = False) -> None:
        """Hand the manager every event it has not had (`again`: all of them once more)."""
        after = START if again else self.seen
        while events := await self.store.read_all(after):
            for event in events:
                await self.manim.manager.on_event(event)
            after = self.seen = position_of(events[-1])

    async def session(self) -> list[ManimSessionEvent]:
        recorded = await self.store.read_stream(manim_session_stream_id(SESSION))
        return [manim_session_event_decoder.decode(r.data) for r in recorded]

    async def task(self) -> list[ManimTaskEvent]:
        recorded = await self.store.read_stream(manim_task_stream_id(TID))
        return [manim_task_event_decoder.decode(r.data) for r in recorded]


async def start(world: World) -> None:
    command = StartManimTask(
        command_id="start", now=NOW, task_id=TID, kind="generate", project="proj",
        session_id=SESSION, prompt="Explain machine learning basics", scene_count=2,
    )
    await world.manim.tasks.start(command, correlation_id="corr")
    await world.deliver()


async def test_a_queued_task_asks_its_session_for_a_plan_once() -> None:
    world = World()
    await start(world)
    requested = [e for e in await world.session() if isinstance(e, PlanRequested)]
    assert [(e.job_id, e.task_id, e.scene_count) for e in requested] == [
        (job_id_for(TID, "plan"), TID, 2)
    ]
    before = (len(await world.session()), len(await world.task()))
    await world.deliver(again=True)
    assert (len(await world.session()), len(await world.task())) == before


async def test_a_request_the_session_refuses_fails_the_task_with_the_reason() -> None:
    world = World()
    await start(world)
    # A writer's answer the session takes but cannot build on: a plan that does not parse.
    scenes = [ScenePlan(scene_number=1, title="t", purpose="p", description="d", layout="l")]
    answer = RecordPlan(
        command_id="answer", now=NOW, session_id=SESSION, project="proj",
        job_id=job_id_for(TID, "plan"), plan_xml="no outline here", scenes=scenes,
        writer="fake",
    )
    await world.manim.sessions.handle(answer, correlation_id="corr")
    await world.deliver()
    assert not [e for e in await world.session() if isinstance(e, ImplementationsRequested)]
    failed = (await world.task())[-1]
    assert isinstance(failed, ManimTaskFailed)
    assert failed.step == "implementations"
    assert "SCENE_OUTLINE" in failed.error
