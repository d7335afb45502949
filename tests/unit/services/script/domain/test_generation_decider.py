"""Generation runs and outlines, given/when/then with no I/O: starting a run (one per project
at a time, outline rules, durations), the run's steps (idempotent, ordered, terminal), and
the outline's rules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from script_service.domain.commands import ApproveOutline, RecordOutline, ReplaceOutlineSection
from script_service.domain.generation import (
    BeginRun,
    CompleteSection,
    FailRun,
    FinishRun,
    GenerationRun,
    StartSection,
    decide_run,
    fold_run,
)
from script_service.domain.generation_start import decide_start, estimated_seconds
from script_service.domain.outline import Outline, decide_outline, fold_outline
from script_service.domain.script_state import fold
from videogen_contracts.errors import Conflict, Invalid, NotFound
from videogen_contracts.script.commands import StartGeneration
from videogen_contracts.script.events import (
    ScriptGenerationEnded,
    ScriptGenerationStarted,
    ScriptSection,
    ScriptSentence,
    studio_script_id,
)
from videogen_contracts.script.generation import (
    GenerationCompleted,
    GenerationEvent,
    GenerationFailed,
    GenerationQueued,
    GenerationSectionCompleted,
    GenerationSectionStarted,
    GenerationStarted,
)
from videogen_contracts.script.outline import (
    OutlineApproved,
    OutlineGenerated,
    OutlineSectionPlan,
    OutlineSectionRegenerated,
)

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
PID = UUID("00000000-0000-4000-8000-00000000000a")
OTHER = UUID("00000000-0000-4000-8000-00000000000b")
JOB = UUID("00000000-0000-4000-8000-0000000000f1")
JOB2 = UUID("00000000-0000-4000-8000-0000000000f2")
OID = UUID("00000000-0000-4000-8000-0000000000c1")
SID = studio_script_id(PID)

PLAN = OutlineSectionPlan(title="Intro", summary="Why.", target_minutes=1.0, key_points=["a"])


def outline_generated(project_id: UUID = PID, minutes: float = 4.0) -> OutlineGenerated:
    return OutlineGenerated(
        outline_id=OID,
        project_id=project_id,
        title="T",
        total_target_minutes=minutes,
        sections=[PLAN, PLAN],
        provider_label="offline",
        generated_at=NOW,
    )


def start(**fields: Any) -> StartGeneration:
    return StartGeneration(
        command_id="s1", now=NOW, project_id=PID, job_id=fields.pop("job_id", JOB), **fields
    )


def decide(
    command: StartGeneration,
    *,
    running: UUID | None = None,
    outline: Outline | None = None,
    project_minutes: float | None = None,
) -> Any:
    script = fold(
        [ScriptGenerationStarted(script_id=SID, project_id=PID, job_id=running, started_at=NOW)]
        if running
        else []
    )
    return decide_start(
        command,
        run=GenerationRun(),
        script=script,
        outline=outline,
        project_minutes=project_minutes,
    )


# --- starting -----------------------------------------------------------------------------


def test_an_auto_run_is_queued_and_locks_the_script() -> None:
    plan = decide(start(target_minutes=3))
    assert plan.queued == GenerationQueued(
        job_id=JOB,
        project_id=PID,
        mode="auto",
        outline_id=None,
        target_minutes=3,
        estimated_seconds=estimated_seconds(3),
        queued_at=NOW,
    )
    assert plan.lock == ScriptGenerationStarted(
        script_id=SID, project_id=PID, job_id=JOB, started_at=NOW
    )
    assert plan.approval is None


def test_a_second_run_while_one_runs_for_the_project_is_a_conflict() -> None:
    with pytest.raises(Conflict, match=str(JOB)):
        decide(start(job_id=JOB2), running=JOB)


def test_a_run_can_start_again_once_the_last_one_ended() -> None:
    script = fold(
        [
            ScriptGenerationStarted(script_id=SID, project_id=PID, job_id=JOB, started_at=NOW),
            ScriptGenerationEnded(
                script_id=SID, project_id=PID, job_id=JOB, outcome="failed", ended_at=NOW
            ),
        ]
    )
    plan = decide_start(
        start(job_id=JOB2), run=GenerationRun(), script=script, outline=None, project_minutes=None
    )
    assert plan.queued.job_id == JOB2


def test_the_same_job_id_twice_is_a_conflict() -> None:
    run = fold_run(
        [
            GenerationQueued(
                job_id=JOB,
                project_id=PID,
                mode="auto",
                target_minutes=1,
                estimated_seconds=1,
                queued_at=NOW,
            )
        ]
    )
    with pytest.raises(Conflict):
        decide_start(start(), run=run, script=fold([]), outline=None, project_minutes=None)


def test_from_outline_needs_an_outline_id_of_this_project() -> None:
    with pytest.raises(Invalid) as refused:
        decide(start(mode="from-outline"))
    assert refused.value.field == "outline_id"
    with pytest.raises(NotFound):
        decide(start(mode="from-outline", outline_id=OID), outline=fold_outline([]))
    with pytest.raises(NotFound):
        decide(
            start(mode="from-outline", outline_id=OID),
            outline=fold_outline([outline_generated(OTHER)]),
        )


def test_from_outline_approves_it_and_takes_its_duration() -> None:
    plan = decide(
        start(mode="from-outline", outline_id=OID),
        outline=fold_outline([outline_generated(minutes=4.0)]),
        project_minutes=9,
    )
    assert plan.queued.outline_id == OID
    assert plan.queued.target_minutes == 4.0
    assert plan.approval == OutlineApproved(
        outline_id=OID, project_id=PID, job_id=JOB, approved_at=NOW
    )


@pytest.mark.parametrize(
    ("given", "project", "minutes"), [(None, 7.0, 7.0), (None, None, 5.0), (2.0, 7.0, 2.0)]
)
def test_the_duration_is_the_commands_else_the_projects_else_five_minutes(
    given: float | None, project: float | None, minutes: float
) -> None:
    assert (
        decide(start(target_minutes=given), project_minutes=project).queued.target_minutes
        == minutes
    )


@pytest.mark.parametrize("minutes", [0, -1, 181])
def test_a_duration_out_of_range_is_invalid(minutes: float) -> None:
    with pytest.raises(Invalid) as refused:
        decide(start(target_minutes=minutes))
    assert refused.value.field == "target_minutes"


# --- the run's steps ----------------------------------------------------------------------


def queued() -> GenerationQueued:
    return GenerationQueued(
        job_id=JOB,
        project_id=PID,
        mode="auto",
        target_minutes=3,
        estimated_seconds=30,
        queued_at=NOW,
    )


def written_section(index: int) -> ScriptSection:
    return ScriptSection(
        section_id=UUID(int=index + 1),
        title=f"S{index}",
        order=index,
        sentences=[ScriptSentence(sentence_id=UUID(int=100 + index), text="Hi.", order=0)],
    )


def step(command: Any, *history: GenerationEvent) -> list[GenerationEvent]:
    return decide_run(command, fold_run(history))


def started() -> GenerationStarted:
    return GenerationStarted(
        job_id=JOB,
        project_id=PID,
        outline_id=OID,
        total_sections=2,
        section_titles=["A", "B"],
        started_at=NOW,
    )


def test_a_run_begins_writes_each_section_and_completes() -> None:
    history: list[GenerationEvent] = [queued()]
    history += step(BeginRun("b", NOW, OID, ["A", "B"]), *history)
    assert history[-1] == started()
    for i in range(2):
        history += step(StartSection("s", NOW, i), *history)
        assert isinstance(history[-1], GenerationSectionStarted)
        assert (history[-1].section_index, history[-1].title) == (i, "AB"[i])
        history += step(CompleteSection("c", NOW, i, written_section(i), "offline"), *history)
        assert isinstance(history[-1], GenerationSectionCompleted)
    finished = step(FinishRun("f", NOW, SID, 2, 0.1), *history)
    assert finished == [
        GenerationCompleted(
            job_id=JOB,
            project_id=PID,
            script_id=SID,
            total_sentences=2,
            total_duration_minutes=0.1,
            completed_at=NOW,
        )
    ]
    assert fold_run(history).sections_in_order() == [written_section(0), written_section(1)]


def test_repeated_steps_of_a_resumed_run_produce_nothing() -> None:
    history: list[GenerationEvent] = [
        queued(),
        started(),
        GenerationSectionStarted(
            job_id=JOB, project_id=PID, section_index=0, total_sections=2, title="A", started_at=NOW
        ),
    ]
    assert step(BeginRun("b", NOW, OID, ["A", "B"]), *history) == []
    assert step(StartSection("s", NOW, 0), *history) == []
    done = step(CompleteSection("c", NOW, 0, written_section(0), "offline"), *history)
    assert step(CompleteSection("c", NOW, 0, written_section(0), "offline"), *history, *done) == []


def test_a_run_cannot_finish_with_sections_unwritten() -> None:
    with pytest.raises(Conflict, match=r"\[0, 1\]"):
        step(FinishRun("f", NOW, SID, 0, 0), queued(), started())


def test_section_steps_need_a_started_run_and_an_index_in_range() -> None:
    with pytest.raises(Conflict):
        step(StartSection("s", NOW, 0), queued())
    with pytest.raises(Invalid):
        step(StartSection("s", NOW, 2), queued(), started())


def test_a_failed_run_takes_no_further_step() -> None:
    failed = step(
        FailRun("x", NOW, "The model timed out.", "llm_unavailable", 1), queued(), started()
    )
    assert failed == [
        GenerationFailed(
            job_id=JOB,
            project_id=PID,
            message="The model timed out.",
            code="llm_unavailable",
            section_index=1,
            failed_at=NOW,
        )
    ]
    assert step(StartSection("s", NOW, 1), queued(), started(), *failed) == []
    assert step(FailRun("y", NOW, "again", "internal"), queued(), started(), *failed) == []


def test_steps_on_a_run_that_does_not_exist_are_not_found() -> None:
    with pytest.raises(NotFound):
        step(BeginRun("b", NOW, OID, ["A"]))


# --- outlines -----------------------------------------------------------------------------


def record(**fields: Any) -> RecordOutline:
    return RecordOutline(
        command_id="o",
        now=NOW,
        outline_id=OID,
        project_id=PID,
        title="T",
        total_target_minutes=2.0,
        sections=fields.pop("sections", [PLAN]),
        provider_label="offline",
        **fields,
    )


def test_an_outline_is_recorded_once() -> None:
    [event] = decide_outline(record(), fold_outline([]))
    assert isinstance(event, OutlineGenerated)
    with pytest.raises(Conflict):
        decide_outline(record(), fold_outline([event]))
    with pytest.raises(Invalid):
        decide_outline(record(sections=[]), fold_outline([]))


def test_one_section_of_an_outline_is_regenerated_in_place() -> None:
    new = OutlineSectionPlan(title="Better", summary="S", target_minutes=1, key_points=[])
    given = [outline_generated()]
    regenerate = ReplaceOutlineSection("r", NOW, OID, 1, new, "shorter", "offline")
    [event] = decide_outline(regenerate, fold_outline(given))
    assert isinstance(event, OutlineSectionRegenerated)
    assert fold_outline([*given, event]).sections == (PLAN, new)


@pytest.mark.parametrize("index", [-1, 2, 10])
def test_regenerating_a_section_index_out_of_range_is_invalid(index: int) -> None:
    regenerate = ReplaceOutlineSection("r", NOW, OID, index, PLAN, None, "offline")
    with pytest.raises(Invalid) as refused:
        decide_outline(regenerate, fold_outline([outline_generated()]))
    assert refused.value.field == "section_index"


def test_an_unknown_outline_is_not_found_and_approval_is_idempotent() -> None:
    with pytest.raises(NotFound):
        decide_outline(ApproveOutline("a", NOW, OID, JOB), fold_outline([]))
    [approved] = decide_outline(
        ApproveOutline("a", NOW, OID, JOB), fold_outline([outline_generated()])
    )
    assert (
        decide_outline(
            ApproveOutline("a", NOW, OID, JOB), fold_outline([outline_generated(), approved])
        )
        == []
    )
