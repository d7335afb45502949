"""Input rules of a production: the text or brief, the render and voice settings, the topic."""

from __future__ import annotations

import math
import re

from msgspec import UNSET
from videogen_contracts.errors import Invalid
from videogen_contracts.media.events import Presentation
from videogen_contracts.project.limits import (
    AUDIO_BITRATE_K,
    CAPTION_MAX_WORDS_RANGE,
    CAPTION_OUTLINE_RANGE,
    CAPTION_SIZE_RANGE,
    COLOR_PATTERN,
    LANGUAGE_MAX,
    LOUDNESS_LUFS_RANGE,
    PAUSE_MAX_MS,
    PITCH_RANGE,
    QUALITY_LEVEL_RANGE,
    SHORT_TEXT_MAX,
    TOPIC_MAX,
    VIDEO_BITRATE_K,
    codec_misfit,
)
from videogen_contracts.project.production import (
    ProductionBrief,
    RenderSettings,
    StartProduction,
    VoiceSettings,
)

from project_service.domain.rules import check_duration, check_optional_text, check_required_text

# A hard ceiling well above the gateway's configurable limit (100,000 by default) that also
# keeps a command under NATS's 1 MiB payload even for 3-byte-per-character scripts.
TEXT_MAX = 300_000
TOPIC_CHARS = 80
CODECS = frozenset({"h264", "hevc", "vp9"})
CONTAINERS = frozenset({"mp4", "webm"})
PRESETS = frozenset(
    {"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"}
)
_SPACES = re.compile(r"\s+")
_COLOR = re.compile(COLOR_PATTERN)


def check_start(command: StartProduction) -> None:
    if command.kind == "text2video":
        check_text(command.text)
    if command.kind == "brief":
        check_brief(command.brief)
    check_required_text("language", command.language, LANGUAGE_MAX)
    check_render(command.render)
    check_voice(command.voice)
    check_presentation(command.presentation)


def check_text(text: str) -> None:
    if not text.strip():
        raise Invalid("text", "text must not be blank")
    if len(text) > TEXT_MAX:
        raise Invalid("text", f"text must be at most {TEXT_MAX} characters (got {len(text)})")
    # Letters or digits in any script count; punctuation, symbols and emoji alone do not,
    # since there would be nothing to narrate.
    if not any(ch.isalnum() for ch in text):
        raise Invalid("text", "text has nothing to speak: it holds no letters or digits")


def check_brief(brief: ProductionBrief | None) -> ProductionBrief:
    if brief is None:
        raise Invalid("brief", "a production of kind brief needs a brief")
    check_required_text("brief.topic", brief.topic, TOPIC_MAX)
    for name in ("audience", "goal", "tone", "style", "pacing", "density"):
        check_optional_text(f"brief.{name}", getattr(brief, name), SHORT_TEXT_MAX)
    check_duration(brief.target_minutes)
    return brief


def check_render(render: RenderSettings) -> None:
    _check_range("render.width", render.width, 16, 3840)
    _check_range("render.height", render.height, 16, 3840)
    if render.width % 2 or render.height % 2:
        raise Invalid("render", "render width and height must be even (H.264 with yuv420p)")
    _check_range("render.fps", render.fps, 1, 60)
    _check_range("render.crf", render.crf, 0, 51)
    _check_choice("render.codec", render.codec, CODECS)
    _check_choice("render.container", render.container, CONTAINERS)
    misfit = codec_misfit(render.container, render.codec)
    if misfit:
        raise Invalid("render.codec", misfit)
    _check_choice("render.preset", render.preset, PRESETS)
    if render.video_bitrate_k is not UNSET:
        _check_range("render.video_bitrate_k", render.video_bitrate_k, *VIDEO_BITRATE_K)
    if render.audio_bitrate_k is not UNSET:
        _check_range("render.audio_bitrate_k", render.audio_bitrate_k, *AUDIO_BITRATE_K)
    if render.quality_level is not UNSET:
        _check_range("render.quality_level", render.quality_level, *QUALITY_LEVEL_RANGE)


def check_voice(voice: VoiceSettings) -> None:
    # Wider than a request's rate: the plan's pacing speeds it up or slows it down on top.
    _check_range("voice.rate", voice.rate, 0.25, 4.0)
    _check_range("voice.pitch", voice.pitch, *PITCH_RANGE)
    _check_range("voice.pause_ms", voice.pause_ms, 0, PAUSE_MAX_MS)


def check_presentation(presentation: Presentation) -> None:
    """The ranges of the look's options (the style and names are Literals: msgspec checks
    them when the command is decoded)."""
    captions, sound = presentation.captions, presentation.sound
    if captions.size is not None:
        _check_range("presentation.captions.size", captions.size, *CAPTION_SIZE_RANGE)
    if captions.outline is not None:
        _check_range("presentation.captions.outline", captions.outline, *CAPTION_OUTLINE_RANGE)
    if captions.max_words is not None:
        _check_range(
            "presentation.captions.max_words", captions.max_words, *CAPTION_MAX_WORDS_RANGE
        )
    for name in ("color", "highlight_color"):
        value = getattr(captions, name)
        if value is not None and not _COLOR.fullmatch(value):
            raise Invalid(f"presentation.captions.{name}",
                          f"presentation.captions.{name} must be #rrggbb (got {value!r})")
    _check_range("presentation.sound.loudness_lufs", sound.loudness_lufs, *LOUDNESS_LUFS_RANGE)
    if sound.music == "upload" and not sound.music_key:
        raise Invalid("presentation.sound.music_key",
                      "music \"upload\" needs the key of the audio to lay under the narration")


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
