"""The Production aggregate's public contract: its bus commands and its events.

A Production is one end-to-end job (text → narrated, captioned video), on stream
`production-<production_id>`, owned by the project service. Its stage follows an explicit
state machine (queued → scripting → narrating → captioning → choosing_visuals → rendering
→ completed | failed | cancelled) and its progress never goes backwards. The gateway's
`productions` read model is a projection of these events: `ProductionAdvanced` carries
stage, progress and message; `ProductionStepLogged` carries one log line.

The `*Attached` events record what the other services produced (script, narration,
captions, visuals) in the production's own stream, so the process manager can build each
next command from the production's history alone, never from another service's tables.
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args
from uuid import UUID

import msgspec

from videogen_contracts.media.events import ChosenVisual, PictureSegment, Presentation
from videogen_contracts.project.events import SERVICE, AspectRatio, Timestamp
from videogen_contracts.subjects import Namespace

# text2video: a script drafted from `text`; project: the studio project's current script,
# asked of the script service when the production starts scripting (`text` unused);
# brief: an Aura job, whose project is created from `brief` and whose script the script
# service writes from it (quick_generate) before it is asked for, as for "project".
ProductionKind = Literal["text2video", "project", "brief"]
EncodeEffort = Literal["fast", "balanced", "high"]
ProductionStage = Literal[
    "queued", "scripting", "narrating", "captioning", "choosing_visuals", "rendering", "completed",
    "failed", "cancelled",
]
FailureCode = Literal[
    "script_failed", "media_failed", "render_failed", "invalid", "internal", "stall_timeout"
]
# The stages a failed or cancelled production can be retried from, in the order of the work.
RESUMABLE: tuple[ProductionStage, ...] = (
    "scripting", "narrating", "captioning", "choosing_visuals", "rendering"
)


def stream_id_for(production_id: UUID) -> str:
    """The Production aggregate's stream: `production-<uuid>`."""
    return f"production-{production_id}"


class RenderSettings(msgspec.Struct, frozen=True, kw_only=True):
    """How the final video is encoded (the issue's default: 1280x720, 30 fps, H.264 mp4)."""

    width: int = 1280
    height: int = 720
    fps: int = 30
    codec: str = "h264"
    container: str = "mp4"
    crf: int = 23
    preset: str = "veryfast"
    aspect: AspectRatio = "16:9"
    # Added later: UNSET is never encoded, so events written before them read back equal.
    # A target bitrate replaces the constant-quality `crf` when set.
    video_bitrate_k: int | msgspec.UnsetType = msgspec.UNSET
    audio_bitrate_k: int | msgspec.UnsetType = msgspec.UNSET
    # False: no extra keyframes at scene cuts (fixed GOP), for codecs that place them.
    scene_cut: bool | msgspec.UnsetType = msgspec.UNSET
    # What the client asked of the encoder, in its own terms; the export service turns them
    # into an encoder preset and crf, which replace `preset` and `crf` when set.
    # How much encoding time to spend on quality (Aura's options.quality).
    effort: EncodeEffort | msgspec.UnsetType = msgspec.UNSET
    # Constant quality, 0 (smallest file) to 100 (best) (Aura's qualityLevel).
    quality_level: int | msgspec.UnsetType = msgspec.UNSET


class VoiceSettings(msgspec.Struct, frozen=True, kw_only=True):
    """How to narrate; `voice` None means the media service's default voice."""

    rate: float = 1.0
    pitch: float = 1.0
    pause_ms: int = 0
    voice: str | None = None


class ProductionBrief(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """What an Aura job asks for (kind "brief"); the project is created from it."""

    topic: str
    audience: str | None = None
    goal: str | None = None
    tone: str | None = None
    style: str | None = None
    target_minutes: float | None = None
    pacing: str | None = None
    density: str | None = None


# --- commands on the bus (ns.command_subject("project", name)) ------------------------------


class StartProduction(msgspec.Struct, frozen=True, kw_only=True):
    """Create the project (if new) and the production, queued. Idempotent by command_id."""

    command_id: str
    now: Timestamp
    production_id: UUID
    project_id: UUID
    kind: ProductionKind = "text2video"
    # Required by kind "text2video"; other kinds take their script from elsewhere.
    text: str = ""
    render: RenderSettings = msgspec.field(default_factory=RenderSettings)
    voice: VoiceSettings = msgspec.field(default_factory=VoiceSettings)
    language: str = "en"
    # Required by kind "brief".
    brief: ProductionBrief | None = None
    # How the video looks and sounds (each surface maps its style or tone to it).
    presentation: Presentation = msgspec.field(default_factory=Presentation)


class CancelProduction(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    now: Timestamp
    production_id: UUID
    reason: str | None = None


class RetryProduction(msgspec.Struct, frozen=True, kw_only=True):
    """Resume a failed or cancelled production from its first unfinished step."""

    command_id: str
    now: Timestamp
    production_id: UUID


ProductionCommand = StartProduction | CancelProduction | RetryProduction

COMMANDS: dict[str, type[msgspec.Struct]] = {
    "start_production": StartProduction, "cancel_production": CancelProduction,
    "retry_production": RetryProduction,
}


# --- events -------------------------------------------------------------------------------


class ProductionSentence(msgspec.Struct, frozen=True, kw_only=True):
    """One sentence of the production's script, in script order."""

    sentence_id: UUID
    section_id: UUID
    text: str


class NarrationClip(msgspec.Struct, frozen=True, kw_only=True):
    sentence_id: UUID
    key: str
    duration_s: float
    # Added later (UNSET is never encoded): the silence after it on the timeline.
    pause_s: float | msgspec.UnsetType = msgspec.UNSET


class ProductionEventBase(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    # Not a field: the version of this event's payload schema, written to the envelope.
    schema_version: ClassVar[int] = 1

    production_id: UUID


class ProductionQueued(ProductionEventBase, frozen=True, kw_only=True, tag="ProductionQueued"):
    project_id: UUID
    kind: ProductionKind
    text: str
    render: RenderSettings
    voice: VoiceSettings
    language: str = "en"
    queued_at: Timestamp
    brief: ProductionBrief | msgspec.UnsetType = msgspec.UNSET
    presentation: Presentation | msgspec.UnsetType = msgspec.UNSET


class ProductionAdvanced(
    ProductionEventBase, frozen=True, kw_only=True, omit_defaults=True, tag="ProductionAdvanced"
):
    """The stage moved forward, or (`from_stage == stage`) the work inside it did.

    `progress` only takes the documented values (0, 20, 40, 60, 80, 90, 100); `percent` is
    the finer progress of the stage's own work, when it reports one (the narration's, the
    render's), and `items_done` of `items_total` what it counts (sentences narrated).
    """

    from_stage: ProductionStage
    stage: ProductionStage
    progress: int
    message: str
    at: Timestamp
    percent: int | None = None
    items_done: int | None = None
    items_total: int | None = None


class ProductionStepLogged(ProductionEventBase, frozen=True, tag="ProductionStepLogged"):
    """One line of the job's log, as a client of doc 004 sees it in `logs`."""

    line: str
    at: Timestamp


class ProductionScriptAttached(ProductionEventBase, frozen=True, tag="ProductionScriptAttached"):
    script_id: UUID
    sentences: list[ProductionSentence]
    at: Timestamp


class ProductionNarrationAttached(
    ProductionEventBase, frozen=True, tag="ProductionNarrationAttached"
):
    clips: list[NarrationClip]
    total_duration_s: float
    at: Timestamp


class ProductionCaptionsAttached(
    ProductionEventBase, frozen=True, tag="ProductionCaptionsAttached"
):
    ass_key: str
    srt_key: str
    at: Timestamp
    vtt_key: str | msgspec.UnsetType = msgspec.UNSET


class ProductionVisualsAttached(ProductionEventBase, frozen=True, tag="ProductionVisualsAttached"):
    visuals: list[ChosenVisual]
    at: Timestamp
    segments: list[PictureSegment] | msgspec.UnsetType = msgspec.UNSET
    report_key: str | msgspec.UnsetType = msgspec.UNSET


class ProductionCompleted(ProductionEventBase, frozen=True, tag="ProductionCompleted"):
    video_key: str
    subtitle_key: str | None
    duration_s: float
    size_bytes: int
    at: Timestamp
    # Added later (UNSET is never encoded): the quality report and the WebVTT captions.
    report_key: str | msgspec.UnsetType | None = msgspec.UNSET
    vtt_key: str | msgspec.UnsetType | None = msgspec.UNSET


class ProductionFailed(ProductionEventBase, frozen=True, tag="ProductionFailed"):
    """`stage` is where it failed (the stage the production was in)."""

    stage: ProductionStage
    code: FailureCode
    reason: str
    at: Timestamp


class ProductionCancelled(ProductionEventBase, frozen=True, tag="ProductionCancelled"):
    stage: ProductionStage
    reason: str | None
    at: Timestamp


class ProductionRetried(ProductionEventBase, frozen=True, tag="ProductionRetried"):
    """A failed or cancelled production resumes at `stage`, its first unfinished step; the
    `ProductionAdvanced` that follows moves it there. `attempt` counts from 2."""

    from_stage: ProductionStage
    stage: ProductionStage
    attempt: int
    at: Timestamp


class ProductionStallWarned(ProductionEventBase, frozen=True, tag="ProductionStallWarned"):
    """Nothing has moved for `idle_s` seconds; the job fails if it stays so until `fail_after_s`."""

    stage: ProductionStage
    idle_s: int
    fail_after_s: int
    at: Timestamp


ProductionEvent = (
    ProductionQueued | ProductionAdvanced | ProductionStepLogged | ProductionScriptAttached
    | ProductionNarrationAttached | ProductionCaptionsAttached | ProductionVisualsAttached
    | ProductionCompleted | ProductionFailed | ProductionCancelled | ProductionRetried
    | ProductionStallWarned
)

EVENT_TYPES: tuple[type[ProductionEventBase], ...] = get_args(ProductionEvent)

event_decoder: msgspec.json.Decoder[ProductionEvent] = msgspec.json.Decoder(ProductionEvent)

# After these, nothing of the production should keep running: workers stop its jobs.
STOPPED_EVENT_TYPES = ("ProductionCancelled", "ProductionFailed")


def stopped_subjects(ns: Namespace) -> list[str]:
    """Where STOPPED_EVENT_TYPES are published: what a worker hears to stop its jobs."""
    return [ns.event_subject(SERVICE, "*", name) for name in STOPPED_EVENT_TYPES]


class _ProductionRef(msgspec.Struct):
    production_id: UUID


def production_id_of(data: bytes) -> UUID:
    """The production an event's data is about, whichever production event it is."""
    return msgspec.json.decode(data, type=_ProductionRef).production_id
