"""The field types of Aura's request bodies: the contracts' limits as msgspec `Meta`.

Decoding checks them and the OpenAPI states them; the same numbers are the project
domain's rules (`videogen_contracts.project.limits`), which only the domain enforces
across fields.
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta
from videogen_contracts.project.limits import (
    AUDIO_BITRATE_K,
    DURATION_MAX_MINUTES,
    LANGUAGE_MAX,
    NAME_MAX,
    PATH_MAX,
    PAUSE_MAX_MS,
    PITCH_RANGE,
    PROVIDER_KEY_MAX,
    QUALITY_LEVEL_RANGE,
    RATE_RANGE,
    SHORT_TEXT_MAX,
    TOPIC_MAX,
    URL_MAX,
    VIDEO_BITRATE_K,
)

NON_BLANK = r"\S"


def within(low: int | float, high: int | float) -> Meta:
    """`Meta(ge=low, le=high)`. A bound of 0 is also given as schema text: Litestar 2.25
    drops a falsy bound from the OpenAPI it generates."""
    extra = {"extra": {"minimum": low}} if low == 0 else None
    return Meta(ge=low, le=high, extra_json_schema=extra)


def text(limit: int) -> Meta:
    """Non-blank text of at most `limit` characters."""
    return Meta(min_length=1, max_length=limit, pattern=NON_BLANK)


Topic = Annotated[str, text(TOPIC_MAX)]
ShortText = Annotated[str, text(SHORT_TEXT_MAX)]
Language = Annotated[str, text(LANGUAGE_MAX), Meta(description="a BCP 47 tag; en when left out")]
Name = Annotated[str, text(NAME_MAX)]
Duration = Annotated[str, Meta(
    pattern=r"^\d{1,2}:[0-5]\d:[0-5]\d$",
    description=f"hh:mm:ss, more than 0 and at most {DURATION_MAX_MINUTES:g} minutes",
)]
Rate = Annotated[float, within(*RATE_RANGE)]
Pitch = Annotated[float, within(*PITCH_RANGE)]
PauseMs = Annotated[int, within(0, PAUSE_MAX_MS)]
VideoBitrateK = Annotated[int, within(*VIDEO_BITRATE_K)]
AudioBitrateK = Annotated[int, within(*AUDIO_BITRATE_K)]
QualityLevel = Annotated[int, within(*QUALITY_LEVEL_RANGE)]
AbsolutePath = Annotated[str, Meta(pattern="^/", max_length=PATH_MAX)]
HttpUrl = Annotated[str, Meta(pattern="^https?://[^/]", max_length=URL_MAX)]
Key = Annotated[str, Meta(max_length=PROVIDER_KEY_MAX)]
