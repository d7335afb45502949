"""The ManimTask aggregate on the decider kernel, and the two client commands it serves.

Starting an edit and cancelling read the task's session first (does the scene have a
render, which jobs are running), which the task's decider cannot see. That read is not
part of the append, and need not be: a session only gains renders; a job that ends in
between is left as it is by `CancelManimJobs` (it cancels only unfinished jobs), and one
asked for after the read is stopped by the process manager's next reaction (policy.py).
"""

from __future__ import annotations

from uuid import UUID

from videogen_contracts.envelope import EventMetadata
from videogen_contracts.errors import NotFound
from videogen_contracts.replies import CommandAccepted
from videogen_contracts.script.manim import (
    CancelManimTask,
    ManimTaskEvent,
    StartManimTask,
    manim_project_key,
    manim_session_event_decoder,
    manim_session_stream_id,
    manim_task_event_decoder,
    manim_task_stream_id,
)
from videogen_eventstore.api import EventStore
from videogen_eventstore.decider import Aggregate, Streams

from script_service.app.aggregates import metadata_for
from script_service.app.manim_task.session_view import SessionView, session_view
from script_service.domain import manim_task
from script_service.domain.manim_task import (
    CancelTask,
    ManimTask,
    ManimTaskCommand,
    TaskStepCommand,
    check_edit_target,
)

# The process manager's reactions to a task's jobs may race each other (replicas, a
# render and a code answer at once): each loss is one more round.
MANIM_TASK: Aggregate[UUID, ManimTaskCommand, ManimTask, ManimTaskEvent] = Aggregate(
    "manim_task", manim_task_stream_id, manim_task.decide, manim_task.evolve,
    manim_task.INITIAL, manim_task_event_decoder, max_retries=20,
)


class ManimTasks:
    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.streams = Streams(store)

    async def load(self, task_id: UUID) -> ManimTask:
        state, _ = await self.streams.load(MANIM_TASK, task_id)
        return state

    async def session(self, session_id: str) -> SessionView:
        recorded = await self.store.read_stream(manim_session_stream_id(session_id))
        return session_view(manim_session_event_decoder.decode(r.data) for r in recorded)

    async def start(
        self, command: StartManimTask, *, correlation_id: str, causation_id: str | None = None
    ) -> CommandAccepted:
        if command.kind == "edit":
            view = await self.session(command.session_id)
            check_edit_target(command, view.rendered_scenes() if view.opened else None)
        return await self._run(
            command.task_id, command, command.command_id,
            metadata_for(manim_project_key(command.project), correlation_id, causation_id),
        )

    async def cancel(
        self, command: CancelManimTask, *, correlation_id: str, causation_id: str | None = None
    ) -> CommandAccepted:
        task = await self.load(command.task_id)
        if task.queued is None:
            raise NotFound(f"manim task {command.task_id} not found")
        view = await self.session(task.queued.session_id)
        decided = CancelTask(cancel=command, running_jobs=view.running_jobs(command.task_id))
        return await self._run(
            command.task_id, decided, command.command_id,
            metadata_for(task.queued.project_id, correlation_id, causation_id),
        )

    async def step(
        self, command: TaskStepCommand, project_id: UUID, metadata: EventMetadata
    ) -> CommandAccepted:
        """An internal command of the process manager."""
        return await self._run(
            command.task_id, command, command.command_id,
            metadata_for(project_id, metadata.correlation_id, metadata.causation_id),
        )

    async def _run(
        self, task_id: UUID, command: ManimTaskCommand, command_id: str, metadata: EventMetadata
    ) -> CommandAccepted:
        return await self.streams.run(
            MANIM_TASK, task_id, command, command_id=command_id, metadata=metadata
        )
