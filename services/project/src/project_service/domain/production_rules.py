"""Input rules of a production: the text, the render and voice settings, the project topic."""

from __future__ import annotations

import math
import re

from videogen_contracts.project.production import RenderSettings, StartProduction, VoiceSettings

from project_service.domain.errors import Invalid
from project_service.domain.rules import LANGUAGE_MAX, check_required_text

# A hard ceiling well above the gateway's configurable limit (100,000 by default) that also
# keeps a command under NATS's 1 MiB payload even for 3-byte-per-character scripts.
TEXT_MAX = 300_000
TOPIC_CHARS = 80
CODECS = frozenset({"h264"})
CONTAINERS = frozenset({"mp4"})
PRESETS = frozenset(
    {"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"}
)
_SPACES = re.compile(r"\s+")


def check_start(command: StartProduction) -> None:
    if command.kind == "text2video":
        check_text(command.text)
    check_required_text("language", command.language, LANGUAGE_MAX)
    check_render(command.render)
    check_voice(command.voice)


def check_text(text: str) -> None:
    if not text.strip():
        raise Invalid("text", "text must not be blank")
    if len(text) > TEXT_MAX:
        raise Invalid("text", f"text must be at most {TEXT_MAX} characters (got {len(text)})")
    # Letters or digits in any script count; punctuation, symbols and emoji alone do not,
    # since there would be nothing to narrate.
    if not any(ch.isalnum() for ch in text):
        raise Invalid("text", "text has nothing to speak: it holds no letters or digits")


def check_render(render: RenderSettings) -> None:
    _check_range("render.width", render.width, 16, 3840)
    _check_range("render.height", render.height, 16, 3840)
    if render.width % 2 or render.height % 2:
        raise Invalid("render", "render width and height must be even (H.264 with yuv420p)")
    _check_range("render.fps", render.fps, 1, 60)
    _check_range("render.crf", render.crf, 0, 51)
    _check_choice("render.codec", render.codec, CODECS)
    _check_choice("render.container", render.container, CONTAINERS)
    _check_choice("render.preset", render.preset, PRESETS)


def check_voice(voice: VoiceSettings) -> None:
    _check_range("voice.rate", voice.rate, 0.25, 4.0)
    _check_range("voice.pitch", voice.pitch, 0.5, 2.0)
    _check_range("voice.pause_ms", voice.pause_ms, 0, 5_000)


def topic_from_text(text: str) -> str:
    """The project topic of a text-born production: its first ~80 characters, on a word."""
    flat = _SPACES.sub(" ", text).strip()
    if len(flat) <= TOPIC_CHARS:
        return flat
    cut = flat[:TOPIC_CHARS]
    # Cut on a word boundary when there is one in the second half; CJK text has none.
    space = cut.rfind(" ")
    if space > TOPIC_CHARS // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def _check_range(field: str, value: float, low: float, high: float) -> None:
    # `not (low <= v <= high)` so that NaN is refused too.
    if not (math.isfinite(value) and low <= value <= high):
        raise Invalid(field, f"{field} must be between {low:g} and {high:g} (got {value})")


def _check_choice(field: str, value: str, allowed: frozenset[str]) -> None:
    if value not in allowed:
        raise Invalid(field, f"{field} must be one of {sorted(allowed)} (got {value!r})")
