"""How each Asset and Timeline event changes the `editor_assets` and `editor_segments` rows.

Every function runs inside the projector's transaction, after the ordering and tracking
checks, so it sees each event exactly once and in stream order. The statements are still
harmless if repeated: inserts do nothing on a known id, and the positions move only when
the new segments are not there yet.

Positions: a project's segments, inactive ones included, are numbered 0, 1, 2… in
timeline order. A split puts left and right right after the segment it deactivates, a
grade its replacement, and every later segment moves down to make room.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

import msgspec
from videogen_contracts.media.editing import (
    AssetEvent,
    AssetRejected,
    AssetStored,
    AssetUploadStarted,
    Segment,
    SegmentAppended,
    SegmentDeleted,
    SegmentReplaced,
    SegmentSplit,
    SegmentTrimmed,
    TimelineEvent,
    VariantAccepted,
)
from videogen_contracts.project.events import Timestamp

if TYPE_CHECKING:
    from videogen_eventstore.db import Conn


async def apply_asset_event(conn: Conn, q: str, event: AssetEvent) -> None:
    """Apply one Asset event; `q` is the quoted schema name."""
    match event:
        case AssetUploadStarted():
            await conn.execute(
                f"INSERT INTO {q}.editor_assets (id, project_id, file_name, content_type,"
                " status, created_at, updated_at) VALUES ($1, $2, $3, $4, 'uploading', $5, $5)"
                " ON CONFLICT (id) DO NOTHING",
                event.asset_id, event.project_id, event.file_name, event.content_type,
                event.started_at,
            )
        case AssetStored():
            await conn.execute(
                f"UPDATE {q}.editor_assets SET status = 'stored', blob_key = $2, sha256 = $3,"
                " size_bytes = $4, duration_s = $5, streams = $6, segment_id = $7,"
                " updated_at = $8 WHERE id = $1",
                event.asset_id, event.blob_key, event.sha256, event.size_bytes,
                event.duration_s, msgspec.json.encode(event.streams).decode(), event.segment_id,
                event.stored_at,
            )
        case AssetRejected():
            await conn.execute(
                f"UPDATE {q}.editor_assets SET status = 'rejected', reason = $2, updated_at = $3"
                " WHERE id = $1",
                event.asset_id, event.reason, event.rejected_at,
            )


async def apply_timeline_event(conn: Conn, q: str, event: TimelineEvent) -> None:
    """Apply one Timeline event; `q` is the quoted schema name."""
    match event:
        case SegmentAppended():
            end = await conn.fetchval(
                f"SELECT coalesce(max(position) + 1, 0) FROM {q}.editor_segments"
                " WHERE project_id = $1", event.project_id,
            )
            await _insert(conn, q, event.segment, end, event.appended_at)
        case SegmentSplit():
            await _put_in_place(conn, q, event.segment_id, "split", [event.left, event.right],
                                event.split_at)
        case SegmentTrimmed():
            await conn.execute(
                f"UPDATE {q}.editor_segments SET start_ts = $2, end_ts = $3, updated_at = $4"
                " WHERE id = $1",
                event.segment_id, event.start_ts, event.end_ts, event.trimmed_at,
            )
        case SegmentDeleted():
            await _put_in_place(conn, q, event.segment_id, "deleted", [], event.deleted_at)
        case SegmentReplaced():
            await _put_in_place(conn, q, event.segment_id, "replaced", [event.replacement],
                                event.replaced_at)
        case VariantAccepted():
            around = [s for s in (event.left, event.generated, event.right) if s is not None]
            await _put_in_place(conn, q, event.segment_id, "replaced", around,
                                event.accepted_at)


async def _put_in_place(
    conn: Conn, q: str, segment_id: UUID, how: str, new: list[Segment], at: Timestamp
) -> None:
    """Deactivate `segment_id`; the `new` segments follow it, the later ones move down."""
    row = await conn.fetchrow(
        f"UPDATE {q}.editor_segments SET active = false, ended = $2, updated_at = $3"
        " WHERE id = $1 RETURNING project_id, position",
        segment_id, how, at,
    )
    if row is None or not new:
        return
    placed = await conn.fetchval(
        f"SELECT count(*) FROM {q}.editor_segments WHERE id = ANY($1::uuid[])",
        [s.segment_id for s in new],
    )
    if placed:
        return  # a repeat: already in place
    await conn.execute(
        f"UPDATE {q}.editor_segments SET position = position + $3"
        " WHERE project_id = $1 AND position > $2",
        row["project_id"], row["position"], len(new),
    )
    for offset, segment in enumerate(new, start=1):
        await _insert(conn, q, segment, row["position"] + offset, at)


async def _insert(conn: Conn, q: str, s: Segment, position: int, at: Timestamp) -> None:
    grade = None if s.grade is None else msgspec.json.encode(s.grade).decode()
    await conn.execute(
        f"INSERT INTO {q}.editor_segments (id, project_id, asset_id, source, media_key,"
        " start_ts, end_ts, grade, variant_id, active, position, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, true, $10, $11, $11)"
        " ON CONFLICT (id) DO NOTHING",
        s.segment_id, s.project_id, s.asset_id, s.source, s.media_key, s.start_ts, s.end_ts,
        grade, s.variant_id, position, at,
    )
