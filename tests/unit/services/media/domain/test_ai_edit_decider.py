"""The AiEdit decider, given/when/then: past events, one command, what it decides."""

from __future__ import annotations

from functools import reduce

import pytest
from media_service.domain.ai_commands import (
    AiEditCommand,
    CompleteAiEdit,
    FailAiEdit,
    RecordRenderedVariant,
    RecordVariantScore,
    StartAiEdit,
)
from media_service.domain.ai_edit import INITIAL, decide, evolve
from videogen_contracts.errors import Conflict, DomainError, Invalid, NotFound
from videogen_contracts.media.ai_edits import (
    MAX_PROMPT_CHARS,
    AiEditCompleted,
    AiEditEvent,
    AiEditFailed,
    AiEditStarted,
    Box,
    VariantRendered,
    VariantScore,
    VariantScored,
    VariantSpec,
)

from tests.unit.services.media.domain.ai_samples import JOB, REQUESTED, SPECS, V1, V2, rendered
from tests.unit.services.media.domain.ai_samples import request as requested
from tests.unit.services.media.domain.editor_samples import NOW, PROJ, seg_id

STARTED = AiEditStarted(job_id=JOB, project_id=PROJ, started_at=NOW)
R1 = VariantRendered(job_id=JOB, project_id=PROJ, variant=rendered(V1), rendered_at=NOW,
                     rendered=1, total=2)
R2 = VariantRendered(job_id=JOB, project_id=PROJ, variant=rendered(V2), rendered_at=NOW,
                     rendered=2, total=2)
SCORE = VariantScore(overall_rating="good", details="ssim 0.99", fidelity_to_prompt="high",
                     visual_quality="good")


def then(history: list[AiEditEvent], command: AiEditCommand) -> list[AiEditEvent]:
    return decide(command, reduce(evolve, history, INITIAL))


def raises(history: list[AiEditEvent], command: AiEditCommand, error: type[DomainError],
           field: str | None = None) -> str:
    with pytest.raises(error) as caught:
        then(history, command)
    assert caught.value.field == field
    return caught.value.message


def record(variant_id: object = V1, duration_s: float = 2.0) -> RecordRenderedVariant:
    return RecordRenderedVariant(job_id=JOB, project_id=PROJ, now=NOW,
                                 variant=rendered(variant_id, duration_s))  # type: ignore[arg-type]


def score(variant_id: object = V1) -> RecordVariantScore:
    return RecordVariantScore(command_id="score-1", now=NOW, job_id=JOB, project_id=PROJ,
                              variant_id=variant_id, compare_to="original",  # type: ignore[arg-type]
                              score=SCORE, scorer="offline")


START = StartAiEdit(job_id=JOB, project_id=PROJ, now=NOW)
COMPLETE = CompleteAiEdit(job_id=JOB, project_id=PROJ, now=NOW)
FAIL = FailAiEdit(job_id=JOB, project_id=PROJ, now=NOW, reason="ffmpeg exited 1")


def test_a_request_records_the_whole_job() -> None:
    assert then([], requested()) == [REQUESTED]


def test_a_second_request_of_one_job_is_a_conflict() -> None:
    raises([REQUESTED], requested(command_id="gen-2"), Conflict)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"prompt": "  "}, "prompt"),
    ({"prompt": "x" * (MAX_PROMPT_CHARS + 1)}, "prompt"),
    ({"start_ts": 4.0}, "end_ts"),
    ({"end_ts": 1.0}, "end_ts"),
    ({"start_ts": float("nan")}, "start_ts"),
    ({"source_end_ts": 2.0}, "source_end_ts"),
    ({"box": Box(x=0, y=0, width=0, height=10)}, "bounding_box"),
    ({"box": Box(x=-1, y=0, width=10, height=10)}, "bounding_box"),
    ({"variants": []}, "variants"),
    ({"variants": [VariantSpec(variant_id=seg_id(i), index=i, strength=1, softness=0)
                   for i in range(9)]}, "variants"),
    ({"variants": [SPECS[0], SPECS[0]]}, "variants"),
])
def test_a_request_breaking_a_rule_names_the_field(overrides: dict[str, object],
                                                   field: str) -> None:
    raises([], requested(**overrides), Invalid, field)


def test_steps_of_an_unknown_job_are_not_found() -> None:
    for command in (START, record(), COMPLETE, FAIL, score()):
        raises([], command, NotFound)


def test_a_job_starts_once() -> None:
    assert then([REQUESTED], START) == [STARTED]
    assert then([REQUESTED, STARTED], START) == []


def test_each_variant_is_recorded_once() -> None:
    assert then([REQUESTED, STARTED], record()) == [R1]
    assert then([REQUESTED, STARTED, R1], record()) == []


def test_a_variant_of_another_job_is_invalid() -> None:
    raises([REQUESTED, STARTED], record(seg_id(999)), Invalid, "variant_id")


def test_a_variant_without_a_duration_is_invalid() -> None:
    raises([REQUESTED, STARTED], record(duration_s=0.0), Invalid, "duration_s")


def test_a_job_completes_once_every_variant_is_rendered() -> None:
    raises([REQUESTED, STARTED, R1], COMPLETE, Conflict)
    done = AiEditCompleted(job_id=JOB, project_id=PROJ, completed_at=NOW)
    assert then([REQUESTED, STARTED, R1, R2], COMPLETE) == [done]
    assert then([REQUESTED, STARTED, R1, R2, done], COMPLETE) == []


def test_a_failure_is_recorded_once_and_ends_the_job() -> None:
    failed = AiEditFailed(job_id=JOB, project_id=PROJ, reason="ffmpeg exited 1", failed_at=NOW)
    assert then([REQUESTED, STARTED], FAIL) == [failed]
    history: list[AiEditEvent] = [REQUESTED, STARTED, failed]
    assert then(history, FAIL) == []
    assert then(history, record()) == []
    assert then(history, COMPLETE) == []
    assert then(history, START) == []


def test_a_rendered_variant_is_scored() -> None:
    assert then([REQUESTED, STARTED, R1], score()) == [VariantScored(
        job_id=JOB, project_id=PROJ, variant_id=V1, compare_to="original", score=SCORE,
        scorer="offline", scored_at=NOW)]


def test_a_variant_not_rendered_cannot_be_scored() -> None:
    assert "not rendered yet" in raises([REQUESTED, STARTED], score(), Conflict)
    raises([REQUESTED, STARTED], score(seg_id(999)), NotFound)
