"""Doc 001's job responses, built from the `aura_jobs` read model."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec
from videogen_gateway.readmodels.aura_jobs.translation import Job, Step


class JobAccepted(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    job_id: str
    # The same id again: doc 001's own example opens `/api/jobs/${job.id}/events`.
    id: str
    correlation_id: str
    status: str = "Queued"
    stage: str = "Queued"


class StepOut(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    name: str
    status: str
    progress_pct: int
    duration_ms: int | None
    errors: list[dict[str, Any]]
    started_at: datetime | None
    completed_at: datetime | None


class JobOut(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    job_id: str
    status: str
    created_utc: datetime
    started_utc: datetime | None
    ended_utc: datetime | None
    correlation_id: str
    steps: list[StepOut]
    output: dict[str, Any] | None
    warnings: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    # VideoGen's own, additive: the finished video's quality report (loudness, captions,
    # scenes, languages, A/V sync; docs/jobs-api.md); in a job's details only, else null.
    quality: dict[str, Any] | None = None


class JobPage(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    jobs: list[JobOut]
    page: int
    page_size: int
    total_count: int
    total_pages: int


class CancelAccepted(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    job_id: str
    message: str
    current_status: str
    correlation_id: str


class RetryAccepted(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    job_id: str
    status: str
    attempt: int
    message: str
    correlation_id: str


class JobLogs(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    job_id: str
    correlation_id: str
    logs: list[str]


def step_out(step: Step) -> StepOut:
    duration = None
    if step.started_at is not None:
        end = step.completed_at or datetime.now(UTC)
        duration = max(0, round((end - step.started_at).total_seconds() * 1000))
    return StepOut(
        name=step.name, status=step.status, progress_pct=step.progress_pct,
        duration_ms=duration, errors=list(step.errors), started_at=step.started_at,
        completed_at=step.completed_at,
    )


def job_out(job: Job, steps: list[Step], quality: dict[str, Any] | None = None) -> JobOut:
    return JobOut(
        job_id=str(job.id), status=job.status, created_utc=job.created_at,
        started_utc=job.started_at, ended_utc=job.ended_at, correlation_id=job.correlation_id,
        steps=[step_out(s) for s in steps], output=job.output, warnings=list(job.warnings),
        errors=list(job.errors), quality=quality,
    )
