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
# "designed": an offline scene composed from the sentence (an icon and its layout, or a
# typographic card); its `key` is the scene's still (a PNG of how it ends).
VisualKind = Literal["procedural", "stock", "designed"]
# One look per video: a palette, a type scale, the transitions and the captions' defaults.
VisualStyle = Literal["clean", "bold", "documentary", "playful"]
VISUAL_STYLES: tuple[VisualStyle, ...] = get_args(VisualStyle)
CaptionStyleName = Literal["classic", "karaoke", "word_by_word", "highlight"]
CAPTION_STYLES: tuple[CaptionStyleName, ...] = get_args(CaptionStyleName)
CaptionPosition = Literal["bottom", "center", "top"]
# none: narration only. procedural: a few synthesised chords of the look's mood, labelled
# as such. package: music that ships in an installed package under a licence that allows
# it (procedural when none is installed). upload: the user's own audio asset.
MusicSource = Literal["none", "procedural", "package", "upload"]


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
    # Added later (UNSET is never encoded): the silence the timeline leaves after this
    # sentence (longer at the end of a section); its scene lasts duration_s + pause_s.
    pause_s: float | msgspec.UnsetType = msgspec.UNSET


class CaptionOptions(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """How captions look; None leaves a choice to the look and the frame's aspect."""

    style: CaptionStyleName | None = None
    position: CaptionPosition | None = None
    # A multiple of the default size for the frame (0.5 to 2).
    size: float | None = None
    color: str | None = None  # "#rrggbb", the text
    highlight_color: str | None = None  # "#rrggbb", the spoken word (karaoke, highlight)
    outline: int | None = None  # the outline's width in pixels at 720p, 0 to 8
    max_words: int | None = None  # per line (word_by_word: per screen), 1 to 12


class SoundOptions(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The finished sound: the loudness target and the music bed under the narration."""

    loudness_lufs: float = -14.0  # EBU R128 integrated target (-16 is the other common one)
    music: MusicSource = "none"
    # music == "upload": the blob key of the user's audio (an editor asset's).
    music_key: str | None = None
    # The procedural bed's mood; None follows the look.
    music_mood: str | None = None


class Presentation(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """How a production's video looks and sounds (the gateway maps each surface's style
    or tone to `style`)."""

    style: VisualStyle = "clean"
    captions: CaptionOptions = msgspec.field(default_factory=CaptionOptions)
    sound: SoundOptions = msgspec.field(default_factory=SoundOptions)


class PictureSegment(msgspec.Struct, frozen=True, kw_only=True):
    """A run of scenes whose picture (visuals, motion, burnt captions) is already encoded,
    video only, by the media service while the rest was narrated: the export joins the
    segments by stream copy under one soundtrack. Sentences [first, first+count) of the
    timeline, exactly `frames` frames at the render's rate."""

    key: str
    first: int
    count: int
    frames: int


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
    # Added later (UNSET is never encoded). kind == "designed": its layout ("title",
    # "icon", "stat", "quote", "compare", "list", "type") and the icons it shows.
    layout: str | msgspec.UnsetType = msgspec.UNSET
    icons: list[str] | msgspec.UnsetType = msgspec.UNSET


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
    # Added later (UNSET is never encoded, so older events read back equal): the default.
    presentation: Presentation | msgspec.UnsetType = msgspec.UNSET


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
    # The sentence's own language (detected), "" before detection existed.
    language: str = ""
    # The word timings' blob (JSON beside the audio) and where they came from
    # ("piper-alignment", "aligner", "estimate", or "none" for a language with no voice).
    words_key: str | None = None
    timing: str = ""
    # True when no installed voice speaks the sentence's language: its audio is silence
    # of its reading time (captioned, reported, never mumbled by another language's voice).
    unvoiced: bool = False


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
    # Added later (UNSET is never encoded): the WebVTT file, with word timings.
    vtt_key: str | msgspec.UnsetType = msgspec.UNSET


class VisualsChosen(MediaEventBase, frozen=True, kw_only=True, tag="VisualsChosen"):
    """One visual per sentence, in script order: the media preparation is done."""

    visuals: list[ChosenVisual]
    chosen_at: Timestamp
    # Added later (UNSET is never encoded). The picture, already encoded in segments
    # (pipelined with the narration), and the media half of the quality report (JSON).
    segments: list[PictureSegment] | msgspec.UnsetType = msgspec.UNSET
    report_key: str | msgspec.UnsetType = msgspec.UNSET


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
