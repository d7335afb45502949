"""Doc 002's segment shapes: `{id, project_id, start_ts, end_ts, source, url, variant_id,
order_index, active}`, and the bodies of split and trim.

- `url` plays the segment: `/api/segment/{id}/media` (its window of its media, graded if
  it has a grade).
- `order_index` is its place in what plays: how many active segments come before it. An
  inactive segment keeps the place it would have (its replacement's, for a split or grade).
- `variant_id` is null unless the segment came from a generated variant.
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from videogen_gateway.readmodels.editor.rows import SegmentRow


def segment_url(segment_id: UUID) -> str:
    return f"/api/segment/{segment_id}/media"


class SegmentOut(msgspec.Struct, kw_only=True):
    id: UUID
    project_id: UUID
    start_ts: float
    end_ts: float
    # upload | graded | generated
    source: str
    url: str
    variant_id: UUID | None
    order_index: int
    active: bool


def segment_out(row: SegmentRow) -> SegmentOut:
    return SegmentOut(
        id=row.id, project_id=row.project_id, start_ts=row.start_ts, end_ts=row.end_ts,
        source=row.source, url=segment_url(row.id), variant_id=row.variant_id,
        order_index=row.order_index, active=row.active,
    )


class SplitBody(msgspec.Struct, kw_only=True):
    # Seconds in the segment's source media, strictly between its start and its end.
    split_ts: float


class TrimBody(msgspec.Struct, kw_only=True):
    # Seconds in the segment's source media, within the window of its upload.
    new_start_ts: float
    new_end_ts: float


class SplitOut(msgspec.Struct, kw_only=True):
    left: SegmentOut
    right: SegmentOut


class DeletedOut(msgspec.Struct, kw_only=True):
    deleted: bool = True
