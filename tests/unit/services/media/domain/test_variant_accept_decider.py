"""The Timeline's accept of an AI variant, given/when/then (domain/timeline.py)."""

from __future__ import annotations

from functools import reduce
from uuid import UUID

import msgspec
import pytest
from media_service.domain.ai_commands import PlaceVariant
from media_service.domain.timeline import INITIAL, Timeline, active_in_order, decide, evolve
from videogen_contracts.errors import Conflict
from videogen_contracts.media.editing import (
    SegmentAppended,
    SegmentDeleted,
    SegmentSplit,
    TimelineEvent,
    VariantAccepted,
)

from tests.unit.services.media.domain.ai_samples import JOB, V1, V2, rendered
from tests.unit.services.media.domain.editor_samples import KEY, NOW, PROJ, SEG, seg_id, segment

GEN1, GEN2 = seg_id(801), seg_id(802)
APPENDED = SegmentAppended(project_id=PROJ, segment=segment(), appended_at=NOW)


def place(variant_id: UUID = V1, segment_id: UUID = GEN1, low: float = 2.0,
          high: float = 4.0) -> PlaceVariant:
    clip = rendered(variant_id, high - low)
    return PlaceVariant(now=NOW, project_id=PROJ, job_id=JOB, variant_id=variant_id,
                        segment_id=segment_id, video_key=clip.video_key,
                        duration_s=clip.duration_s, under_segment_id=SEG, media_key=KEY,
                        source_start_ts=low, source_end_ts=high)


def fold(history: list[TimelineEvent]) -> Timeline:
    return reduce(evolve, history, INITIAL)


def windows(state: Timeline) -> list[tuple[str, float, float]]:
    return [(s.source, s.start_ts, s.end_ts) for s in active_in_order(state)]


def test_an_accept_splits_the_segment_around_the_range() -> None:
    [accepted] = decide(place(), fold([APPENDED]))
    assert isinstance(accepted, VariantAccepted)
    assert accepted.segment_id == SEG
    state = fold([APPENDED, accepted])
    assert windows(state) == [("upload", 0.0, 2.0), ("generated", 0.0, 2.0),
                              ("upload", 4.0, 10.0)]
    generated = active_in_order(state)[1]
    assert (generated.segment_id, generated.variant_id) == (GEN1, V1)
    assert generated.media_key == rendered(V1).video_key


def test_a_range_at_an_edge_leaves_no_sliver() -> None:
    [accepted] = decide(place(low=0.0, high=3.0), fold([APPENDED]))
    assert isinstance(accepted, VariantAccepted)
    assert accepted.left is None
    assert accepted.right is not None
    assert windows(fold([APPENDED, accepted]))[0] == ("generated", 0.0, 3.0)


def test_accepting_the_same_variant_again_records_nothing() -> None:
    history: list[TimelineEvent] = [APPENDED, *decide(place(), fold([APPENDED]))]
    assert decide(place(segment_id=GEN2), fold(history)) == []


def test_a_second_variant_of_the_job_replaces_the_first() -> None:
    history: list[TimelineEvent] = [APPENDED, *decide(place(), fold([APPENDED]))]
    [second] = decide(place(V2, GEN2), fold(history))
    assert isinstance(second, VariantAccepted)
    assert (second.segment_id, second.left, second.right) == (GEN1, None, None)
    state = fold([*history, second])
    assert [s.variant_id for s in active_in_order(state)] == [None, V2, None]
    assert windows(state) == [("upload", 0.0, 2.0), ("generated", 0.0, 2.0),
                              ("upload", 4.0, 10.0)]


def test_a_split_elsewhere_keeps_the_range_on_the_timeline() -> None:
    split = SegmentSplit(project_id=PROJ, segment_id=SEG, left=segment(seg_id(1), 0.0, 6.0),
                         right=segment(seg_id(2), 6.0, 10.0), split_at=NOW)
    [accepted] = decide(place(), fold([APPENDED, split]))
    assert isinstance(accepted, VariantAccepted)
    assert accepted.segment_id == seg_id(1)


@pytest.mark.parametrize("edit", ["deleted", "split in the range"])
def test_a_range_no_longer_on_the_timeline_is_a_conflict(edit: str) -> None:
    gone: TimelineEvent = (
        SegmentDeleted(project_id=PROJ, segment_id=SEG, deleted_at=NOW) if edit == "deleted"
        else SegmentSplit(project_id=PROJ, segment_id=SEG, left=segment(seg_id(1), 0.0, 3.0),
                          right=segment(seg_id(2), 3.0, 10.0), split_at=NOW))
    with pytest.raises(Conflict) as caught:
        decide(place(), fold([APPENDED, gone]))
    assert "no longer on the timeline" in caught.value.message
    assert edit.split()[0] in caught.value.message


def test_a_deleted_accepted_variant_cannot_be_replaced() -> None:
    history: list[TimelineEvent] = [APPENDED, *decide(place(), fold([APPENDED]))]
    history.append(SegmentDeleted(project_id=PROJ, segment_id=GEN1, deleted_at=NOW))
    with pytest.raises(Conflict, match="deleted"):
        decide(place(V2, GEN2), fold(history))


def test_an_accepted_variant_trims_within_its_clip() -> None:
    history: list[TimelineEvent] = [APPENDED, *decide(place(), fold([APPENDED]))]
    assert fold(history).segments[GEN1].bounds == (0.0, 2.0)
    assert msgspec.json.decode(msgspec.json.encode(history[1]), type=VariantAccepted) == \
        history[1]


def test_a_clip_a_frame_longer_than_the_range_keeps_the_timeline_length() -> None:
    longer = msgspec.structs.replace(place(), duration_s=2.04)
    [accepted] = decide(longer, fold([APPENDED]))
    assert isinstance(accepted, VariantAccepted)
    assert (accepted.generated.start_ts, accepted.generated.end_ts) == (0.0, 2.0)
