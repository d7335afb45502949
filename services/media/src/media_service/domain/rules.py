"""Input rules of a media preparation, each naming the field it refuses."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from uuid import UUID

from videogen_contracts.errors import Invalid
from videogen_contracts.media.commands import PrepareMedia
from videogen_contracts.media.events import ChosenVisual, PictureSegment

MAX_SENTENCES = 5_000
MAX_SENTENCE_CHARS = 2_000
MAX_PAUSE_MS = 10_000
MAX_FRAME_SIDE = 4_096


def check_request(command: PrepareMedia) -> None:
    if not command.sentences:
        raise Invalid("sentences", "at least one sentence is needed")
    if len(command.sentences) > MAX_SENTENCES:
        raise Invalid("sentences", f"at most {MAX_SENTENCES} sentences per preparation")
    seen: set[UUID] = set()
    for index, sentence in enumerate(command.sentences):
        if sentence.sentence_id in seen:
            raise Invalid(f"sentences[{index}].sentence_id", "sentence ids must be unique")
        seen.add(sentence.sentence_id)
        # A blank sentence would be silent audio under an empty caption: refuse it here,
        # where the sender still learns which one it was.
        if not sentence.text.strip():
            raise Invalid(f"sentences[{index}].text", "a sentence must have text")
        # Only punctuation or emoji: nothing to speak (a TTS would read emoji names aloud).
        if not any(unicodedata.category(ch)[0] in "LN" for ch in sentence.text):
            raise Invalid(f"sentences[{index}].text", "a sentence must have words to speak")
        if len(sentence.text) > MAX_SENTENCE_CHARS:
            raise Invalid(
                f"sentences[{index}].text", f"a sentence is at most {MAX_SENTENCE_CHARS} chars"
            )
    _check_voice(command)
    _check_frame(command)


def _check_voice(command: PrepareMedia) -> None:
    voice = command.voice
    if not 0.25 <= voice.rate <= 4.0:
        raise Invalid("voice.rate", "rate must be between 0.25 and 4.0")
    if not 0.5 <= voice.pitch <= 2.0:
        raise Invalid("voice.pitch", "pitch must be between 0.5 and 2.0")
    if not 0 <= voice.pause_ms <= MAX_PAUSE_MS:
        raise Invalid("voice.pause_ms", f"pause_ms must be between 0 and {MAX_PAUSE_MS}")


def _check_frame(command: PrepareMedia) -> None:
    for name in ("width", "height"):
        side = getattr(command.render, name)
        # Even sides: H.264 with 4:2:0 chroma cannot encode odd ones.
        if not (2 <= side <= MAX_FRAME_SIDE and side % 2 == 0):
            raise Invalid(f"render.{name}", f"{name} must be even, 2..{MAX_FRAME_SIDE}")


def check_visuals(visuals: Sequence[ChosenVisual], sentence_ids: Sequence[UUID]) -> None:
    """Exactly one visual per sentence, in script order, each complete for its kind."""
    if [v.sentence_id for v in visuals] != list(sentence_ids):
        raise Invalid("visuals", "one visual per sentence, in script order")
    for index, visual in enumerate(visuals):
        if visual.kind == "procedural" and visual.spec is None:
            raise Invalid(f"visuals[{index}].spec", "a procedural visual needs a spec")
        if visual.kind in ("stock", "designed") and not visual.key:
            raise Invalid(f"visuals[{index}].key", f"a {visual.kind} visual needs a blob key")


def check_segments(segments: Sequence[PictureSegment], sentences: int) -> None:
    """Segments (when there are any) cover every sentence once, in order, each non-empty."""
    if not segments:
        return
    expected = 0
    for index, segment in enumerate(segments):
        if segment.first != expected or segment.count < 1 or segment.frames < segment.count:
            raise Invalid(f"segments[{index}]", "segments cover the sentences in order, once")
        expected += segment.count
    if expected != sentences:
        raise Invalid("segments", f"segments cover {expected} of {sentences} sentences")
