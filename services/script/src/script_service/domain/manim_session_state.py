"""The ManimSession aggregate's state and `evolve`: only what its decisions need.

A session holds its latest plan, each scene's latest implementation, every code version of
every scene (with its render, ok or failed) and every job with what its answer needs. A job
is `open` until it is answered (written, rendered, combined, failed) or cancelled; after
that every answer for it is a no-op, which is how a redelivered worker stays harmless.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal, assert_never
from uuid import UUID

from videogen_contracts.script.manim import (
    CodeReason,
    CodeRequested,
    CodeWritten,
    CombinedScene,
    CombineRequested,
    ImplementationsRequested,
    ImplementationsWritten,
    JobKind,
    ManimJobCancelled,
    ManimJobFailed,
    ManimJobStarted,
    ManimSessionEvent,
    ManimSessionOpened,
    PlanRequested,
    PlanWritten,
    SceneImplementation,
    ScenePlan,
    SceneRendered,
    SceneRenderFailed,
    SceneRenderRequested,
    ScenesCombined,
)

JobStatus = Literal["pending", "running", "answered", "cancelled"]


@dataclass(frozen=True, slots=True)
class ManimJob:
    kind: JobKind
    task_id: UUID | None = None
    status: JobStatus = "pending"
    # code and render jobs: their scene; render: the code version it renders.
    scene_number: int = 0
    version: int = 0
    # code: the reason its CodeWritten gives.
    reason: CodeReason = "written"
    # combine: what it joins.
    scenes: tuple[CombinedScene, ...] = ()

    @property
    def open(self) -> bool:
        return self.status in ("pending", "running")


@dataclass(frozen=True, slots=True)
class CodeVersion:
    code: str
    rendered: SceneRendered | None = None
    # The last failed render's error. A failed re-render keeps an earlier good render: its
    # video is still at its key (a render moves its output in only when whole).
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ManimSession:
    session_id: str = ""
    project_id: UUID | None = None
    project: str = ""
    topic: str = ""
    description: str = ""
    plan_xml: str | None = None
    plan: tuple[ScenePlan, ...] = ()
    implementations: Mapping[int, SceneImplementation] = field(default_factory=dict)
    # Scene number → its versions in order (version n is index n - 1).
    code: Mapping[int, tuple[CodeVersion, ...]] = field(default_factory=dict)
    jobs: Mapping[UUID, ManimJob] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return self.project_id is not None

    def latest_version(self, scene_number: int) -> int:
        """0 when the scene has no code yet."""
        return len(self.code.get(scene_number, ()))

    def version(self, scene_number: int, version: int) -> CodeVersion | None:
        versions = self.code.get(scene_number, ())
        return versions[version - 1] if 1 <= version <= len(versions) else None

    def latest_rendered(self, scene_number: int) -> SceneRendered | None:
        versions = self.code.get(scene_number, ())
        return next((v.rendered for v in reversed(versions) if v.rendered), None)

    def rendered_scenes(self) -> list[int]:
        return sorted(n for n in self.code if self.latest_rendered(n) is not None)

    def plan_of(self, scene_number: int) -> ScenePlan | None:
        return next((s for s in self.plan if s.scene_number == scene_number), None)


INITIAL_SESSION = ManimSession()


def evolve_session(state: ManimSession, event: ManimSessionEvent) -> ManimSession:
    match event:
        case ManimSessionOpened():
            return replace(
                state, session_id=event.session_id, project_id=event.project_id,
                project=event.project, topic=event.topic, description=event.description,
            )
        case PlanRequested():
            return _job(state, event.job_id, ManimJob("plan", event.task_id))
        case ImplementationsRequested():
            return _job(state, event.job_id, ManimJob("implement", event.task_id))
        case CodeRequested():
            reason: CodeReason = (
                "fixed" if event.failed_version is not None
                else "edited" if event.edit_prompt is not None else "written"
            )
            job = ManimJob("code", event.task_id, scene_number=event.scene_number, reason=reason)
            return _job(state, event.job_id, job)
        case SceneRenderRequested():
            job = ManimJob(
                "render", event.task_id, scene_number=event.scene_number, version=event.version
            )
            return _job(state, event.job_id, job)
        case CombineRequested():
            job = ManimJob("combine", event.task_id, scenes=tuple(event.scenes))
            return _job(state, event.job_id, job)
        case ManimJobStarted():
            return _status(state, event.job_id, "running")
        case PlanWritten():
            state = replace(state, plan_xml=event.plan_xml, plan=tuple(event.scenes))
            return _status(state, event.job_id, "answered")
        case ImplementationsWritten():
            written = {i.scene_number: i for i in event.implementations}
            state = replace(state, implementations={**state.implementations, **written})
            return _status(state, event.job_id, "answered")
        case CodeWritten():
            versions = (*state.code.get(event.scene_number, ()), CodeVersion(event.code))
            state = replace(state, code={**state.code, event.scene_number: versions})
            # A client's code ("supplied") is written under its render job, which it opens.
            return _status(state, event.job_id, "answered", only="code")
        case SceneRendered():
            state = _render(state, event.scene_number, event.version, rendered=event)
            return _status(state, event.job_id, "answered")
        case SceneRenderFailed():
            state = _render(state, event.scene_number, event.version, error=event.error)
            return _status(state, event.job_id, "answered")
        case ScenesCombined() | ManimJobFailed():
            return _status(state, event.job_id, "answered")
        case ManimJobCancelled():
            return _status(state, event.job_id, "cancelled")
        case _:
            assert_never(event)


def fold_session(
    events: Iterable[ManimSessionEvent], state: ManimSession = INITIAL_SESSION
) -> ManimSession:
    for event in events:
        state = evolve_session(state, event)
    return state


def _job(state: ManimSession, job_id: UUID, job: ManimJob) -> ManimSession:
    return replace(state, jobs={**state.jobs, job_id: job})


def _status(
    state: ManimSession, job_id: UUID, status: JobStatus, only: JobKind | None = None
) -> ManimSession:
    job = state.jobs.get(job_id)
    if job is None or (only is not None and job.kind != only):
        return state
    return _job(state, job_id, replace(job, status=status))


def _render(
    state: ManimSession, scene_number: int, version: int, *,
    rendered: SceneRendered | None = None, error: str | None = None,
) -> ManimSession:
    versions = list(state.code.get(scene_number, ()))
    if not 1 <= version <= len(versions):
        return state
    old = versions[version - 1]
    versions[version - 1] = replace(old, rendered=rendered or old.rendered, error=error)
    return replace(state, code={**state.code, scene_number: tuple(versions)})
