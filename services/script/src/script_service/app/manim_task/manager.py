"""The ManimTask process manager: a task's events and its session's job events in, the
commands `react` (policy.py) asks for out, to the session's handler and the task's.

Every event is a nudge, not a message to interpret: the manager loads the task and its
session as they are now and reacts to that, so an event redelivered, reordered or seen by
two replicas at once leads to the same commands (idempotent by their ids), and a task
whose process was killed resumes at its next event or redelivery. No tracking row is
needed for that; a repeat costs one read of each stream.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol
from uuid import UUID

import structlog
from videogen_bus.consumer import TransientError
from videogen_contracts.envelope import EventMetadata, RecordedEvent
from videogen_contracts.errors import Conflict, DomainError, Unavailable
from videogen_contracts.replies import CommandAccepted
from videogen_contracts.script.manim import (
    MANIM_SESSION_EVENT_TYPES,
    ManimJobEventBase,
    ManimSessionCommand,
    ManimTaskEvent,
    manim_session_event_decoder,
    manim_task_event_decoder,
)

from script_service.app.manim_task.handlers import ManimTasks
from script_service.app.manim_task.policy import react
from script_service.app.manim_task.reaction import Action
from script_service.domain.manim_task import FailManimTask

log = structlog.get_logger("script_service.manim_task_manager")

CONSUMER = "manim-task-pm"
TASK_EVENTS = ("ManimTaskQueued", "ManimTaskCancelled")
# What the manager consumes from the script stream (the job events name their task).
WATCHED: tuple[str, ...] = TASK_EVENTS + tuple(
    str(t.__struct_config__.tag) for t in MANIM_SESSION_EVENT_TYPES
    if issubclass(t, ManimJobEventBase)
)


class SessionCommands(Protocol):
    async def handle(
        self, command: ManimSessionCommand, *, correlation_id: str, causation_id: str | None = None
    ) -> CommandAccepted: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


class ManimTaskManager:
    def __init__(
        self, tasks: ManimTasks, sessions: SessionCommands, *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.tasks = tasks
        self.sessions = sessions
        self.clock = clock

    async def on_event(self, event: RecordedEvent) -> None:
        task_id = await self._task_of(event)
        if task_id is not None:
            await self.advance(task_id, event.metadata.correlation_id, str(event.event_id))

    async def advance(self, task_id: UUID, correlation_id: str, causation_id: str) -> None:
        """Send what the task needs now, in order."""
        task = await self.tasks.load(task_id)
        if task.queued is None:
            log.info("manim_task.unknown", task_id=str(task_id))
            return
        view = await self.tasks.session(task.queued.session_id)
        metadata = EventMetadata(correlation_id=correlation_id, causation_id=causation_id)
        for action in react(task, view, self.clock()):
            if not await self._send(action, task_id, task.queued.project_id, metadata):
                return

    async def _task_of(self, event: RecordedEvent) -> UUID | None:
        if event.type in TASK_EVENTS:
            task_event: ManimTaskEvent = manim_task_event_decoder.decode(event.data)
            return task_event.task_id
        if event.type not in WATCHED:
            return None
        decoded = manim_session_event_decoder.decode(event.data)
        if not isinstance(decoded, ManimJobEventBase):
            return None
        if decoded.task_id is not None:
            return decoded.task_id
        # An answer that did not repeat its job's task: the job's request names it.
        view = await self.tasks.session(decoded.session_id)
        return view.job_tasks.get(decoded.job_id)

    async def _send(
        self, action: Action, task_id: UUID, project_id: UUID, metadata: EventMetadata
    ) -> bool:
        """False when the session refused a request: the task has failed with the reason."""
        if isinstance(action, ManimSessionCommand):
            try:
                await self.sessions.handle(
                    action, correlation_id=metadata.correlation_id,
                    causation_id=metadata.causation_id,
                )
            except (Unavailable, Conflict) as error:
                # A dependency down, or the session's stream kept changing: try again later.
                raise TransientError(str(error)) from error
            except DomainError as error:
                await self._refused(action, error, task_id, project_id, metadata)
                return False
            return True
        await self.tasks.step(action, project_id, metadata)
        return True

    async def _refused(
        self, action: ManimSessionCommand, error: DomainError, task_id: UUID,
        project_id: UUID, metadata: EventMetadata,
    ) -> None:
        log.warning("manim_task.refused", command=type(action).__name__, error=error.message)
        failed = FailManimTask(
            command_id=f"{action.command_id}:refused", now=self.clock(), task_id=task_id,
            error=error.message,
        )
        await self.tasks.step(failed, project_id, metadata)
