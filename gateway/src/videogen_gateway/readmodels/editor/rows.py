"""The rows of the editor read models, as the queries return them."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from videogen_contracts.media.editing import ColorGrade, MediaStream, SegmentSource

_streams = msgspec.json.Decoder(list[MediaStream])
_grade = msgspec.json.Decoder(ColorGrade)


class AssetRow(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    project_id: UUID
    file_name: str
    content_type: str
    # uploading | stored | rejected
    status: str
    blob_key: str | None
    sha256: str | None
    size_bytes: int | None
    duration_s: float | None
    streams: list[MediaStream]
    segment_id: UUID | None
    reason: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, **values: Any) -> AssetRow:
        """From a record (json columns come back as text)."""
        return cls(**values | {"streams": _streams.decode(values["streams"])})


class SegmentRow(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    project_id: UUID
    asset_id: UUID
    source: SegmentSource
    # The media it plays (the asset's blob; a graded segment's too: grades are applied
    # where the media is shown).
    media_key: str
    start_ts: float
    end_ts: float
    grade: ColorGrade | None
    variant_id: UUID | None
    active: bool
    # What deactivated it: split | deleted | replaced.
    ended: str | None
    # Place among all the project's segments, inactive ones included.
    position: int
    # How many active segments play before it: an active segment's place in what plays.
    order_index: int

    @classmethod
    def of(cls, **values: Any) -> SegmentRow:
        """From a record (json columns come back as text)."""
        grade = values["grade"]
        return cls(**values | {"grade": None if grade is None else _grade.decode(grade)})
