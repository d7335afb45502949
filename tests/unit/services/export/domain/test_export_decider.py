"""The Export decider, given/when/then: past events, one command, the events it produces."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest
from export_service.domain.export import decide, export_output_key, fold
from export_service.domain.export_commands import (
    CompleteExport,
    ExportCommand,
    FailExport,
    StartExport,
)
from msgspec.structs import replace
from videogen_contracts.errors import Conflict, DomainError, Invalid, NotFound
from videogen_contracts.export.exports import (
    Cut,
    ExportCompleted,
    ExportEvent,
    ExportFailed,
    ExportRequested,
    ExportStarted,
    ExportTimeline,
)
from videogen_contracts.media.editing import ColorGrade

NOW = datetime(2025, 3, 1, 9, 31, tzinfo=UTC)
EID = UUID("00000000-0000-4000-8000-0000000000e1")
PID = UUID("00000000-0000-4000-8000-0000000000b1")
S1 = UUID("00000000-0000-4000-8000-000000000001")
S2 = UUID("00000000-0000-4000-8000-000000000002")
KEY = f"editor/{PID}/assets/abc"
CUTS = [
    Cut(segment_id=S1, media_key=KEY, start_ts=0.0, end_ts=2.0),
    Cut(segment_id=S2, media_key=KEY, start_ts=3.0, end_ts=4.5, grade=ColorGrade(saturation=0)),
]
EXPORT = ExportTimeline(command_id="c1", now=NOW, export_id=EID, project_id=PID, format="mp4",
                        cuts=CUTS)  # fmt: skip
OUTPUT = export_output_key(PID, CUTS, "mp4")
REQUESTED = ExportRequested(export_id=EID, project_id=PID, format="mp4", cuts=CUTS,
                            output_key=OUTPUT, requested_at=NOW)  # fmt: skip
STARTED = ExportStarted(export_id=EID, project_id=PID, started_at=NOW)
COMPLETE = CompleteExport(export_id=EID, project_id=PID, now=NOW, video_key=OUTPUT,
                          duration_s=3.5, size_bytes=1000)  # fmt: skip
COMPLETED = ExportCompleted(export_id=EID, project_id=PID, video_key=OUTPUT, duration_s=3.5,
                            size_bytes=1000, completed_at=NOW)  # fmt: skip


class Given:
    def __init__(self, *events: ExportEvent) -> None:
        self.state = fold(events)

    def when(self, command: ExportCommand) -> list[ExportEvent]:
        return decide(command, self.state)

    def refuses(self, command: ExportCommand, error: type[DomainError]) -> DomainError:
        with pytest.raises(error) as caught:
            decide(command, self.state)
        return caught.value


def test_an_export_is_requested_with_its_cuts_and_a_digest_key() -> None:
    assert Given().when(EXPORT) == [REQUESTED]
    assert OUTPUT.startswith(f"editor/{PID}/exports/")
    assert OUTPUT.endswith(".mp4")


def test_the_key_depends_on_what_is_rendered_not_on_segment_ids() -> None:
    renamed = [replace(c, segment_id=S2) for c in CUTS]
    assert export_output_key(PID, renamed, "mp4") == OUTPUT
    assert export_output_key(PID, CUTS, "webm") != OUTPUT
    assert export_output_key(PID, CUTS[:1], "mp4") != OUTPUT
    trimmed = [CUTS[0], replace(CUTS[1], end_ts=4.4)]
    assert export_output_key(PID, trimmed, "mp4") != OUTPUT
    ungraded = [CUTS[0], replace(CUTS[1], grade=None)]
    assert export_output_key(PID, ungraded, "mp4") != OUTPUT


def test_a_second_request_for_the_same_export_conflicts() -> None:
    Given(REQUESTED).refuses(EXPORT, Conflict)


def test_nothing_to_export_is_invalid_naming_the_cuts() -> None:
    error = Given().refuses(replace(EXPORT, cuts=[]), Invalid)
    assert isinstance(error, Invalid)
    assert error.field == "cuts"


def test_a_production_export_needs_no_cuts() -> None:
    production = UUID("00000000-0000-4000-8000-0000000000d1")
    [event] = Given().when(replace(EXPORT, cuts=[], production_id=production))
    assert isinstance(event, ExportRequested)
    assert event.production_id == production
    assert event.output_key == export_output_key(PID, [], "mp4", production)


@pytest.mark.parametrize(
    ("cut", "field"),
    [
        (replace(CUTS[0], start_ts=2.0, end_ts=2.0), "cuts[0]"),
        (replace(CUTS[0], start_ts=-1.0), "cuts[0]"),
        (replace(CUTS[0], end_ts=float("inf")), "cuts[0]"),
        (replace(CUTS[0], media_key="../etc/passwd"), "cuts[0].media_key"),
    ],
)
def test_a_bad_cut_is_invalid_naming_it(cut: Cut, field: str) -> None:
    error = Given().refuses(replace(EXPORT, cuts=[cut]), Invalid)
    assert isinstance(error, Invalid)
    assert error.field == field


def test_start_once_then_complete_once() -> None:
    start = StartExport(export_id=EID, project_id=PID, now=NOW)
    assert Given(REQUESTED).when(start) == [STARTED]
    assert Given(REQUESTED, STARTED).when(start) == []
    assert Given(REQUESTED, STARTED).when(COMPLETE) == [COMPLETED]
    assert Given(REQUESTED, STARTED, COMPLETED).when(COMPLETE) == []
    assert Given(REQUESTED, STARTED, COMPLETED).when(start) == []


def test_a_reused_file_completes_with_reused_true() -> None:
    [event] = Given(REQUESTED, STARTED).when(replace(COMPLETE, reused=True))
    assert isinstance(event, ExportCompleted)
    assert event.reused


def test_a_failure_after_the_outcome_is_ignored() -> None:
    fail = FailExport(export_id=EID, project_id=PID, now=NOW, code="encoder_failed",
                      reason="boom")  # fmt: skip
    failed = ExportFailed(export_id=EID, project_id=PID, code="encoder_failed", reason="boom",
                          failed_at=NOW)  # fmt: skip
    assert Given(REQUESTED, STARTED).when(fail) == [failed]
    assert Given(REQUESTED, STARTED, COMPLETED).when(fail) == []
    assert Given(REQUESTED, failed).when(COMPLETE) == []


def test_steps_of_an_unknown_export_are_not_found() -> None:
    Given().refuses(StartExport(export_id=EID, project_id=PID, now=NOW), NotFound)
    Given().refuses(COMPLETE, NotFound)


def test_a_completion_must_measure_a_video() -> None:
    Given(REQUESTED, STARTED).refuses(replace(COMPLETE, duration_s=0.0), Invalid)
    Given(REQUESTED, STARTED).refuses(replace(COMPLETE, size_bytes=0), Invalid)
