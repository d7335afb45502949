"""Aura's job view of the production events (aura_feed.translate): statuses, steps and the
SSE messages, with no I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
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
    RenderSettings,
    VoiceSettings,
)
from videogen_gateway.readmodels.aura_jobs.translation import (
    STEP_NAMES,
    Job,
    Step,
    new_job,
    translate,
)

T0 = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
JOB = UUID("00000000-0000-4000-8000-000000000001")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def moved(frm: ProductionStage, to: ProductionStage, progress: int, t: float,
          **extra: Any) -> ProductionAdvanced:
    return ProductionAdvanced(production_id=JOB, from_stage=frm, stage=to, progress=progress,
                              message=f"{to}...", at=at(t), **extra)


def run(*events: ProductionEvent) -> tuple[Job, dict[str, Step], list[tuple[str, dict[str, Any]]]]:
    queued = ProductionQueued(production_id=JOB, project_id=JOB, kind="brief", text="",
                              render=RenderSettings(), voice=VoiceSettings(), queued_at=T0)
    job, steps = new_job(queued, "corr-1")
    messages = [(m.event, m.data) for m in translate(job, steps, queued).messages]
    for event in events:
        out = translate(job, steps, event)
        job, steps = out.job, out.steps
        messages += [(m.event, m.data) for m in out.messages]
    return job, steps, messages


HAPPY = (
    moved("queued", "scripting", 0, 1),
    moved("scripting", "narrating", 20, 2),
    moved("narrating", "narrating", 20, 3, percent=50, items_done=1, items_total=2),
    moved("narrating", "narrating", 20, 4, percent=100, items_done=2, items_total=2),
    moved("narrating", "captioning", 40, 5),
    moved("captioning", "choosing_visuals", 60, 6),
    moved("choosing_visuals", "choosing_visuals", 80, 7),
    moved("choosing_visuals", "rendering", 90, 8),
    moved("rendering", "rendering", 90, 9, percent=40),
    ProductionCompleted(production_id=JOB, video_key="videos/x.mp4",
                        subtitle_key="videos/x.srt", duration_s=3.0, size_bytes=1234, at=at(10)),
)


def test_a_job_that_succeeds_runs_every_step_in_order() -> None:
    job, steps, messages = run(*HAPPY)
    assert job.status == "Succeeded"
    assert (job.started_at, job.ended_at) == (at(1), at(10))
    assert all(s.status == "Succeeded" and s.progress_pct == 100 for s in steps.values())
    statuses = [(d["step"], d["status"]) for e, d in messages if e == "step-status"]
    assert statuses == [(n, s) for n in STEP_NAMES for s in ("Running", "Succeeded")]
    jobs = [d["status"] for e, d in messages if e == "job-status"]
    assert jobs == ["Queued", "Running", "Succeeded"]
    assert messages[-1][0] == "job-completed"
    assert messages[-1][1]["output"] == {
        "videoPath": f"/api/jobs/{JOB}/download",
        "subtitlePath": f"/api/jobs/{JOB}/download/subtitles", "sizeBytes": 1234,
    }
    assert all(d["correlationId"] == "corr-1" for _, d in messages)


def test_step_progress_carries_items_eta_and_only_goes_up() -> None:
    _, _, messages = run(*HAPPY)
    voice = [d for e, d in messages if e == "step-progress" and d["step"] == "Voice"]
    assert [(d["progressPct"], d["currentItem"], d["totalItems"]) for d in voice] == [
        (0, None, None), (50, 1, 2), (100, 2, 2)
    ]
    assert voice[1]["etaSeconds"] == 1  # half done after 1 s in the step
    assert voice[1]["elapsedSeconds"] == 2.0  # since the job started
    visuals = [d["progressPct"] for e, d in messages
               if e == "step-progress" and d["step"] == "Visuals"]
    assert visuals == sorted(visuals)
    assert visuals[-1] == 66  # 80 of the doc's 60..90 span


def test_a_failure_ends_the_job_with_a_coded_error_on_its_step() -> None:
    failed = ProductionFailed(production_id=JOB, stage="narrating", code="stall_timeout",
                              reason="no progress for 180 s", at=at(5))
    job, steps, messages = run(*HAPPY[:3], failed)
    error = {"code": "STALL_TIMEOUT", "message": "no progress for 180 s",
             "remediation": job.errors[0]["remediation"]}
    assert job.status == "Failed"
    assert list(job.errors) == [error]
    assert steps["Voice"].status == "Failed"
    assert list(steps["Voice"].errors) == [error]
    names = [e for e, _ in messages]
    assert names[-4:] == ["step-error", "step-status", "job-status", "job-failed"]


def test_a_retry_runs_the_job_again_from_the_step_it_resumes_at() -> None:
    failed = ProductionFailed(production_id=JOB, stage="narrating", code="media_failed",
                              reason="boom", at=at(5))
    retried = ProductionRetried(production_id=JOB, from_stage="failed", stage="narrating",
                                attempt=2, at=at(6))
    job, steps, messages = run(*HAPPY[:3], failed, retried,
                               moved("failed", "narrating", 20, 6))
    assert (job.status, job.attempt, job.errors, job.ended_at) == ("Running", 2, (), None)
    assert steps["Script"].status == "Succeeded"
    assert steps["Voice"].status == "Running"
    assert steps["Voice"].progress_pct == 50, "progress kept, never back"
    assert ("job-status", {"jobId": str(JOB), "status": "Running", "attempt": 2,
                           "correlationId": "corr-1"}) in messages


def test_cancel_and_stall_warning() -> None:
    warned = ProductionStallWarned(production_id=JOB, stage="rendering", idle_s=120,
                                   fail_after_s=180, at=at(9))
    cancelled = ProductionCancelled(production_id=JOB, stage="rendering", reason="by client",
                                    at=at(10))
    job, steps, messages = run(*HAPPY[:8], warned, cancelled)
    assert job.status == "Canceled"
    assert steps["Render"].status == "Canceled"
    assert [w["code"] for w in job.warnings] == ["STALL_WARNING"]
    warning = next(d for e, d in messages if e == "warning")
    assert (warning["step"], warning["idleSeconds"]) == ("Render", 120)
    assert messages[-1][0] == "job-cancelled"
