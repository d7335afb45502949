"""AI region edits (doc 002's AI half): a prompt applied to a box and a time range of the
project timeline, rendered as several variants, one of which may be accepted onto it.

One aggregate, `AiEdit`, owned by the media service, on stream `ai-edit-<job_id>`. The job
is requested with everything needed to render it (the source window resolved from the
timeline when it was asked, the box in source pixels, the parsed operation and each
variant's parameters), so a worker that resumes after a crash renders the same variants.
The same seed, prompt and input give the same variants.

Accepting a variant is a Timeline decision (a `VariantAccepted` event of the Timeline
union in `media/editing.py`): the segment under the range is split at its edges and the middle is
replaced by a `generated` segment carrying `variant_id`; accepting another variant of the
same job replaces the first.

Tags are class names, stored as is and never renamed. A new field gets a default; a
breaking change bumps `schema_version` and adds an upcaster.
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args
from uuid import UUID

import msgspec

from videogen_contracts.project.events import Timestamp
from videogen_contracts.project.settings import ScorerProvider

MAX_VARIANTS = 8
DEFAULT_VARIANTS = 3
MAX_PROMPT_CHARS = 2_000

# What the offline region editor can do (its prompt parser maps words onto these).
RegionOperation = Literal[
    "blur", "pixelate", "censor", "remove", "highlight", "spotlight", "darken", "brighten",
    "grayscale", "tint", "text", "shape",
]
REGION_OPERATIONS: tuple[str, ...] = get_args(RegionOperation)
Motion = Literal["none", "up", "down", "left", "right", "pulse"]
ScoreBasis = Literal["prompt", "original"]


def ai_edit_stream_id(job_id: UUID) -> str:
    """The AiEdit aggregate's stream: `ai-edit-<uuid>`."""
    return f"ai-edit-{job_id}"


class Box(msgspec.Struct, frozen=True, kw_only=True):
    """A rectangle in pixels of the source frame (the gateway converts fractions)."""

    x: int
    y: int
    width: int
    height: int


class RegionEdit(msgspec.Struct, frozen=True, kw_only=True):
    """What the prompt asks for, as the parser understood it."""

    operation: RegionOperation
    # "#rrggbb" for tint, text and shape; None otherwise.
    color: str | None = None
    # The words to draw (operation == "text").
    text: str | None = None
    # The sprite (operation == "shape"): "circle", "square", "star", … and how it moves.
    shape: str | None = None
    motion: Motion = "none"


class VariantSpec(msgspec.Struct, frozen=True, kw_only=True):
    """How one variant differs from the others (strength, softness, placement)."""

    variant_id: UUID
    index: int
    # 0..1: how strong the effect is.
    strength: float
    # Pixels of feathering at the box's edges.
    softness: int
    # Pixels the effect is shifted by (placement variants); 0, 0 for most.
    dx: int = 0
    dy: int = 0
    # Which provider renders it: "offline" (ffmpeg region editor) or a hosted video model.
    provider: str = "offline"
    # Human-readable, e.g. "blur, strength 0.6, soft edges 12 px"; `procedural` for sprites.
    description: str = ""
    labels: list[str] = msgspec.field(default_factory=list)


class RenderedVariant(msgspec.Struct, frozen=True, kw_only=True):
    variant_id: UUID
    # The edited range as a playable clip, and a JPEG of its middle frame.
    video_key: str
    preview_key: str
    duration_s: float


class VariantScore(msgspec.Struct, frozen=True, kw_only=True):
    overall_rating: str
    details: str
    fidelity_to_prompt: str
    visual_quality: str


class AiEditEventBase(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    # Not a field: the version of this event's payload schema, written to the envelope.
    schema_version: ClassVar[int] = 1

    job_id: UUID
    project_id: UUID


class AiEditRequested(AiEditEventBase, frozen=True, kw_only=True, tag="AiEditRequested"):
    prompt: str
    edit: RegionEdit
    # The timeline range asked for, and where it falls in the source media.
    start_ts: float
    end_ts: float
    segment_id: UUID
    media_key: str
    source_start_ts: float
    source_end_ts: float
    box: Box
    seed: int
    variants: list[VariantSpec]
    requested_at: Timestamp


class AiEditStarted(AiEditEventBase, frozen=True, kw_only=True, tag="AiEditStarted"):
    started_at: Timestamp


class VariantRendered(AiEditEventBase, frozen=True, kw_only=True, tag="VariantRendered"):
    """Progress: one variant is stored. At most one per variant."""

    variant: RenderedVariant
    rendered_at: Timestamp
    # Progress: the variants of the job stored so far (this one included), of `total`.
    rendered: int = 0
    total: int = 0


class AiEditCompleted(AiEditEventBase, frozen=True, kw_only=True, tag="AiEditCompleted"):
    completed_at: Timestamp


class AiEditFailed(AiEditEventBase, frozen=True, kw_only=True, tag="AiEditFailed"):
    reason: str
    failed_at: Timestamp


class VariantScored(AiEditEventBase, frozen=True, kw_only=True, tag="VariantScored"):
    """A score was measured (recorded so the AI timeline lists it, and a repeat is cheap)."""

    variant_id: UUID
    compare_to: ScoreBasis
    score: VariantScore
    # "offline" (measured) or the vision model's name.
    scorer: str
    scored_at: Timestamp


AiEditEvent = (
    AiEditRequested | AiEditStarted | VariantRendered | AiEditCompleted | AiEditFailed
    | VariantScored
)

AI_EDIT_EVENT_TYPES: tuple[type[AiEditEventBase], ...] = get_args(AiEditEvent)

ai_edit_event_decoder = msgspec.json.Decoder(AiEditEvent)


# ---- Commands (media service) -------------------------------------------------------------


class RequestAiEdit(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    now: Timestamp
    job_id: UUID
    project_id: UUID
    prompt: str
    edit: RegionEdit
    start_ts: float
    end_ts: float
    segment_id: UUID
    media_key: str
    source_start_ts: float
    source_end_ts: float
    box: Box
    seed: int
    variants: list[VariantSpec]


class AcceptVariant(msgspec.Struct, frozen=True, kw_only=True):
    """Put a rendered variant on the timeline (a Timeline decision; idempotent)."""

    command_id: str
    now: Timestamp
    project_id: UUID
    job_id: UUID
    variant_id: UUID
    # The generated segment's id (chosen by the gateway so it can answer with it).
    segment_id: UUID


class ScoreVariant(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    now: Timestamp
    project_id: UUID
    job_id: UUID
    variant_id: UUID
    compare_to: ScoreBasis = "prompt"
    # What the settings select (`providers.scorer`): "objective-metrics" measures only,
    # "openai-vision" asks the configured vision model too; None: the service's default
    # (the vision model when one is configured).
    scorer: ScorerProvider | None = None


AI_EDIT_COMMANDS: dict[str, type[msgspec.Struct]] = {
    "request_ai_edit": RequestAiEdit, "accept_variant": AcceptVariant,
}
# Served apart: a score is measured (frames decoded) before it is recorded.
AI_SCORE_COMMANDS: dict[str, type[msgspec.Struct]] = {"score_variant": ScoreVariant}
