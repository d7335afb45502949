"""The Timeline decider, given/when/then: past events, one command, what it decides."""

from __future__ import annotations

from functools import reduce
from uuid import UUID

import msgspec
import pytest
from media_service.domain.timeline import (
    INITIAL,
    AppendSegment,
    TimelineCommand,
    active_in_order,
    decide,
    evolve,
)
from videogen_contracts.errors import Conflict, DomainError, Invalid, NotFound
from videogen_contracts.media.editing import (
    ColorGrade,
    SegmentAppended,
    SegmentDeleted,
    SegmentReplaced,
    SegmentSplit,
    SegmentTrimmed,
    TimelineEvent,
)
from videogen_contracts.media.editing_commands import (
    DeleteSegment,
    GradeSegment,
    SplitSegment,
    TrimSegment,
)

from tests.unit.services.media.domain.editor_samples import NOW, PROJ, SEG, seg_id, segment

LEFT, RIGHT, GRADED = seg_id(1), seg_id(2), seg_id(3)
APPENDED = SegmentAppended(project_id=PROJ, segment=segment(), appended_at=NOW)
SPLIT = SegmentSplit(project_id=PROJ, segment_id=SEG, left=segment(LEFT, 0.0, 4.0),
                     right=segment(RIGHT, 4.0, 10.0), split_at=NOW)


def then(history: list[TimelineEvent], command: TimelineCommand) -> list[TimelineEvent]:
    return decide(command, reduce(evolve, history, INITIAL))


def raises(history: list[TimelineEvent], command: TimelineCommand, error: type[DomainError],
           field: str | None = None) -> str:
    with pytest.raises(error) as caught:
        then(history, command)
    assert caught.value.field == field
    return caught.value.message


def split(at: float, segment_id: UUID = SEG, left: UUID = LEFT, right: UUID = RIGHT
          ) -> SplitSegment:
    return SplitSegment(command_id="c1", now=NOW, project_id=PROJ, segment_id=segment_id,
                        split_ts=at, left_id=left, right_id=right)


def trim(start: float, end: float, segment_id: UUID = SEG) -> TrimSegment:
    return TrimSegment(command_id="c1", now=NOW, project_id=PROJ, segment_id=segment_id,
                       start_ts=start, end_ts=end)


def grade(segment_id: UUID = SEG, **values: float) -> GradeSegment:
    return GradeSegment(command_id="c1", now=NOW, project_id=PROJ, segment_id=segment_id,
                        grade=ColorGrade(**values), replacement_id=GRADED)


def delete(segment_id: UUID = SEG) -> DeleteSegment:
    return DeleteSegment(command_id="c1", now=NOW, project_id=PROJ, segment_id=segment_id)


def test_the_first_segment_starts_the_timeline() -> None:
    assert then([], AppendSegment(segment=segment(), now=NOW)) == [APPENDED]


def test_an_appended_segment_id_is_new() -> None:
    raises([APPENDED], AppendSegment(segment=segment(), now=NOW), Conflict)


def test_a_split_inside_the_segment_makes_left_then_right() -> None:
    assert then([APPENDED], split(4.0)) == [SPLIT]


@pytest.mark.parametrize("at", [0.0, 10.0, -1.0, 10.5, float("nan"), float("inf")])
def test_a_split_at_or_outside_the_edges_is_invalid(at: float) -> None:
    raises([APPENDED], split(at), Invalid, "split_ts")


def test_a_split_of_a_trimmed_segment_uses_its_trimmed_window() -> None:
    trimmed = SegmentTrimmed(project_id=PROJ, segment_id=SEG, start_ts=2.0, end_ts=6.0,
                             trimmed_at=NOW)
    raises([APPENDED, trimmed], split(1.0), Invalid, "split_ts")
    raises([APPENDED, trimmed], split(6.0), Invalid, "split_ts")
    [done] = then([APPENDED, trimmed], split(3.0))
    assert isinstance(done, SegmentSplit)
    assert (done.left.start_ts, done.left.end_ts, done.right.end_ts) == (2.0, 3.0, 6.0)


def test_split_ids_must_be_new() -> None:
    raises([APPENDED], split(4.0, left=SEG), Conflict)
    raises([APPENDED], split(4.0, left=LEFT, right=LEFT), Conflict)


def test_a_trim_inside_the_bounds_is_recorded() -> None:
    assert then([APPENDED], trim(1.0, 9.0)) == [
        SegmentTrimmed(project_id=PROJ, segment_id=SEG, start_ts=1.0, end_ts=9.0, trimmed_at=NOW)
    ]


@pytest.mark.parametrize(("start", "end", "field"), [
    (5.0, 3.0, "end_ts"),  # inverted
    (5.0, 5.0, "end_ts"),  # zero length
    (-0.5, 5.0, "start_ts"),  # before the source
    (1.0, 10.5, "end_ts"),  # past the source
    (float("nan"), 5.0, "start_ts"),
    (1.0, float("inf"), "end_ts"),
])
def test_a_bad_trim_names_its_field(start: float, end: float, field: str) -> None:
    raises([APPENDED], trim(start, end), Invalid, field)


def test_a_split_half_may_open_up_to_the_uploads_window_never_past_it() -> None:
    # The left half of a split at 4 s keeps the upload's bounds (0 s to 10 s).
    [done] = then([APPENDED, SPLIT], trim(0.0, 10.0, LEFT))
    assert done == SegmentTrimmed(project_id=PROJ, segment_id=LEFT, start_ts=0.0, end_ts=10.0,
                                  trimmed_at=NOW)
    raises([APPENDED, SPLIT], trim(0.0, 10.01, LEFT), Invalid, "end_ts")


def test_a_trim_to_the_window_it_has_records_nothing() -> None:
    assert then([APPENDED], trim(0.0, 10.0)) == []


def test_delete_is_a_soft_delete() -> None:
    deleted = SegmentDeleted(project_id=PROJ, segment_id=SEG, deleted_at=NOW)
    assert then([APPENDED], delete()) == [deleted]
    history: list[TimelineEvent] = [APPENDED, deleted]
    assert active_in_order(reduce(evolve, history, INITIAL)) == []


@pytest.mark.parametrize("command", [split(4.0), trim(1.0, 2.0), delete(), grade(brightness=0.2)])
def test_an_edit_of_a_split_segment_is_a_conflict_naming_why(command: TimelineCommand) -> None:
    assert "split" in raises([APPENDED, SPLIT], command, Conflict)


@pytest.mark.parametrize("command", [split(4.0), trim(1.0, 2.0), delete(), grade(brightness=0.2)])
def test_an_edit_of_a_deleted_segment_is_a_conflict(command: TimelineCommand) -> None:
    deleted = SegmentDeleted(project_id=PROJ, segment_id=SEG, deleted_at=NOW)
    assert "deleted" in raises([APPENDED, deleted], command, Conflict)


@pytest.mark.parametrize("command", [split(4.0), trim(1.0, 2.0), delete(), grade(brightness=0.2)])
def test_an_edit_of_an_unknown_segment_is_not_found(command: TimelineCommand) -> None:
    raises([], command, NotFound)


def test_a_grade_replaces_the_segment_with_a_graded_one_on_the_same_media() -> None:
    [replaced] = then([APPENDED, SPLIT], grade(RIGHT, brightness=0.2, saturation=0.0))
    assert isinstance(replaced, SegmentReplaced)
    assert replaced.segment_id == RIGHT
    assert replaced.replacement == msgspec.structs.replace(
        segment(GRADED, 4.0, 10.0), source="graded",
        grade=ColorGrade(brightness=0.2, saturation=0.0),
    )


@pytest.mark.parametrize(("field", "value"), [
    ("brightness", 1.5), ("brightness", -1.01), ("contrast", -0.1), ("contrast", 3.5),
    ("saturation", -1.0), ("temperature", 2.0), ("gamma", 0.0), ("gamma", 11.0),
    ("hue_shift", 181.0), ("saturation", float("nan")),
])
def test_a_grade_out_of_range_names_its_field(field: str, value: float) -> None:
    raises([APPENDED], grade(SEG, **{field: value}), Invalid, field)


def test_the_timeline_plays_the_active_segments_in_order() -> None:
    second = segment(seg_id(9), 0.0, 3.0)
    history: list[TimelineEvent] = [
        APPENDED, SegmentAppended(project_id=PROJ, segment=second, appended_at=NOW), SPLIT,
    ]
    [graded] = then(history, grade(LEFT, contrast=1.5))
    state = reduce(evolve, [*history, graded], INITIAL)
    assert [s.segment_id for s in active_in_order(state)] == [GRADED, RIGHT, seg_id(9)]
    assert state.order == (SEG, LEFT, GRADED, RIGHT, seg_id(9))
    # The replacement keeps the upload's bounds: it may be trimmed open to the whole clip.
    assert then([*history, graded], trim(0.0, 10.0, GRADED))
