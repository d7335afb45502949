"""The Timeline aggregate (one per project, stream `timeline-<project_id>`) as a pure decider.

Edits never destroy. A split or a grade deactivates the segment it acts on and puts the new
ones in its place; a delete only deactivates; a trim moves an active segment's window. Every
segment stays in the state, with the window of the upload it was cut from (`bounds`): a trim
may move inside that window (open up what an earlier trim or split cut off), never outside.

An edit names its segment: one the timeline never had is `NotFound`; one that is no longer
active is a `Conflict` naming what happened to it. Two concurrent edits of one segment are
decided one after the other by the kernel (it reloads on a lost append), so the second one
meets the first one's result: both apply, or the second is that `Conflict`.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import assert_never
from uuid import UUID

import msgspec
from videogen_contracts.errors import Conflict, Invalid, NotFound
from videogen_contracts.media.editing import (
    GRADE_LIMITS,
    ColorGrade,
    Segment,
    SegmentAppended,
    SegmentDeleted,
    SegmentReplaced,
    SegmentSplit,
    SegmentTrimmed,
    TimelineEvent,
    VariantAccepted,
)
from videogen_contracts.media.editing_commands import (
    DeleteSegment,
    GradeSegment,
    SplitSegment,
    TrimSegment,
)
from videogen_contracts.project.events import Timestamp

from media_service.domain.ai_commands import PlaceVariant


class AppendSegment(msgspec.Struct, frozen=True, kw_only=True):
    """A stored upload's first segment, at the end (decided with its asset: app/editing.py)."""

    segment: Segment
    now: Timestamp


TimelineCommand = (
    AppendSegment | SplitSegment | TrimSegment | DeleteSegment | GradeSegment | PlaceVariant
)


@dataclass(frozen=True, slots=True)
class Placed:
    segment: Segment
    active: bool
    # The window of the upload this segment comes from, in source seconds.
    bounds: tuple[float, float]


@dataclass(frozen=True, slots=True)
class Timeline:
    segments: Mapping[UUID, Placed]
    # Every segment ever made, in timeline order (new ones in the place of the one they
    # replace); the active ones, in this order, are what plays.
    order: tuple[UUID, ...] = ()
    # What made each inactive segment inactive ("split", "deleted", "replaced").
    ended: Mapping[UUID, str] = field(default_factory=dict)
    # Each AI job's variant on the timeline: its generated segment (the last accepted).
    accepted: Mapping[UUID, UUID] = field(default_factory=dict)


INITIAL = Timeline(segments={})


def active_in_order(state: Timeline) -> list[Segment]:
    """The segments that play, in order."""
    return [state.segments[i].segment for i in state.order if state.segments[i].active]


def evolve(state: Timeline, event: TimelineEvent) -> Timeline:
    match event:
        case SegmentAppended():
            seg = event.segment
            placed = Placed(seg, True, (seg.start_ts, seg.end_ts))
            return replace(state, segments={**state.segments, seg.segment_id: placed},
                           order=(*state.order, seg.segment_id))
        case SegmentSplit():
            return _put_in_place(state, event.segment_id, "split", [event.left, event.right])
        case SegmentTrimmed():
            placed = state.segments[event.segment_id]
            trimmed = msgspec.structs.replace(
                placed.segment, start_ts=event.start_ts, end_ts=event.end_ts
            )
            return replace(state, segments={**state.segments,
                                            event.segment_id: replace(placed, segment=trimmed)})
        case SegmentDeleted():
            return _put_in_place(state, event.segment_id, "deleted", [])
        case SegmentReplaced():
            return _put_in_place(state, event.segment_id, "replaced", [event.replacement])
        case VariantAccepted():
            return _accepted(state, event)
        case _:
            assert_never(event)


def _put_in_place(
    state: Timeline, segment_id: UUID, how: str, new: list[Segment]
) -> Timeline:
    """Deactivate `segment_id`; `new` segments follow it, with its bounds."""
    old = state.segments[segment_id]
    segments = {**state.segments, segment_id: replace(old, active=False)}
    segments.update({s.segment_id: Placed(s, True, old.bounds) for s in new})
    at = state.order.index(segment_id) + 1
    order = (*state.order[:at], *(s.segment_id for s in new), *state.order[at:])
    return Timeline(segments, order, {**state.ended, segment_id: how}, state.accepted)


def _accepted(state: Timeline, event: VariantAccepted) -> Timeline:
    around = [s for s in (event.left, event.generated, event.right) if s is not None]
    placed = _put_in_place(state, event.segment_id, "replaced by an AI variant", around)
    # The generated segment plays the variant's clip: a trim may open up all of it.
    gen = event.generated
    segments = {**placed.segments, gen.segment_id: Placed(gen, True, (gen.start_ts, gen.end_ts))}
    return replace(placed, segments=segments,
                   accepted={**state.accepted, event.job_id: gen.segment_id})


def decide(command: TimelineCommand, state: Timeline) -> list[TimelineEvent]:
    match command:
        case AppendSegment():
            _check_new_ids(state, command.segment.segment_id)
            return [SegmentAppended(project_id=command.segment.project_id,
                                    segment=command.segment, appended_at=command.now)]
        case SplitSegment():
            placed = _active(state, command.segment_id)
            _check_new_ids(state, command.left_id, command.right_id)
            return _split(command, placed)
        case TrimSegment():
            return _trim(command, _active(state, command.segment_id))
        case DeleteSegment():
            _active(state, command.segment_id)
            return [SegmentDeleted(project_id=command.project_id, segment_id=command.segment_id,
                                   deleted_at=command.now)]
        case GradeSegment():
            placed = _active(state, command.segment_id)
            check_grade(command.grade)
            _check_new_ids(state, command.replacement_id)
            return [_graded(command, placed.segment)]
        case PlaceVariant():
            return _place_variant(command, state)
        case _:
            assert_never(command)


def _active(state: Timeline, segment_id: UUID) -> Placed:
    placed = state.segments.get(segment_id)
    if placed is None:
        raise NotFound(f"segment {segment_id} not found")
    if not placed.active:
        how = state.ended.get(segment_id, "deactivated")
        raise Conflict(f"segment {segment_id} is inactive (it was {how}); edit an active one")
    return placed


def _check_new_ids(state: Timeline, *ids: UUID) -> None:
    if len(set(ids)) != len(ids) or any(i in state.segments for i in ids):
        raise Conflict("the new segment ids are already used on this timeline")


def _finite(name: str, value: float) -> float:
    if not math.isfinite(value):
        raise Invalid(name, f"{name} must be a finite number of seconds")
    return value


def _split(command: SplitSegment, placed: Placed) -> list[TimelineEvent]:
    seg, at = placed.segment, _finite("split_ts", command.split_ts)
    if not seg.start_ts < at < seg.end_ts:
        raise Invalid("split_ts", f"split_ts must be strictly inside the segment"
                                  f" ({seg.start_ts:g} s to {seg.end_ts:g} s), got {at:g}")
    left = msgspec.structs.replace(seg, segment_id=command.left_id, end_ts=at)
    right = msgspec.structs.replace(seg, segment_id=command.right_id, start_ts=at)
    return [SegmentSplit(project_id=command.project_id, segment_id=seg.segment_id, left=left,
                         right=right, split_at=command.now)]


def _trim(command: TrimSegment, placed: Placed) -> list[TimelineEvent]:
    start, end = _finite("start_ts", command.start_ts), _finite("end_ts", command.end_ts)
    low, high = placed.bounds
    if end < start:
        raise Invalid("end_ts", f"end_ts ({end:g}) is before start_ts ({start:g})")
    if end == start:
        raise Invalid("end_ts", f"end_ts equals start_ts ({start:g}): a segment cannot have"
                                " zero length")
    if start < low:
        raise Invalid("start_ts", f"start_ts must be within the source ({low:g} s to"
                                  f" {high:g} s), got {start:g}")
    if end > high:
        raise Invalid("end_ts", f"end_ts must be within the source ({low:g} s to"
                                f" {high:g} s), got {end:g}")
    seg = placed.segment
    if (start, end) == (seg.start_ts, seg.end_ts):
        return []  # already so: nothing to record
    return [SegmentTrimmed(project_id=command.project_id, segment_id=seg.segment_id,
                           start_ts=start, end_ts=end, trimmed_at=command.now)]


def check_grade(grade: ColorGrade) -> None:
    """Each value within its documented range (GRADE_LIMITS), naming the field if not."""
    for name, (low, high) in GRADE_LIMITS.items():
        value = getattr(grade, name)
        if not (math.isfinite(value) and low <= value <= high):
            raise Invalid(name, f"{name} must be between {low:g} and {high:g}, got {value}")


def _graded(command: GradeSegment, seg: Segment) -> SegmentReplaced:
    # Non-destructive: the replacement plays the same media and window; the grade is
    # applied from the original media where it is shown (previews, segment media, export).
    replacement = msgspec.structs.replace(
        seg, segment_id=command.replacement_id, source="graded", grade=command.grade,
        variant_id=None,
    )
    return SegmentReplaced(project_id=command.project_id, segment_id=seg.segment_id,
                           replacement=replacement, replaced_at=command.now)


# Range edges closer than this to a segment's edge are that edge (no sliver segment).
EDGE_S = 1e-3


def _place_variant(command: PlaceVariant, state: Timeline) -> list[TimelineEvent]:
    """Split the segment under the range at its edges and put the variant in the middle;
    the job's earlier variant, if on the timeline, is replaced instead. Idempotent."""
    # The clip may be a frame longer than the range (it ends on a frame boundary): the
    # generated segment plays the range's length, so the timeline keeps its length.
    length = min(command.duration_s, command.source_end_ts - command.source_start_ts)
    generated = Segment(
        segment_id=command.segment_id, project_id=command.project_id, asset_id=UUID(int=0),
        source="generated", media_key=command.video_key, start_ts=0.0, end_ts=length,
        variant_id=command.variant_id,
    )
    earlier = state.accepted.get(command.job_id)
    if earlier is not None:
        placed = state.segments[earlier]
        if placed.segment.variant_id == command.variant_id and placed.active:
            return []  # accepted already: nothing to record
        if not placed.active:
            how = state.ended.get(earlier, "deactivated")
            raise Conflict(f"the range is no longer on the timeline: the job's accepted"
                           f" variant's segment was {how}")
        _check_new_ids(state, command.segment_id)
        generated = msgspec.structs.replace(generated, asset_id=placed.segment.asset_id)
        return [VariantAccepted(project_id=command.project_id, job_id=command.job_id,
                                variant_id=command.variant_id, segment_id=earlier,
                                generated=generated, accepted_at=command.now)]
    under = _under_range(command, state)
    _check_new_ids(state, command.segment_id, *_neighbour_ids(command.segment_id))
    return [_split_around(command, under, msgspec.structs.replace(
        generated, asset_id=under.asset_id))]


def _under_range(command: PlaceVariant, state: Timeline) -> Segment:
    """The active segment that still plays the job's source window (the one it was asked
    on, or what a later split or trim left of it that covers the whole window)."""
    low, high = command.source_start_ts, command.source_end_ts
    covering = [s for s in active_in_order(state) if s.media_key == command.media_key
                and s.source != "generated" and s.start_ts <= low + EDGE_S
                and s.end_ts >= high - EDGE_S]
    if covering:
        return next((s for s in covering if s.segment_id == command.under_segment_id),
                    covering[0])
    how = state.ended.get(command.under_segment_id)
    why = f"segment {command.under_segment_id} was {how}" if how else "it was edited since"
    raise Conflict(f"the range {low:g} s to {high:g} s of the source is no longer on the"
                   f" timeline: {why}")


def _neighbour_ids(segment_id: UUID) -> tuple[UUID, UUID]:
    # Derived, so a resent accept names the same segments.
    return uuid.uuid5(segment_id, "left"), uuid.uuid5(segment_id, "right")


def _split_around(command: PlaceVariant, under: Segment, generated: Segment) -> VariantAccepted:
    left_id, right_id = _neighbour_ids(command.segment_id)
    low, high = command.source_start_ts, command.source_end_ts
    left = (msgspec.structs.replace(under, segment_id=left_id, end_ts=low)
            if low - under.start_ts > EDGE_S else None)
    right = (msgspec.structs.replace(under, segment_id=right_id, start_ts=high)
             if under.end_ts - high > EDGE_S else None)
    return VariantAccepted(project_id=command.project_id, job_id=command.job_id,
                           variant_id=command.variant_id, segment_id=under.segment_id,
                           left=left, generated=generated, right=right,
                           accepted_at=command.now)
