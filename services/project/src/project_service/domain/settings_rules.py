"""Input rules for the settings: ranges, allowed combinations, and the field each names.

Rules apply to the settings as they would stand after the update (a codec change alone
must still fit the container already chosen). Fields are named by their path, e.g.
`render_defaults.fps`; the gateway translates them into its own naming.
"""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from videogen_contracts.errors import Invalid
from videogen_contracts.project.limits import (
    AUDIO_BITRATE_K,
    FPS_ALLOWED,
    NAME_MAX,
    PATH_MAX,
    PAUSE_MAX_MS,
    PITCH_RANGE,
    QUALITY_LEVEL_RANGE,
    RATE_RANGE,
    URL_MAX,
    VIDEO_BITRATE_K,
    codec_misfit,
)
from videogen_contracts.project.settings import RenderDefaults, VoiceDefaults

SEALED_MAX = 4_096


def _in_range(field: str, value: float, bounds: tuple[float, float]) -> None:
    low, high = bounds
    if not (math.isfinite(value) and low <= value <= high):
        raise Invalid(field, f"{field} must be between {low:g} and {high:g} (got {value:g})")


def _name(field: str, value: str) -> None:
    if not value.strip():
        raise Invalid(field, f"{field} must not be blank")
    if len(value) > NAME_MAX:
        raise Invalid(field, f"{field} must be at most {NAME_MAX} characters")


def check_voice(voice: VoiceDefaults) -> None:
    _name("default_voice.voice_name", voice.voice_name)
    _in_range("default_voice.rate", voice.rate, RATE_RANGE)
    _in_range("default_voice.pitch", voice.pitch, PITCH_RANGE)
    _in_range("default_voice.pause_ms", voice.pause_ms, (0, PAUSE_MAX_MS))


def check_render(render: RenderDefaults) -> None:
    if render.fps not in FPS_ALLOWED:
        allowed = ", ".join(str(f) for f in FPS_ALLOWED)
        raise Invalid("render_defaults.fps", f"render_defaults.fps must be one of {allowed}")
    _in_range("render_defaults.video_bitrate_k", render.video_bitrate_k, VIDEO_BITRATE_K)
    _in_range("render_defaults.audio_bitrate_k", render.audio_bitrate_k, AUDIO_BITRATE_K)
    _in_range("render_defaults.quality_level", render.quality_level, QUALITY_LEVEL_RANGE)
    misfit = codec_misfit(render.container, render.codec)
    if misfit:
        raise Invalid("render_defaults.codec", misfit)


def check_output_directory(value: str | None) -> None:
    field = "output_directory"
    if value is None:
        return
    if not value.startswith("/") or len(value) > PATH_MAX or any(c in value for c in "\0\n\r"):
        raise Invalid(field, f"{field} must be an absolute path of at most {PATH_MAX} characters")


def check_base_url(value: str | None) -> None:
    field = "openai_base_url"
    if value is None:
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(value) > URL_MAX:
        raise Invalid(field, f"{field} must be an http(s) URL of at most {URL_MAX} characters")


def check_model(value: str | None) -> None:
    if value is not None:
        _name("openai_model", value)


def check_sealed(field: str, token: str | None) -> None:
    if token is not None and not (0 < len(token) <= SEALED_MAX):
        raise Invalid(field, f"{field} is not a sealed key")
