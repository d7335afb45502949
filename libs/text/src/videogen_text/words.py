"""Word timings: when each word of a sentence is spoken, in seconds from its audio's start.

Produced by the narration (Piper's own phoneme alignments, or an aligner over the audio)
and stored as JSON beside the sentence's WAV, so a reused narration keeps its timings.
Consumed by the captions (karaoke, word-by-word, highlight) and the WebVTT export.
"""

from __future__ import annotations

from typing import Literal

import msgspec

# piper-alignment: the voice's own phoneme durations (exact for the audio it made);
# aligner: measured on the audio against the text (any engine); estimate: spread over the
# speech by length (last resort, flagged in the quality report); none: no audio (unvoiced).
TimingSource = Literal["piper-alignment", "aligner", "estimate", "none"]


class WordTiming(msgspec.Struct, frozen=True, array_like=True):
    """One word as written in the sentence (punctuation attached), start and end in s."""

    word: str
    start: float
    end: float


class SentenceWords(msgspec.Struct, frozen=True, kw_only=True):
    """The sidecar JSON of one narration: its words and where their times came from."""

    source: TimingSource
    words: list[WordTiming]
    # The sentence's language as narrated ("en", "ja"), and the voice ("piper:...").
    language: str = ""
    voice: str = ""


def encode_words(words: SentenceWords) -> bytes:
    return msgspec.json.encode(words)


def decode_words(raw: bytes) -> SentenceWords:
    return msgspec.json.decode(raw, type=SentenceWords)
