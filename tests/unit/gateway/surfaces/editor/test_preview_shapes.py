"""The editor's preview shapes: timeline times onto segments, strip times, grade bodies."""

from __future__ import annotations

import uuid

import msgspec
import pytest
from videogen_contracts.media.editing import GRADE_LIMITS, ColorGrade
from videogen_gateway.errors import ApiError
from videogen_gateway.readmodels.editor.rows import SegmentRow
from videogen_gateway.surfaces.editor.preview_routes import (
    source_time,
    strip_times,
    timeline_length,
)
from videogen_gateway.surfaces.editor.preview_schemas import GradeBody, StripBody, grade_of


def _segment(start: float, end: float, media: str = "editor/p/assets/a") -> SegmentRow:
    return SegmentRow(
        id=uuid.uuid4(), project_id=uuid.uuid4(), asset_id=uuid.uuid4(), source="upload",
        media_key=media, start_ts=start, end_ts=end, grade=None, variant_id=None, active=True,
        ended=None, position=0, order_index=0,
    )


def test_a_timeline_time_falls_in_the_segments_one_after_another() -> None:
    first, second = _segment(2.0, 5.0), _segment(10.0, 12.0, "editor/p/assets/b")
    segments = [first, second]
    assert timeline_length(segments) == 5.0
    assert source_time(segments, 0.0) == (first, 2.0)
    assert source_time(segments, 2.5) == (first, 4.5)
    assert source_time(segments, 3.0) == (second, 10.0)
    assert source_time(segments, 4.5) == (second, 11.5)
    segment, at = source_time(segments, 5.0)  # the very end: the last frame shows
    assert segment is second
    assert 11.99 < at < 12.0


def test_strip_times_start_at_start_and_stop_before_end() -> None:
    assert strip_times(StripBody(start=1.0, end=3.0, fps=2.0), cap=10) == [1.0, 1.5, 2.0, 2.5]
    assert len(strip_times(StripBody(start=0.0, end=60.0, fps=1.0), cap=60)) == 60
    assert strip_times(StripBody(start=0.0, end=0.1, fps=1.0), cap=10) == [0.0]


@pytest.mark.parametrize(
    ("body", "field"),
    [(StripBody(start=2.0, end=2.0), "end"), (StripBody(start=3.0, end=2.0), "end"),
     (StripBody(start=0.0, end=61.0, fps=1.0), "fps")],
)
def test_bad_strips_name_the_field(body: StripBody, field: str) -> None:
    with pytest.raises(ApiError) as raised:
        strip_times(body, cap=60)
    assert (raised.value.status, raised.value.field) == (400, field)


@pytest.mark.parametrize("fps", [0, -1, 61, 1e9, "1", None])
def test_a_strip_fps_out_of_range_or_of_the_wrong_type_is_refused(fps: object) -> None:
    with pytest.raises(msgspec.ValidationError, match="fps"):
        msgspec.json.decode(
            msgspec.json.encode({"start": 0, "end": 1, "fps": fps}), type=StripBody
        )


def test_a_grade_body_keeps_neutral_what_it_does_not_set() -> None:
    assert grade_of(None) == ColorGrade()
    body = msgspec.json.decode(b'{"brightness": 0.2, "gamma": null, "hue_shift": -90}',
                               type=GradeBody)
    assert grade_of(body) == ColorGrade(brightness=0.2, hue_shift=-90.0)


@pytest.mark.parametrize("name", list(GRADE_LIMITS))
def test_grade_values_out_of_range_or_of_the_wrong_type_name_the_field(name: str) -> None:
    low, high = GRADE_LIMITS[name]
    for bad in (low - 0.5, high + 0.5, "0.5", True, [1]):
        with pytest.raises(msgspec.ValidationError, match=name):
            msgspec.json.decode(msgspec.json.encode({name: bad}), type=GradeBody)
    for good in (low, high):
        body = msgspec.json.decode(msgspec.json.encode({name: good}), type=GradeBody)
        assert getattr(grade_of(body), name) == good
