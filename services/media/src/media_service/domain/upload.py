"""`store_upload` decided over two aggregates at once: the asset, and its project's timeline.

A stored asset and its first segment are one decision (appended as one unit), so a crash
never leaves a stored asset that is missing from the timeline, nor a segment of an asset
that was never stored. A rejected asset changes only the asset.
"""

from __future__ import annotations

from videogen_contracts.media.editing import AssetEvent, AssetStored, Segment, TimelineEvent

from media_service.domain import asset, timeline
from media_service.domain.asset import Asset, ProbedUpload
from media_service.domain.timeline import AppendSegment, Timeline


def first_segment(stored: AssetStored) -> Segment:
    """The whole clip, from its first to its last second."""
    return Segment(
        segment_id=stored.segment_id, project_id=stored.project_id, asset_id=stored.asset_id,
        source="upload", media_key=stored.blob_key, start_ts=0.0, end_ts=stored.duration_s,
    )


def decide_store(
    command: ProbedUpload, stored: Asset, line: Timeline
) -> tuple[list[AssetEvent], list[TimelineEvent]]:
    asset_events = asset.decide(command, stored)
    kept = [e for e in asset_events if isinstance(e, AssetStored)]
    if not kept:
        return asset_events, []
    append = AppendSegment(segment=first_segment(kept[0]), now=command.upload.now)
    return asset_events, timeline.decide(append, line)
