"""How doc 001's voiceSpec, planSpec and renderSpec become the production's settings.

- `res` names the short side of the frame ("720p"); the aspect turns it into a size
  (720p: 1280x720 wide, 720x1280 vertical, 720x720 square).
- `codec` and `container` pick the encoder; `videoBitrateK` asks for a bitrate instead of
  constant quality, which `qualityLevel` (0..100) sets otherwise; `audioBitrateK`,
  `fps` and `enableSceneCut` go to the encoder as they are.
- The preset form's `quality` (fast | balanced | high) trades encoding speed for quality.
  It travels as the render's `effort`, with `qualityLevel` as its `quality_level`: the
  export service picks the encoder preset and crf that give them (encoder_choice.py).
- `rate`, `pitch` and `pause` shape the narration; the plan's `pacing` speeds it up or
  slows it down on top of the rate.
"""

from __future__ import annotations

from typing import Literal, TypeVar, get_args

from msgspec import UNSET, UnsetType
from videogen_contracts.project.production import EncodeEffort, RenderSettings, VoiceSettings

T = TypeVar("T")

AspectName = Literal["Widescreen16x9", "Vertical9x16", "Square1x1"]
AspectRatio = Literal["16:9", "9:16", "1:1"]
ASPECTS: dict[str, AspectRatio] = {
    "Widescreen16x9": "16:9", "Vertical9x16": "9:16", "Square1x1": "1:1",
}
# `res` by name, or the height of a {width, height}.
ResolutionName = Literal["360p", "480p", "720p", "1080p", "1440p", "2160p"]
ResolutionHeight = Literal[360, 480, 720, 1080, 1440, 2160]
RESOLUTIONS: dict[str, int] = {f"{h}p": h for h in get_args(ResolutionHeight)}
PauseStyle = Literal["Natural", "Short", "Long", "Dramatic"]
# Aura's PauseStyle → silence after each sentence, in milliseconds.
PAUSES: dict[str, int] = {"Natural": 250, "Short": 100, "Long": 600, "Dramatic": 1000}
PACING_RATE = {"Chill": 0.9, "Conversational": 1.0, "Fast": 1.15}


def frame_size(res: str, aspect: str) -> tuple[int, int]:
    short = RESOLUTIONS[res]
    long = _even(short * 16 / 9)
    if aspect == "9:16":
        return short, long
    if aspect == "1:1":
        return short, short
    return long, short


def _even(value: float) -> int:
    return int(round(value / 2) * 2)


def _given(value: T | None) -> T | UnsetType:
    return UNSET if value is None else value


def render_settings(
    *,
    res: str,
    aspect: str,
    fps: int,
    codec: str,
    container: str,
    video_k: int | None,
    audio_k: int | None,
    quality: int | None,
    effort: EncodeEffort | None,
    scene_cut: bool | None,
) -> RenderSettings:
    width, height = frame_size(res, ASPECTS[aspect])
    return RenderSettings(
        width=width, height=height, fps=fps, codec=codec.lower(), container=container,
        aspect=ASPECTS[aspect], video_bitrate_k=_given(video_k), audio_bitrate_k=_given(audio_k),
        scene_cut=_given(scene_cut), effort=_given(effort), quality_level=_given(quality),
    )


def voice_settings(
    rate: float, pitch: float, pause: str | float, name: str | None, pacing: str | None
) -> VoiceSettings:
    pause_ms = PAUSES[pause] if isinstance(pause, str) else int(pause)
    return VoiceSettings(
        rate=round(rate * PACING_RATE.get(pacing or "", 1.0), 4), pitch=pitch,
        pause_ms=pause_ms, voice=name,
    )
