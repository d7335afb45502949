"""A production's look and sound (`Presentation`) from what each surface sends.

Pure, no I/O. Two ways in:
- a style or tone in the client's own words (Aura's `brief.tone` and `planSpec.style`, the
  studio project's `style` and `tone`): `style_from_words` maps the first word it knows to
  one of the four looks, and anything it does not know to `clean` (docs/jobs-api.md has
  the table). A free-text field never fails a job.
- text2video's explicit options, `style`, `captions` and `sound` (docs/jobs-api.md):
  `named_style`, `caption_options` and `sound_request` check each value and raise a 400
  naming the field (`captions.size`), in the shape of the path it is raised on (errors.py).
  An uploaded music asset is only named here; the route resolves it (it needs the read
  model), see `text2video/jobs.resolve_music`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, get_args
from uuid import UUID

import msgspec
from msgspec import Meta
from videogen_contracts.media.events import (
    CAPTION_STYLES,
    VISUAL_STYLES,
    CaptionOptions,
    CaptionPosition,
    CaptionStyleName,
    MusicSource,
    SoundOptions,
    VisualStyle,
)
from videogen_contracts.project.limits import (
    CAPTION_MAX_WORDS_RANGE,
    CAPTION_OUTLINE_RANGE,
    CAPTION_SIZE_RANGE,
    COLOR_PATTERN,
    LOUDNESS_LUFS_RANGE,
)

from videogen_gateway.errors import ApiError
from videogen_gateway.openapi import zero_bound

# Tone and style words → the look that suits them. The looks' own names map to themselves.
STYLE_WORDS: dict[str, VisualStyle] = {
    **{style: style for style in VISUAL_STYLES},
    **dict.fromkeys(("friendly", "fun", "casual", "playful", "light", "warm", "cheerful",
                     "humorous", "whimsical"), "playful"),
    **dict.fromkeys(("professional", "corporate", "neutral", "clean", "minimal", "formal",
                     "business", "modern"), "clean"),
    **dict.fromkeys(("energetic", "bold", "exciting", "dramatic", "punchy", "intense",
                     "enthusiastic", "urgent"), "bold"),
    **dict.fromkeys(("serious", "informative", "educational", "calm", "documentary",
                     "academic", "thoughtful", "cinematic"), "documentary"),
}
DEFAULT_STYLE: VisualStyle = "clean"
_WORDS = re.compile(r"[a-z]+")
_COLOR = re.compile(COLOR_PATTERN)
POSITIONS: tuple[CaptionPosition, ...] = get_args(CaptionPosition)
MUSIC_SOURCES: tuple[MusicSource, ...] = get_args(MusicSource)


def style_from_words(*texts: str | None) -> VisualStyle:
    """The look of the first word, in the first text, that names one; `clean` when none
    does. "Friendly but professional" is playful: the client put it first."""
    for text in texts:
        for word in _WORDS.findall((text or "").lower()):
            if word in STYLE_WORDS:
                return STYLE_WORDS[word]
    return DEFAULT_STYLE


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(f'"{v}"' for v in values)


def named_style(value: object) -> VisualStyle:
    """text2video's `style`: one of the four looks, as the OpenAPI's enum spells them;
    absent or null is `clean`."""
    if value is None:
        return DEFAULT_STYLE
    if value not in VISUAL_STYLES:
        raise ApiError(400, f"style must be one of {_listed(VISUAL_STYLES)}", field="style")
    return value


# --- checks of one value: (value, the field's name) → the value, or a 400 naming it ------
Check = Callable[[object, str], Any]


def _bad(name: str, must: str) -> ApiError:
    return ApiError(400, f"{name} must be {must}", field=name)


def _choice(options: tuple[str, ...]) -> Check:
    def check(value: object, name: str) -> str:
        if value not in options:
            raise _bad(name, f"one of {_listed(options)}")
        return str(value)
    return check


def _number(low: float, high: float, *, integer: bool = False) -> Check:
    kind = "an integer" if integer else "a number"

    def check(value: object, name: str) -> float | int:
        # bool is an int in Python, never a number in JSON.
        if (isinstance(value, bool) or not isinstance(value, int | float)
                or not math.isfinite(value) or not low <= value <= high
                or (integer and value != int(value))):
            raise _bad(name, f"{kind} from {low:g} to {high:g}")
        return int(value) if integer else float(value)
    return check


def _color(value: object, name: str) -> str:
    if not isinstance(value, str) or not _COLOR.fullmatch(value):
        raise _bad(name, 'a colour as "#rrggbb"')
    return value


def _asset_id(value: object, name: str) -> UUID:
    if isinstance(value, str):
        try:
            return UUID(value)
        except ValueError:
            pass
    raise _bad(name, "the id of an audio asset uploaded to the editor"
               " (POST /api/project/{id}/upload)")


CAPTION_CHECKS: dict[str, Check] = {
    "style": _choice(CAPTION_STYLES),
    "position": _choice(POSITIONS),
    "size": _number(*CAPTION_SIZE_RANGE),
    "color": _color,
    "highlight_color": _color,
    "outline": _number(*CAPTION_OUTLINE_RANGE, integer=True),
    "max_words": _number(*CAPTION_MAX_WORDS_RANGE, integer=True),
}
SOUND_CHECKS: dict[str, Check] = {
    "loudness_lufs": _number(*LOUDNESS_LUFS_RANGE),
    "music": _choice(MUSIC_SOURCES),
    "music_asset_id": _asset_id,
}


def _checked(raw: object, name: str, checks: Mapping[str, Check]) -> dict[str, Any]:
    """The object's values, each checked; null values left out (the default)."""
    if not isinstance(raw, dict):
        raise ApiError(400, f"{name} must be an object with any of: {', '.join(checks)}",
                       field=name)
    unknown = sorted(set(raw) - set(checks))
    if unknown:
        raise ApiError(400, f"{name}.{unknown[0]} is not an option of {name}: use any of"
                       f" {', '.join(checks)}", field=f"{name}.{unknown[0]}")
    return {key: checks[key](value, f"{name}.{key}") for key, value in raw.items()
            if value is not None}


def caption_options(raw: object, name: str = "captions") -> CaptionOptions:
    """How the captions look; absent or null leaves everything to the look and the frame."""
    return CaptionOptions() if raw is None else CaptionOptions(**_checked(raw, name,
                                                                          CAPTION_CHECKS))


@dataclass(frozen=True, slots=True)
class SoundRequest:
    """The sound as asked: the options, and the editor asset of an uploaded music bed
    (its blob key is the route's to find: `options.music_key` is None until then)."""

    options: SoundOptions
    music_asset_id: UUID | None = None


def sound_request(raw: object, name: str = "sound") -> SoundRequest:
    if raw is None:
        return SoundRequest(SoundOptions())
    values = _checked(raw, name, SOUND_CHECKS)
    asset: UUID | None = values.pop("music_asset_id", None)
    # An asset named alone means the upload; an upload needs its asset.
    music = values.setdefault("music", "upload" if asset else "none")
    if music == "upload" and asset is None:
        raise ApiError(400, f'{name}.music_asset_id is required with music "upload": the id'
                       " of an audio asset uploaded to the editor", field=f"{name}.music_asset_id")
    if music != "upload" and asset is not None:
        raise ApiError(400, f'{name}.music_asset_id is only for music "upload" (got music'
                       f' "{music}")', field=f"{name}.music_asset_id")
    return SoundRequest(SoundOptions(**values), asset)


# --- the OpenAPI's view of the same (the checks above are what runs) ----------------------
Size = Annotated[float, Meta(ge=CAPTION_SIZE_RANGE[0], le=CAPTION_SIZE_RANGE[1],
                             description="a multiple of the frame's default caption size")]
Color = Annotated[str, Meta(pattern=COLOR_PATTERN, description='"#rrggbb"')]
Outline = Annotated[int, Meta(ge=CAPTION_OUTLINE_RANGE[0], le=CAPTION_OUTLINE_RANGE[1],
                              description="the outline's width in pixels at 720p",
                              extra_json_schema=zero_bound(minimum=CAPTION_OUTLINE_RANGE[0]))]
MaxWords = Annotated[int, Meta(ge=CAPTION_MAX_WORDS_RANGE[0], le=CAPTION_MAX_WORDS_RANGE[1],
                               description="words per line (word_by_word: per screen)")]
Loudness = Annotated[float, Meta(ge=LOUDNESS_LUFS_RANGE[0], le=LOUDNESS_LUFS_RANGE[1],
                                 description="EBU R128 integrated target, LUFS (-14 by"
                                 " default; -16 is the other common one)")]


class CaptionsBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """How the captions look; a field left out follows the style and the frame's aspect
    (large and centred word_by_word for 9:16)."""

    style: CaptionStyleName | None = None
    position: CaptionPosition | None = None
    size: Size | None = None
    color: Color | None = None
    highlight_color: Color | None = None
    outline: Outline | None = None
    max_words: MaxWords | None = None


class SoundBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The finished sound: the loudness the narration is normalised to, and a music bed
    ducked under it (procedural: synthesised chords, labelled so; package: music that
    ships in an installed package, else procedural; upload: your editor audio asset)."""

    loudness_lufs: Loudness | None = None
    music: MusicSource | None = None
    music_asset_id: UUID | None = None
