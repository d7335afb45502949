"""Shared editor samples for the Asset and Timeline decider tests."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from videogen_contracts.media.editing import MediaStream, Segment, asset_blob_key
from videogen_contracts.media.editing_commands import StoreUpload

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
PROJ = UUID("00000000-0000-4000-8000-0000000000b0")
ASSET = UUID("00000000-0000-4000-8000-0000000000a1")
SEG = UUID("00000000-0000-4000-8000-000000000051")
SHA = "ab" * 32
KEY = asset_blob_key(PROJ, SHA)
STREAMS = (MediaStream(kind="video", codec="h264", width=320, height=240, fps=25.0),
           MediaStream(kind="audio", codec="aac", sample_rate=48000, channels=1))


def seg_id(n: int) -> UUID:
    return UUID(f"00000000-0000-4000-8000-{n:012d}")


def upload(**overrides: object) -> StoreUpload:
    fields: dict[str, object] = {
        "command_id": "store-1", "now": NOW, "project_id": PROJ, "asset_id": ASSET,
        "blob_key": KEY, "sha256": SHA, "size_bytes": 1000, "segment_id": SEG,
    }
    return StoreUpload(**(fields | overrides))  # type: ignore[arg-type]


def segment(segment_id: UUID = SEG, start: float = 0.0, end: float = 10.0) -> Segment:
    return Segment(segment_id=segment_id, project_id=PROJ, asset_id=ASSET, source="upload",
                   media_key=KEY, start_ts=start, end_ts=end)
