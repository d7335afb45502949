"""Doc 002's AI shapes: the generate body, the job, a variant, an accepted variant."""

from __future__ import annotations

from typing import Annotated

import msgspec
from videogen_contracts.media.ai_edits import MAX_PROMPT_CHARS, MAX_VARIANTS
from videogen_gateway.surfaces.editor.segment_schemas import SegmentOut


class BoundingBox(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Pixels of the source frame, or fractions of it when all four are within 0..1."""

    x: float
    y: float
    width: float
    height: float


class GenerateBody(msgspec.Struct, frozen=True, kw_only=True):
    # An empty one is refused before the body is decoded (export_schemas.project_id_of).
    project_id: Annotated[str, msgspec.Meta(min_length=1)]
    prompt: Annotated[str, msgspec.Meta(max_length=MAX_PROMPT_CHARS)]
    start_ts: float
    end_ts: float
    bounding_box: BoundingBox
    variants: Annotated[int, msgspec.Meta(ge=1, le=MAX_VARIANTS)] | None = None
    seed: Annotated[int, msgspec.Meta(ge=0, le=2**53)] | None = None


class GenerateOut(msgspec.Struct, frozen=True, kw_only=True):
    job_id: str
    status: str = "pending"


class VariantOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    # Plays the edited range; a JPEG of its middle frame.
    url: str
    preview_url: str
    index: int
    # How this variant differs from the others ("blur, strength 0.70 …", `procedural`).
    description: str
    labels: list[str]
    duration_s: float


class JobOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    project_id: str
    # pending | running | completed | failed
    status: str
    error: str | None
    # The variants rendered so far, in their order.
    variants: list[VariantOut]
    prompt: str
    start_ts: float
    end_ts: float
    seed: int


class AcceptedOut(msgspec.Struct, frozen=True, kw_only=True):
    variant_id: str
    job_id: str
    project_id: str
    # The generated segment now on the timeline.
    segment: SegmentOut
