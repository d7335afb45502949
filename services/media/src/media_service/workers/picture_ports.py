"""What the pipelined preparation needs to make the picture: scene design, captions, encode.

One port, `Pictures` (adapters/designed_visuals.py fills it with videogen_media's scene
design, word captions and segment render). The worker decides when each piece runs and
where its output is kept; the port only makes things.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from uuid import UUID

from videogen_contracts.media.events import (
    CaptionCue,
    CaptionOptions,
    FrameSettings,
    VisualStyle,
)
from videogen_media.scene_types import ComposedScene, VisualSource
from videogen_text.words import SentenceWords


@dataclass(frozen=True, slots=True)
class SceneRequest:
    """One sentence's scene to design; `media` (a stock clip, an upload) replaces its
    background when given."""

    text: str
    media: Path | None = None
    media_source: VisualSource | None = None


@dataclass(frozen=True, slots=True)
class SpokenSentence:
    """A narrated sentence on the timeline: its words are relative to its own audio."""

    sentence_id: UUID
    text: str
    start_s: float  # where its scene (and narration) starts on the timeline
    speech_s: float  # how long the narration lasts (the scene may last longer: the pause)
    words: SentenceWords
    language: str


@dataclass(frozen=True, slots=True)
class CaptionSet:
    ass: str
    srt: str
    vtt: str
    cues: list[CaptionCue]
    # Every time (s, on the timeline) the captions' picture changes: the encoder's fast path.
    change_times: list[float]
    inside_safe_area: bool = True
    no_overflow: bool = True
    lines: int = 0
    problems: list[str] = field(default_factory=list)
    style: str = ""


@dataclass(frozen=True, slots=True)
class SegmentPart:
    scene: ComposedScene
    frames: int


class Pictures(Protocol):
    def fps(self, frame: FrameSettings) -> int:
        """The segments' frame rate (every segment of a video is encoded alike)."""
        ...

    def encoder_identity(self, frame: FrameSettings) -> str:
        """The encoder and its settings, as text: part of each segment's content digest."""
        ...

    def design(
        self, scenes: Sequence[SceneRequest], style: VisualStyle, frame: FrameSettings,
        workdir: Path,
    ) -> list[ComposedScene]:
        """Blocking (run it in a thread): one composed scene per request, in order."""
        ...

    def icon_tags(self, icon_ids: Sequence[str]) -> list[str]:
        """The names and search terms of these icons (what the report lists per scene)."""
        ...

    def pause_after(self, text: str, *, section_end: bool) -> float:
        """The silence the timeline leaves after this sentence."""
        ...

    def captions(
        self, sentences: Sequence[SpokenSentence], frame: FrameSettings,
        options: CaptionOptions, style: VisualStyle,
    ) -> CaptionSet:
        """Blocking. Raises StageFailed for options the captions cannot honour."""
        ...

    def segment_captions(self, ass: str, start_s: float, end_s: float) -> str:
        """The part of a whole-timeline .ass shown in [start, end), re-timed from 0."""
        ...

    def words_of(self, wav: Path, text: str, language: str) -> SentenceWords:
        """Blocking: word timings measured on stored audio that has none (an older
        narration, reused)."""
        ...

    async def encode(
        self, parts: Sequence[SegmentPart], frame: FrameSettings, output: Path, *,
        style: VisualStyle, captions: Path | None, caption_changes: Sequence[float],
        previous_still: Path | None,
    ) -> None:
        """Video only, exactly sum(frames) frames; cancelling it stops the encoder."""
        ...
