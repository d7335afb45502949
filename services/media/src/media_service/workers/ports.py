"""What the preparation job needs from the outside world, as small Protocols.

The adapters (`media_service.adapters`) fill them with the shared libraries
(videogen_media, videogen_providers); unit tests fill them with fakes. Each port names
only what the job uses, so the job reads as the steps of the work and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from uuid import UUID

from videogen_contracts.media.events import (
    CaptionCue,
    ChosenVisual,
    FrameSettings,
    SentenceText,
    VoiceSettings,
)
from videogen_text.words import SentenceWords


class StageFailed(Exception):
    """The work itself failed (not the infrastructure): record it, do not retry."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Narrator(Protocol):
    """Speaks one sentence into a WAV file, with its words' timings; bounds its own
    parallelism across jobs. `language` is the sentence's own (tts/language.py)."""

    @property
    def name(self) -> str: ...

    def speaker(self, voice: VoiceSettings, language: str) -> str | None:
        """Who speaks a sentence in `language` with these settings
        ("piper:en_US-joe-medium"): recorded, and part of the narration cache key. The
        job's voice for its own language, else the language's own voice; None when no
        installed voice speaks it (the sentence is then not voiced: tts/unvoiced.py).
        Raises StageFailed for a voiceName that is not installed."""
        ...

    async def narrate(
        self, text: str, voice: VoiceSettings, language: str, out: Path
    ) -> SentenceWords:
        """Write `out` and return when each word is said in it (seconds from its start):
        source "piper-alignment" for Piper, "aligner" for espeak-ng and vendors' voices,
        "none" for a sentence no voice could read (silence of its reading time).
        Raises StageFailed when this text cannot be spoken."""
        ...


class AudioProbe(Protocol):
    async def duration_s(self, path: Path) -> float: ...


class Blobs(Protocol):
    async def exists(self, key: str) -> bool: ...

    async def put_file(self, key: str, source: Path) -> None:
        """Store atomically: a reader never sees a half-written blob under `key`."""
        ...

    async def put_bytes(self, key: str, data: bytes) -> None: ...

    def path_of(self, key: str) -> Path:
        """A local file holding the blob (to probe it)."""
        ...

    async def delete_prefix(self, prefix: str) -> int: ...


@dataclass(frozen=True, slots=True)
class TimedSentence:
    """A sentence and its narration window on the timeline, in seconds."""

    sentence_id: UUID
    text: str
    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class CaptionFiles:
    ass: str
    srt: str
    cues: list[CaptionCue]


class Captioner(Protocol):
    def build(
        self, sentences: Sequence[TimedSentence], frame: FrameSettings, language: str
    ) -> CaptionFiles:
        """Raises StageFailed (e.g. a sentence that would give a blank caption)."""
        ...


class VisualChooser(Protocol):
    async def choose(
        self, project_id: UUID, sentences: Sequence[SentenceText], frame: FrameSettings
    ) -> list[ChosenVisual]:
        """One visual per sentence, in order; stock clips are stored as blobs first, under
        the project and their search (so the project's next render finds them)."""
        ...
