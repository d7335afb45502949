"""What a task's process manager needs to know of its session, folded from the session's
events: where each job is (by its id, which the task chose), the latest implementations,
and every scene's renders. Nothing here decides; the session's own decider does."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import UUID

from videogen_contracts.script.manim import (
    CodeRequested,
    CodeWritten,
    ImplementationsWritten,
    ManimJobCancelled,
    ManimJobEventBase,
    ManimJobFailed,
    ManimSessionEvent,
    ManimSessionOpened,
    PlanWritten,
    SceneImplementation,
    SceneRendered,
    SceneRenderFailed,
    SceneRenderRequested,
    ScenesCombined,
)

# The events that end a job. CodeWritten ends a code job only: a render of supplied code
# writes one too, just before its render request, under the render's job id.
JobOutcome = (
    PlanWritten | ImplementationsWritten | CodeWritten | SceneRendered | SceneRenderFailed
    | ScenesCombined | ManimJobFailed | ManimJobCancelled
)
OUTCOMES = (
    PlanWritten, ImplementationsWritten, CodeWritten, SceneRendered, SceneRenderFailed,
    ScenesCombined, ManimJobFailed, ManimJobCancelled,
)


@dataclass
class SessionView:
    opened: bool = False
    topic: str = ""
    # Every job the session has heard of, with the task it runs for (None: a low-level call).
    job_tasks: dict[UUID, UUID | None] = field(default_factory=dict)
    outcomes: dict[UUID, JobOutcome] = field(default_factory=dict)
    implementations: dict[int, SceneImplementation] = field(default_factory=dict)
    renders: dict[tuple[int, int], SceneRendered] = field(default_factory=dict)
    code_jobs: set[UUID] = field(default_factory=set)
    render_requests: dict[UUID, SceneRenderRequested] = field(default_factory=dict)
    # The request of each scene's latest good render: an edit renders its scene the same way.
    rendered_as: dict[int, SceneRenderRequested] = field(default_factory=dict)

    def requested(self, job_id: UUID) -> bool:
        return job_id in self.job_tasks

    def outcome(self, job_id: UUID) -> JobOutcome | None:
        return self.outcomes.get(job_id)

    def rendered_scenes(self) -> frozenset[int]:
        return frozenset(scene for scene, _ in self.renders)

    def running_jobs(self, task_id: UUID) -> list[UUID]:
        """The task's jobs requested and not ended, in the order they were asked for."""
        return [
            job for job, task in self.job_tasks.items()
            if task == task_id and job not in self.outcomes
        ]

    def apply(self, event: ManimSessionEvent) -> None:
        if isinstance(event, ManimSessionOpened):
            self.opened = True
            self.topic = event.topic
            return
        assert isinstance(event, ManimJobEventBase)
        self.opened = True
        known = self.job_tasks.get(event.job_id)
        self.job_tasks[event.job_id] = known or event.task_id
        if isinstance(event, SceneRenderRequested):
            self.render_requests[event.job_id] = event
        if isinstance(event, SceneRendered):
            self._rendered(event)
        if isinstance(event, ImplementationsWritten):
            written = {i.scene_number: i for i in event.implementations}
            self.implementations = self.implementations | written
        if isinstance(event, CodeRequested):
            self.code_jobs.add(event.job_id)
        if isinstance(event, CodeWritten) and event.job_id not in self.code_jobs:
            return
        if isinstance(event, OUTCOMES) and event.job_id not in self.outcomes:
            self.outcomes[event.job_id] = event

    def _rendered(self, event: SceneRendered) -> None:
        latest = max((v for n, v in self.renders if n == event.scene_number), default=0)
        self.renders[(event.scene_number, event.version)] = event
        request = self.render_requests.get(event.job_id)
        if request is not None and event.version >= latest:
            self.rendered_as[event.scene_number] = request


def session_view(events: Iterable[ManimSessionEvent]) -> SessionView:
    view = SessionView()
    for event in events:
        view.apply(event)
    return view
