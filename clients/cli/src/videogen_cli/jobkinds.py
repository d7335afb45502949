"""The two job surfaces in one vocabulary: doc 004's jobs (text2video and studio renders,
`/api/v1/...`) and Aura's (`/api/jobs/...`).

Each surface has its own paths, status words and SSE messages; the commands see only
`Kind`, `Tick` (a job moving), `LogLine`, `End` (a job ending) and `JobRow`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from videogen_cli.client import Api, Problem
from videogen_cli.sse import SseMessage

Kind = Literal["text2video", "project", "brief"]
DOC004: tuple[Kind, ...] = ("text2video", "project")

# What a person reads for each production stage.
STAGE_NAMES = {
    "queued": "queued", "scripting": "script", "narrating": "narration",
    "captioning": "captions", "choosing_visuals": "visuals", "rendering": "render",
    "completed": "completed", "failed": "failed", "cancelled": "cancelled",
}
# Aura's steps: (production stage, the share of the whole job's progress it spans).
AURA_STEPS = {"Script": ("scripting", 0, 20), "Voice": ("narrating", 20, 40),
              "Captions": ("captioning", 40, 60), "Visuals": ("choosing_visuals", 60, 90),
              "Render": ("rendering", 90, 100)}
AURA_STATUS = {"Queued": "queued", "Running": "processing", "Succeeded": "completed",
               "Failed": "failed", "Canceled": "cancelled"}


@dataclass(frozen=True)
class Tick:
    stage: str
    progress: int | None = None  # the whole job, 0..100
    items: tuple[int, int] | None = None  # narration: sentence i of n
    percent: int | None = None  # the stage's own %
    eta_s: float | None = None
    message: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class LogLine:
    line: str


@dataclass(frozen=True)
class End:
    state: Literal["completed", "failed", "cancelled"]
    download: str | None = None
    error: str | None = None


def events_path(kind: Kind, job_id: str) -> str:
    return f"/api/jobs/{job_id}/events" if kind == "brief" else f"/api/v1/jobs/{job_id}/events"


def control_path(kind: Kind, job_id: str, action: Literal["cancel", "retry"]) -> str:
    base = "/api/jobs" if kind == "brief" else "/api/v1/jobs"
    return f"{base}/{job_id}/{action}"


def download_path(kind: Kind, job_id: str) -> str:
    return f"/api/jobs/{job_id}/download" if kind == "brief" else f"/api/v1/download/{job_id}"


def translate(kind: Kind, message: SseMessage) -> Tick | LogLine | End | None:
    data = message.data if isinstance(message.data, dict) else {}
    return _aura(message.event, data) if kind == "brief" else _doc004(message.event, data)


def _doc004(event: str, data: dict[str, Any]) -> Tick | LogLine | End | None:
    if event == "progress":
        done, total = data.get("items_done"), data.get("items_total")
        return Tick(
            stage=str(data.get("stage") or "queued"), progress=_int(data.get("progress")),
            items=(done, total) if isinstance(done, int) and isinstance(total, int) else None,
            percent=_int(data.get("percent")), message=str(data.get("message") or ""),
            at=_time(data.get("at")))
    if event == "log":
        return LogLine(str(data.get("line", "")))
    if event == "completed":
        return End("completed", download=_str(data.get("output_file")))
    if event == "failed":
        return End("failed", error=_str(data.get("error")) or "the job failed")
    if event == "cancelled":
        return End("cancelled")
    return None


def _aura(event: str, data: dict[str, Any]) -> Tick | LogLine | End | None:
    if event == "step-progress":
        stage, lo, hi = AURA_STEPS.get(str(data.get("step")), ("queued", 0, 0))
        pct, done, total = _int(data.get("progressPct")), data.get("currentItem"), data.get(
            "totalItems")
        return Tick(
            stage=stage, progress=None if pct is None else lo + pct * (hi - lo) // 100,
            items=(done, total) if isinstance(done, int) and isinstance(total, int) else None,
            percent=pct if stage == "rendering" else None,
            eta_s=data.get("etaSeconds") if isinstance(data.get("etaSeconds"), int) else None,
            message=str(data.get("message") or ""))
    if event == "step-status" and data.get("status") == "Running":
        stage, lo, _ = AURA_STEPS.get(str(data.get("step")), ("queued", 0, 0))
        return Tick(stage=stage, progress=lo)
    if event == "job-status" and data.get("status") == "Queued":
        return Tick(stage="queued", progress=0)
    if event == "warning":
        return LogLine(str(data.get("message", "")))
    if event == "job-completed":
        output = data["output"] if isinstance(data.get("output"), dict) else {}
        return End("completed", download=_str(output.get("videoPath")))
    if event == "job-failed":
        errors = data.get("errors") or [{}]
        first = errors[0] if isinstance(errors[0], dict) else {}
        text = ": ".join(str(first[k]) for k in ("code", "message") if first.get(k))
        return End("failed", error=text or "the job failed")
    if event == "job-cancelled":
        return End("cancelled")
    return None


@dataclass(frozen=True)
class JobRow:
    """A job of either surface, as `jobs` and `status` show it."""

    id: str
    kind: Kind
    status: str  # queued | processing | completed | failed | cancelled
    stage: str | None
    progress: int
    message: str
    created: datetime | None
    # The finished video's quality report (report.py shows it), where the job has one.
    quality: dict[str, Any] | None = None


def find_job(api: Api, job_id: str) -> JobRow:
    """The job `job_id` names: doc 004's first, then Aura's; a 404 when neither has it."""
    try:
        return doc004_row(job_id, api.get(f"/api/v1/status/{job_id}"))
    except Problem as problem:
        if problem.status != 404:
            raise
    try:
        return aura_row(api.get(f"/api/jobs/{job_id}"))
    except Problem as problem:
        if problem.status != 404:
            raise
        raise Problem(404, "Not Found", f"no job {job_id} (neither /api/v1 nor /api/jobs)"
                      ) from None


def doc004_row(job_id: str, body: dict[str, Any]) -> JobRow:
    kind: Kind = "project" if body.get("kind") == "project" else "text2video"
    created = body.get("created_at")
    status = str(body.get("status", "?"))
    # `stage` is the gateway's addition to doc 004 (absent from older gateways).
    stage = _str(body.get("stage")) or (status if status in ("queued", "completed") else None)
    status = "cancelled" if stage == "cancelled" else status
    return JobRow(
        id=job_id, kind=kind, status=status, stage=stage,
        progress=_int(body.get("progress")) or 0, message=str(body.get("message", "")),
        created=datetime.fromtimestamp(created).astimezone() if isinstance(created, int)
        else None, quality=_report(body.get("quality")))


def aura_row(body: dict[str, Any]) -> JobRow:
    status = AURA_STATUS.get(str(body.get("status")), str(body.get("status")).lower())
    stage, progress = None, 100 if status == "completed" else 0
    for step in body.get("steps", []):
        name, lo, hi = AURA_STEPS.get(step.get("name"), ("queued", 0, 0))
        if step.get("status") == "Succeeded":
            progress = max(progress, hi)
        elif step.get("status") in ("Running", "Failed", "Canceled"):
            stage = name
            progress = max(progress, lo + int(step.get("progressPct", 0)) * (hi - lo) // 100)
    errors = body.get("errors") or []
    message = str(errors[-1].get("message", "")) if errors and isinstance(errors[-1], dict) \
        else ""
    return JobRow(id=str(body.get("jobId")), kind="brief", status=status,
                  stage=stage if status in ("processing", "failed") else status,
                  progress=progress, message=message, created=_time(body.get("createdUtc")),
                  quality=_report(body.get("quality")))


def _report(value: object) -> dict[str, Any] | None:
    return value if isinstance(value, dict) and value else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
