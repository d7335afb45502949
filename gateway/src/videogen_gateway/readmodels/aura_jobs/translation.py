"""Aura's view of a production: its job, its steps and its SSE messages (doc 001), as a pure
translation of one Production event at a time.

`translate(job, steps, event)` returns the job and the steps as they are after the event,
and the messages a client of `/api/jobs/{id}/events` receives for it, in order. No I/O: the
projection (readmodel.py) reads the rows, calls this, and writes the result in the project
projector's transaction.

The five steps follow the production's stages. A stage change finishes the step of the
stage it leaves and starts the one it enters; a progress update inside a stage is a
`step-progress`; the end of the production ends the job (Succeeded, Failed, Canceled). A
retry (ProductionRetried) runs the job again: every step before the one it resumes at is
done, and the rest start again as the production reaches them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from videogen_contracts.project.production import (
    ProductionAdvanced,
    ProductionCancelled,
    ProductionCompleted,
    ProductionEvent,
    ProductionFailed,
    ProductionQueued,
    ProductionRetried,
    ProductionStage,
    ProductionStallWarned,
)

# (step name, the production stage it is, and the share of the doc-004 progress it spans)
STEPS: tuple[tuple[str, ProductionStage, int, int], ...] = (
    ("Script", "scripting", 0, 20),
    ("Voice", "narrating", 20, 40),
    ("Captions", "captioning", 40, 60),
    ("Visuals", "choosing_visuals", 60, 90),
    ("Render", "rendering", 90, 100),
)
STEP_OF: dict[str, str] = {stage: name for name, stage, _, _ in STEPS}
SPAN: dict[str, tuple[int, int]] = {stage: (lo, hi) for _, stage, lo, hi in STEPS}
STEP_NAMES = tuple(name for name, *_ in STEPS)

ENDED = frozenset({"Succeeded", "Failed", "Canceled"})
TERMINAL_EVENTS = frozenset({"job-completed", "job-failed", "job-cancelled"})

# Production failure code → (Aura error code, what to do about it). Documented in
# docs/errors.md ("Job error codes").
FAILURES: dict[str, tuple[str, str]] = {
    "script_failed": ("SCRIPT_FAILED", "Check the script provider (GET /api/providers/"
                      "capabilities, POST /api/providers/{name}/validate), then retry the job."),
    "media_failed": ("MEDIA_FAILED", "Check the voice (TTS) provider and the brief's text,"
                     " then retry the job: narration already made is kept."),
    "render_failed": ("RENDER_FAILED", "Check FFmpeg (GET /api/system/ffmpeg/status) and the"
                      " renderSpec, then retry the job."),
    "invalid": ("INVALID_INPUT", "Correct the job's input and create a new job."),
    "internal": ("INTERNAL_ERROR", "Retry the job; if it fails again, report the"
                 " correlationId."),
    "stall_timeout": ("STALL_TIMEOUT", "A step made no progress for too long. Check"
                      " /health/ready, then retry the job: finished steps are kept."),
}


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    status: str = "Pending"
    progress_pct: int = 0
    started_at: datetime | None = None
    completed_at: datetime | None = None
    errors: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class Job:
    id: UUID
    correlation_id: str
    created_at: datetime
    status: str = "Queued"
    stage: str = "queued"
    progress: int = 0
    started_at: datetime | None = None
    ended_at: datetime | None = None
    attempt: int = 1
    errors: tuple[dict[str, Any], ...] = ()
    warnings: tuple[dict[str, Any], ...] = ()
    output: dict[str, Any] | None = None
    artifacts: tuple[dict[str, Any], ...] = ()
    video_key: str | None = None
    subtitle_key: str | None = None


@dataclass(frozen=True, slots=True)
class Message:
    event: str
    data: dict[str, Any]


@dataclass(slots=True)
class Outcome:
    job: Job
    steps: dict[str, Step]
    messages: list[Message] = field(default_factory=list)
    changed: set[str] = field(default_factory=set)

    def set_step(self, name: str, **changes: Any) -> Step:
        step = replace(self.steps[name], **changes)
        self.steps[name] = step
        self.changed.add(name)
        return step

    def say(self, event: str, **data: Any) -> None:
        self.messages.append(Message(event, {**data, "correlationId": self.job.correlation_id}))


def new_job(event: ProductionQueued, correlation_id: str) -> tuple[Job, dict[str, Step]]:
    job = Job(id=event.production_id, correlation_id=correlation_id, created_at=event.queued_at)
    return job, {name: Step(name=name) for name in STEP_NAMES}


def translate(job: Job, steps: dict[str, Step], event: ProductionEvent) -> Outcome:
    out = Outcome(job=job, steps=dict(steps))
    if isinstance(event, ProductionQueued):
        out.say("job-status", jobId=str(job.id), status="Queued")
    elif (apply := _APPLY.get(type(event))) is not None:
        apply(out, event)
    # Anything else (log lines, artefacts) is nothing a job client sees.
    return out


def _job_status(out: Outcome, status: str, at: datetime, **extra: Any) -> None:
    ended = at if status in ENDED else None
    started = out.job.started_at or (at if status == "Running" else None)
    out.job = replace(out.job, status=status, ended_at=ended, started_at=started)
    out.say("job-status", jobId=str(out.job.id), status=status, **extra)


def _step_status(out: Outcome, name: str, status: str, at: datetime) -> None:
    step = out.steps[name]
    if step.status == status:
        return
    changes: dict[str, Any] = {"status": status}
    if status == "Running":
        changes |= {"started_at": at, "completed_at": None, "errors": ()}
    elif status == "Succeeded":
        changes |= {"progress_pct": 100, "completed_at": at, "started_at": step.started_at or at}
    else:
        changes |= {"completed_at": at}
    out.set_step(name, **changes)
    out.say("step-status", step=name, status=status)


def _advanced(out: Outcome, event: ProductionAdvanced) -> None:
    at, job = event.at, out.job
    out.job = replace(job, stage=event.stage, progress=max(job.progress, event.progress))
    if event.stage != event.from_stage:
        if event.from_stage in STEP_OF:
            _step_status(out, STEP_OF[event.from_stage], "Succeeded", at)
        if job.status != "Running" and event.stage not in ("completed", "failed", "cancelled"):
            _job_status(out, "Running", at)
        if event.stage in STEP_OF:
            _step_status(out, STEP_OF[event.stage], "Running", at)
    if event.stage in STEP_OF:
        _progress(out, event)


def _progress(out: Outcome, event: ProductionAdvanced) -> None:
    name = STEP_OF[event.stage]
    step = out.steps[name]
    pct = event.percent
    if pct is None:
        lo, hi = SPAN[event.stage]
        pct = (max(event.progress, lo) - lo) * 100 // (hi - lo)
    # A step's progress only goes up (a retried render starts its own count again).
    pct = max(step.progress_pct, min(pct, 100))
    step = out.set_step(name, progress_pct=pct)
    in_step = (event.at - step.started_at).total_seconds() if step.started_at else 0.0
    started = out.job.started_at or event.at
    eta = round(in_step * (100 - pct) / pct) if 0 < pct < 100 else None
    out.say(
        "step-progress", step=name, progressPct=pct, etaSeconds=eta, message=event.message,
        phase=event.stage, elapsedSeconds=round((event.at - started).total_seconds(), 3),
        currentItem=event.items_done, totalItems=event.items_total,
    )


def _retried(out: Outcome, event: ProductionRetried) -> None:
    resume = STEP_NAMES.index(STEP_OF.get(event.stage, "Script"))
    out.job = replace(out.job, attempt=event.attempt, errors=(), output=None, artifacts=())
    _job_status(out, "Running", event.at, attempt=event.attempt)
    for name in STEP_NAMES[:resume]:
        _step_status(out, name, "Succeeded", event.at)
    for name in STEP_NAMES[resume:]:
        if out.steps[name].status in ("Failed", "Canceled"):
            out.set_step(name, status="Pending", errors=())


def _completed(out: Outcome, event: ProductionCompleted) -> None:
    # Where a client fetches them (surfaces/aura/job_routes.py serves them).
    video = f"/api/jobs/{out.job.id}/download"
    subtitles = f"{video}/subtitles"
    output = {"videoPath": video, "subtitlePath": subtitles if event.subtitle_key else None,
              "sizeBytes": event.size_bytes}
    artifacts = [{"name": event.video_key.rsplit("/", 1)[-1], "path": video, "type": "video",
                  "sizeBytes": event.size_bytes}]
    if event.subtitle_key:
        artifacts.append({"name": event.subtitle_key.rsplit("/", 1)[-1], "path": subtitles,
                          "type": "subtitles", "sizeBytes": None})
    out.job = replace(out.job, stage="completed", progress=100, output=output,
                      artifacts=tuple(artifacts), video_key=event.video_key,
                      subtitle_key=event.subtitle_key)
    _step_status(out, "Render", "Succeeded", event.at)
    _job_status(out, "Succeeded", event.at)
    out.say("job-completed", jobId=str(out.job.id), status="Succeeded", output=output,
            artifacts=artifacts)


def _failed(out: Outcome, event: ProductionFailed) -> None:
    code, remediation = FAILURES.get(event.code, ("INTERNAL_ERROR", FAILURES["internal"][1]))
    error = {"code": code, "message": event.reason, "remediation": remediation}
    out.job = replace(out.job, stage="failed", errors=(*out.job.errors, error))
    name = STEP_OF.get(event.stage)
    if name is not None:
        out.set_step(name, errors=(*out.steps[name].errors, error))
        out.say("step-error", step=name, **error)
        _step_status(out, name, "Failed", event.at)
    _job_status(out, "Failed", event.at)
    out.say("job-failed", jobId=str(out.job.id), status="Failed", errors=[error])


def _cancelled(out: Outcome, event: ProductionCancelled) -> None:
    out.job = replace(out.job, stage="cancelled")
    name = STEP_OF.get(event.stage)
    if name is not None:
        _step_status(out, name, "Canceled", event.at)
    _job_status(out, "Canceled", event.at)
    out.say("job-cancelled", jobId=str(out.job.id), status="Canceled", reason=event.reason)


def _stalled(out: Outcome, event: ProductionStallWarned) -> None:
    step = STEP_OF.get(event.stage)
    warning = {
        "code": "STALL_WARNING",
        "message": f"No progress for {event.idle_s} s; the job fails with STALL_TIMEOUT"
                   f" after {event.fail_after_s} s without progress.",
    }
    out.job = replace(out.job, warnings=(*out.job.warnings, warning))
    out.say("warning", step=step, idleSeconds=event.idle_s,
            failAfterSeconds=event.fail_after_s, **warning)


_APPLY: dict[type, Callable[[Outcome, Any], None]] = {
    ProductionAdvanced: _advanced, ProductionRetried: _retried, ProductionCompleted: _completed,
    ProductionFailed: _failed, ProductionCancelled: _cancelled, ProductionStallWarned: _stalled,
}
