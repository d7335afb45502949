"""Media preparation events: narration, captions and visuals for one production.

One aggregate, `MediaPreparation`, per production, on stream `preparation-<production_id>`.
Its events are the public, versioned record consumed by the production process manager.
Tags are class names, stored as is and never renamed. A new field gets a default; a
breaking change bumps `schema_version` and adds an upcaster. Events carry blob keys, never
bytes: the keys are deterministic (`narration/<project_id>/<sha256 of text and voice>.wav`,
`captions/<production_id>.ass|.srt`) so a resumed job writes to the same place, and a
later production of the project reuses every narration whose text and voice are unchanged.
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args
from uuid import UUID

import msgspec

from videogen_contracts.project.events import AspectRatio, Timestamp

SERVICE = "media"

PreparationStage = Literal["narration", "captions", "visuals"]
VisualKind = Literal["procedural", "stock"]


def stream_id_for(production_id: UUID) -> str:
    """The MediaPreparation aggregate's stream: `preparation-<uuid>`."""
    return f"preparation-{production_id}"


class SentenceText(msgspec.Struct, frozen=True, kw_only=True):
    sentence_id: UUID
    section_id: UUID | None = None
    text: str


class VoiceSettings(msgspec.Struct, frozen=True, kw_only=True):
    """How to narrate. `voice` None means the service's default voice."""

    rate: float = 1.0
    pitch: float = 1.0
    # Silence appended to each sentence's audio (so it is part of the measured duration,
    # and captions and the render agree on every sentence's window without extra rules).
    pause_ms: int = 0
    voice: str | None = None


class FrameSettings(msgspec.Struct, frozen=True, kw_only=True):
    """The frame the captions are laid out for (the render's size)."""

    aspect: AspectRatio = "16:9"
    width: int = 1280
    height: int = 720


class NarratedSentence(msgspec.Struct, frozen=True, kw_only=True):
    sentence_id: UUID
    key: str
    # Measured from the stored audio, not estimated from the text.
    duration_s: float


class CaptionCue(msgspec.Struct, frozen=True, kw_only=True):
    """One caption on screen, in seconds from the start of the narration."""

    sentence_id: UUID
    start_s: float
    end_s: float
    text: str


class ProceduralSpec(msgspec.Struct, frozen=True, kw_only=True):
    """An offline background the renderer draws itself: a palette and a motion style."""

    style: str
    # "#rrggbb" colours, chosen from the keywords.
    palette: list[str]
    seed: int = 0


class ChosenVisual(msgspec.Struct, frozen=True, kw_only=True):
    sentence_id: UUID
    # The doc's "video search queries": what the visual is about.
    keywords: list[str]
    kind: VisualKind
    # kind == "procedural": how to draw it.
    spec: ProceduralSpec | None = None
    # kind == "stock": the blob key of the downloaded clip (or image), and its origin.
    key: str | None = None
    source_url: str | None = None
    credit: str | None = None


class MediaEventBase(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    # Not a field: the version of this event's payload schema, written to the envelope.
    schema_version: ClassVar[int] = 1

    production_id: UUID
    project_id: UUID


class MediaPreparationRequested(
    MediaEventBase, frozen=True, kw_only=True, tag="MediaPreparationRequested"
):
    sentences: list[SentenceText]
    voice: VoiceSettings
    render: FrameSettings
    language: str = "en"
    requested_at: Timestamp


# omit_defaults: a field added later is left out at its default, so an event recorded
# before it existed still encodes exactly as it was published.
class SentenceNarrated(
    MediaEventBase, frozen=True, kw_only=True, omit_defaults=True, tag="SentenceNarrated"
):
    """Progress: one sentence's audio is stored. At most one per sentence."""

    sentence_id: UUID
    key: str
    duration_s: float
    # Which synthesizer spoke it ("piper:<voice>", "espeak:<voice>", "openai:<voice>").
    synthesizer: str = ""
    narrated_at: Timestamp
    # True when no synthesis happened: the audio of this text, voice and synthesizer was
    # already stored for the project (an earlier render, or this job before a crash).
    reused: bool = False


class NarrationCompleted(MediaEventBase, frozen=True, kw_only=True, tag="NarrationCompleted"):
    """Every sentence is narrated; `items` in script order."""

    items: list[NarratedSentence]
    total_duration_s: float
    completed_at: Timestamp


class CaptionsCompleted(MediaEventBase, frozen=True, kw_only=True, tag="CaptionsCompleted"):
    ass_key: str
    srt_key: str
    cues: list[CaptionCue]
    completed_at: Timestamp


class VisualsChosen(MediaEventBase, frozen=True, kw_only=True, tag="VisualsChosen"):
    """One visual per sentence, in script order: the media preparation is done."""

    visuals: list[ChosenVisual]
    chosen_at: Timestamp


class MediaPreparationFailed(
    MediaEventBase, frozen=True, kw_only=True, tag="MediaPreparationFailed"
):
    stage: PreparationStage
    reason: str
    failed_at: Timestamp


class MediaPreparationResumed(
    MediaEventBase, frozen=True, kw_only=True, tag="MediaPreparationResumed"
):
    """The production was retried: the preparation goes on from where it stopped (after a
    failure, or a job abandoned when the production was cancelled). `attempt` counts from
    2; sentences already narrated are kept."""

    attempt: int
    resumed_at: Timestamp


MediaEvent = (
    MediaPreparationRequested | SentenceNarrated | NarrationCompleted | CaptionsCompleted
    | VisualsChosen | MediaPreparationFailed | MediaPreparationResumed
)

EVENT_TYPES: tuple[type[MediaEventBase], ...] = get_args(MediaEvent)

event_decoder = msgspec.json.Decoder(MediaEvent)
