"""Retry, narration progress, stall warnings and kept artefacts: the Production decider's
additions for Aura jobs, given/when/then with no I/O."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest
from project_service.domain.production.commands import (
    AttachCaptions,
    AttachNarration,
    AttachScript,
    AttachVisuals,
    BeginScripting,
    CompleteProduction,
    FailProduction,
    ProductionStepCommand,
    ReportNarrationProgress,
    ReportRenderProgress,
    WarnStall,
)
from project_service.domain.production.decider import decide, fold
from videogen_contracts.errors import Conflict
from videogen_contracts.media.events import ChosenVisual, ProceduralSpec
from videogen_contracts.project.production import (
    CancelProduction,
    NarrationClip,
    ProductionAdvanced,
    ProductionEvent,
    ProductionNarrationAttached,
    ProductionQueued,
    ProductionRetried,
    ProductionSentence,
    ProductionStage,
    ProductionStallWarned,
    RenderSettings,
    RetryProduction,
    VoiceSettings,
)

pytestmark = pytest.mark.aura

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
PID = UUID("00000000-0000-4000-8000-000000000001")
S1, S2, S3 = (UUID(f"00000000-0000-4000-8000-0000000000a{i}") for i in (1, 2, 3))
SECTION = UUID("00000000-0000-4000-8000-0000000000b1")
SENTENCES = [
    ProductionSentence(sentence_id=s, section_id=SECTION, text="Hi.") for s in (S1, S2, S3)
]
VISUAL = ProceduralSpec(style="gradient", palette=["#000000"])

STEPS: dict[str, ProductionStepCommand] = {
    "begin": BeginScripting(command_id="b", now=NOW, production_id=PID),
    "script": AttachScript(command_id="s", now=NOW, production_id=PID, script_id=PID,
                           sentences=SENTENCES),
    "narration": AttachNarration(
        command_id="n", now=NOW, production_id=PID, total_duration_s=3.0,
        clips=[NarrationClip(sentence_id=s, key=f"k/{s}.wav", duration_s=1.0)
               for s in (S1, S2, S3)],
    ),
    "captions": AttachCaptions(command_id="c", now=NOW, production_id=PID, ass_key="a.ass",
                               srt_key="a.srt"),
    "visuals": AttachVisuals(
        command_id="v", now=NOW, production_id=PID,
        visuals=[ChosenVisual(sentence_id=s, keywords=["x"], kind="procedural", spec=VISUAL)
                 for s in (S1, S2, S3)],
    ),
}
FAIL = FailProduction(command_id="f", now=NOW, production_id=PID, code="media_failed",
                      reason="boom")
RETRY = RetryProduction(command_id="r", now=NOW, production_id=PID)


def queued() -> ProductionQueued:
    return ProductionQueued(
        production_id=PID, project_id=PID, kind="brief", text="", render=RenderSettings(),
        voice=VoiceSettings(), queued_at=NOW,
    )


def run(*steps: str | ProductionStepCommand) -> list[ProductionEvent]:
    events: list[ProductionEvent] = [queued()]
    for step in steps:
        command = STEPS[step] if isinstance(step, str) else step
        events += decide(command, fold(events))
    return events


@pytest.mark.parametrize(
    ("done", "resumes_at"),
    [
        ((), "scripting"),
        (("begin",), "scripting"),
        (("begin", "script"), "narrating"),
        (("begin", "script", "narration"), "captioning"),
        (("begin", "script", "narration", "captions"), "choosing_visuals"),
        (("begin", "script", "narration", "captions", "visuals"), "rendering"),
    ],
)
def test_a_retry_resumes_at_the_first_unfinished_step(
    done: tuple[str, ...], resumes_at: ProductionStage
) -> None:
    failed = run(*done, FAIL)
    progress = fold(failed).progress
    retried = decide(RETRY, fold(failed))
    assert retried[0] == ProductionRetried(
        production_id=PID, from_stage="failed", stage=resumes_at, attempt=2, at=NOW
    )
    moved = retried[-1]
    assert isinstance(moved, ProductionAdvanced)
    assert (moved.from_stage, moved.stage, moved.progress) == ("failed", resumes_at, progress)
    state = fold([*failed, *retried])
    assert (state.stage, state.attempt, state.progress) == (resumes_at, 2, progress)


def test_a_cancelled_production_is_retried_too_and_attempts_count_up() -> None:
    cancel = CancelProduction(command_id="x", now=NOW, production_id=PID)
    events = run("begin", "script", cancel)
    events += decide(RETRY, fold(events))
    events += decide(
        FailProduction(command_id="f2", now=NOW, production_id=PID, code="media_failed",
                       reason="again"),
        fold(events),
    )
    events += decide(RetryProduction(command_id="r2", now=NOW, production_id=PID), fold(events))
    assert [e.attempt for e in events if isinstance(e, ProductionRetried)] == [2, 3]


def test_only_a_failed_or_cancelled_production_can_be_retried() -> None:
    running = run("begin", "script")
    complete = CompleteProduction(
        command_id="done", now=NOW, production_id=PID, video_key="v.mp4", subtitle_key=None,
        duration_s=3.0, size_bytes=10,
    )
    completed = run(*STEPS, complete)
    assert fold(completed).stage == "completed"
    for events in (running, completed):
        with pytest.raises(Conflict):
            decide(RETRY, fold(events))


def test_work_finished_after_a_failure_is_kept_as_an_artefact_without_moving() -> None:
    events = run("begin", "script", FAIL)
    kept = decide(STEPS["narration"], fold(events))
    assert [type(e) for e in kept] == [ProductionNarrationAttached]
    state = fold([*events, *kept])
    assert state.stage == "failed"
    assert state.resume_stage == "captioning"


def test_narration_progress_counts_sentences_and_never_passes_the_total() -> None:
    events = run("begin", "script")
    seen = []
    for n in range(4):
        step = ReportNarrationProgress(command_id=f"n{n}", now=NOW, production_id=PID)
        produced = decide(step, fold(events))
        events += produced
        seen += [(e.items_done, e.items_total, e.percent, e.progress)
                 for e in produced if isinstance(e, ProductionAdvanced)]
    assert seen == [(1, 3, 33, 20), (2, 3, 66, 20), (3, 3, 100, 20)]


def test_the_render_percent_starts_again_after_narration_reported_its_own() -> None:
    events = run("begin", "script",
                 *(ReportNarrationProgress(command_id=f"n{i}", now=NOW, production_id=PID)
                   for i in range(3)),
                 "narration", "captions", "visuals")
    assert fold(events).percent == 0
    produced = decide(
        ReportRenderProgress(command_id="r", now=NOW, production_id=PID, percent=5), fold(events)
    )
    assert [e.percent for e in produced if isinstance(e, ProductionAdvanced)] == [5]


def test_a_stall_warning_is_recorded_while_running_and_not_after_the_end() -> None:
    warn = WarnStall(command_id="w", now=NOW, production_id=PID, idle_s=120, fail_after_s=180)
    assert decide(warn, fold(run("begin", "script"))) == [
        ProductionStallWarned(production_id=PID, stage="narrating", idle_s=120,
                              fail_after_s=180, at=NOW)
    ]
    assert decide(warn, fold(run("begin", FAIL))) == []
