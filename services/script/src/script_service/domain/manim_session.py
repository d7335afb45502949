"""The ManimSession aggregate as a pure decider: requests open jobs, answers close them.

The first command of a session opens it (`ManimSessionOpened`). A request appends its
`*Requested` event with everything its worker needs, resolved from the session here (the
plan, a scene's outline and implementation, the code to fix, edit or render, the rendered
versions to combine), so a redelivered job does the same work. A request whose job id the
session knows already is a no-op: senders choose job ids, so a retried request finds its
job. An answer (Record*, Fail) for a job that is answered or cancelled already is a no-op
too: every job answers once, whichever worker delivery answers first. Starting a job that
is answered or cancelled is a Conflict, so a worker never begins work nobody wants.

The session's project is fixed when it opens; later commands' `project` is not read (a
worker answering a job knows the subject key, not the project's name).
"""

from __future__ import annotations

from typing import TypedDict, assert_never
from uuid import UUID

from videogen_contracts.errors import Conflict, Invalid, NotFound
from videogen_contracts.script.manim import (
    MAX_PROMPT_CHARS,
    MAX_SCENES,
    MAX_TEXT_CHARS,
    MIN_SCENES,
    CancelManimJobs,
    CodeWritten,
    FailManimJob,
    ImplementationsWritten,
    JobKind,
    ManimJobCancelled,
    ManimJobFailed,
    ManimJobStarted,
    ManimSessionCommand,
    ManimSessionEvent,
    ManimSessionOpened,
    PlanRequested,
    PlanWritten,
    RecordCode,
    RecordCombine,
    RecordImplementations,
    RecordPlan,
    RecordSceneRender,
    RequestCode,
    RequestCombine,
    RequestImplementations,
    RequestPlan,
    RequestSceneRender,
    SceneRendered,
    SceneRenderFailed,
    ScenesCombined,
    StartManimJob,
    manim_project_key,
)

from script_service.domain.manim_session_requests import (
    RequestedBy,
    check_code,
    check_text,
    code_requested,
    combine_requested,
    implementations_requested,
    render_requested,
)
from script_service.domain.manim_session_state import ManimJob, ManimSession

Events = list[ManimSessionEvent]


def decide_session(command: ManimSessionCommand, state: ManimSession) -> Events:
    match command:
        case RequestPlan() | RequestImplementations() | RequestCode() | RequestSceneRender():
            return _request(command, state)
        case RequestCombine():
            if not state.exists:
                raise NotFound(f"session {command.session_id!r} does not exist", "session_id")
            return [] if _known(state, command.job_id, "combine") else [
                combine_requested(command, state)
            ]
        case StartManimJob():
            job = _job(state, command.job_id)
            if not job.open:
                # Nobody wants the work (cancelled before it began, or failed): the worker
                # lets it go. A redelivered start of a job that began is answered from its
                # command id (the kernel) before it gets here.
                raise Conflict(f"job {command.job_id} is {job.status} already")
            if job.status == "running":
                return []
            return [ManimJobStarted(**_base(state, command.job_id, job), kind=job.kind,
                                    started_at=command.now)]  # fmt: skip
        case RecordPlan() | RecordImplementations() | RecordCode():
            return _record_written(command, state)
        case RecordSceneRender():
            return _record_render(command, state)
        case RecordCombine():
            return _record_combine(command, state)
        case FailManimJob():
            return _fail(command, state)
        case CancelManimJobs():
            return _cancel(command, state)
        case _:
            assert_never(command)


def _request(
    command: RequestPlan | RequestImplementations | RequestCode | RequestSceneRender,
    state: ManimSession,
) -> Events:
    kinds: dict[type, JobKind] = {
        RequestPlan: "plan", RequestImplementations: "implement", RequestCode: "code",
        RequestSceneRender: "render",
    }
    if _known(state, command.job_id, kinds[type(command)]):
        return []
    topic = _topic(command.topic, state)
    description = getattr(command, "description", "")
    check_text("description", description, MAX_TEXT_CHARS)
    opened: Events = [] if state.exists else [ManimSessionOpened(
        session_id=command.session_id, project_id=manim_project_key(command.project),
        project=command.project, topic=topic, description=description, opened_at=command.now,
    )]  # fmt: skip
    project_id = state.project_id or manim_project_key(command.project)
    by = RequestedBy(command.session_id, project_id, topic)
    match command:
        case RequestPlan():
            return [*opened, _plan_requested(command, by)]
        case RequestImplementations():
            return [*opened, implementations_requested(command, state, by)]
        case RequestCode():
            return [*opened, code_requested(command, state, by)]
        case RequestSceneRender():
            return [*opened, *render_requested(command, state, by)]
        case _:
            assert_never(command)


def _plan_requested(command: RequestPlan, by: RequestedBy) -> PlanRequested:
    count = command.scene_count
    if count is not None and not MIN_SCENES <= count <= MAX_SCENES:
        raise Invalid("scene_count", f"scene_count must be {MIN_SCENES} to {MAX_SCENES}")
    if not 0.0 <= command.temperature <= 2.0:
        raise Invalid("temperature", "temperature must be 0 to 2")
    return PlanRequested(
        session_id=by.session_id, project_id=by.project_id, job_id=command.job_id,
        task_id=command.task_id, topic=by.topic, description=command.description,
        scene_count=count, model=command.model, temperature=command.temperature,
        requested_at=command.now,
    )


def _record_written(
    command: RecordPlan | RecordImplementations | RecordCode, state: ManimSession
) -> Events:
    kinds: dict[type, JobKind] = {
        RecordPlan: "plan", RecordImplementations: "implement", RecordCode: "code"
    }
    job = _answering(state, command.job_id, kinds[type(command)])
    if job is None:
        return []
    base = _base(state, command.job_id, job)
    match command:
        case RecordPlan():
            if not command.scenes:
                raise Invalid("scenes", "a plan has at least one scene")
            return [PlanWritten(**base, plan_xml=command.plan_xml, scenes=command.scenes,
                                writer=command.writer, raw_response=command.raw_response,
                                written_at=command.now)]  # fmt: skip
        case RecordImplementations():
            return [ImplementationsWritten(
                **base, implementations=command.implementations, writer=command.writer,
                written_at=command.now,
            )]
        case RecordCode():
            if command.scene_number != job.scene_number:
                raise Invalid("scene_number", f"job {command.job_id} writes scene "
                              f"{job.scene_number}, not {command.scene_number}")  # fmt: skip
            check_code("code", command.code)
            return [CodeWritten(
                **base, scene_number=job.scene_number,
                version=state.latest_version(job.scene_number) + 1, code=command.code,
                reason=job.reason, writer=command.writer, raw_response=command.raw_response,
                written_at=command.now,
            )]
        case _:
            assert_never(command)


def _record_render(command: RecordSceneRender, state: ManimSession) -> Events:
    job = _answering(state, command.job_id, "render")
    if job is None:
        return []
    if (command.scene_number, command.version) != (job.scene_number, job.version):
        raise Invalid("version", f"job {command.job_id} renders scene {job.scene_number} "
                      f"version {job.version}")  # fmt: skip
    base = _base(state, command.job_id, job)
    if command.error is not None:
        return [SceneRenderFailed(**base, scene_number=job.scene_number, version=job.version,
                                  error=command.error, code_key=command.code_key,
                                  failed_at=command.now)]  # fmt: skip
    if not command.video_key or not command.code_key:
        raise Invalid("video_key", "a rendered scene has a video_key and a code_key")
    return [SceneRendered(
        **base, scene_number=job.scene_number, version=job.version,
        video_key=command.video_key, srt_key=command.srt_key, code_key=command.code_key,
        duration_s=command.duration_s, has_audio=command.has_audio, sandbox=command.sandbox,
        rendered_at=command.now,
    )]


def _record_combine(command: RecordCombine, state: ManimSession) -> Events:
    job = _answering(state, command.job_id, "combine")
    if job is None:
        return []
    base = _base(state, command.job_id, job)
    if command.error is not None:
        return [ManimJobFailed(**base, kind="combine", reason=command.error,
                               failed_at=command.now)]  # fmt: skip
    if not command.output_key:
        raise Invalid("output_key", "a combined video has an output_key")
    return [ScenesCombined(
        **base, output_key=command.output_key, srt_key=command.srt_key,
        duration_s=command.duration_s, scenes=list(job.scenes), combined_at=command.now,
    )]


def _fail(command: FailManimJob, state: ManimSession) -> Events:
    job = _job(state, command.job_id)
    if not job.open:
        return []
    base = _base(state, command.job_id, job)
    if job.kind == "render":
        # Renders fail one way, whatever the cause, so their readers look in one place.
        return [SceneRenderFailed(**base, scene_number=job.scene_number, version=job.version,
                                  error=command.reason, failed_at=command.now)]  # fmt: skip
    return [ManimJobFailed(**base, kind=job.kind, reason=command.reason, failed_at=command.now)]


def _cancel(command: CancelManimJobs, state: ManimSession) -> Events:
    open_jobs = {
        job_id: job for job_id in dict.fromkeys(command.job_ids)
        if (job := state.jobs.get(job_id)) is not None and job.open
    }
    return [
        ManimJobCancelled(**_base(state, job_id, job), kind=job.kind, cancelled_at=command.now)
        for job_id, job in open_jobs.items()
    ]


class _JobFields(TypedDict):
    session_id: str
    project_id: UUID
    job_id: UUID
    task_id: UUID | None


def _base(state: ManimSession, job_id: UUID, job: ManimJob) -> _JobFields:
    # Every event of a job carries its task (from the request), so the task's process
    # manager hears every answer.
    assert state.project_id is not None
    return {
        "session_id": state.session_id, "project_id": state.project_id, "job_id": job_id,
        "task_id": job.task_id,
    }


def _known(state: ManimSession, job_id: UUID, kind: JobKind) -> bool:
    job = state.jobs.get(job_id)
    if job is not None and job.kind != kind:
        raise Conflict(f"job {job_id} is a {job.kind} job, not a {kind} job")
    return job is not None


def _job(state: ManimSession, job_id: UUID) -> ManimJob:
    job = state.jobs.get(job_id)
    if job is None:
        raise NotFound(f"job {job_id} is not a job of session {state.session_id!r}", "job_id")
    return job


def _answering(state: ManimSession, job_id: UUID, kind: JobKind) -> ManimJob | None:
    """The open job an answer of `kind` is for; None when it is answered already."""
    job = _job(state, job_id)
    if job.kind != kind:
        raise Conflict(f"job {job_id} is a {job.kind} job, not a {kind} job")
    return job if job.open else None


def _topic(topic: str, state: ManimSession) -> str:
    topic = topic.strip()
    if not topic and state.exists:
        return state.topic
    if not topic:
        raise Invalid("topic", "a topic is required")
    check_text("topic", topic, MAX_PROMPT_CHARS)
    return topic

