"""How doc 001's voiceSpec, planSpec and renderSpec become the production's settings.

- `res` names the short side of the frame ("720p"); the aspect turns it into a size
  (720p: 1280x720 wide, 720x1280 vertical, 720x720 square).
- `codec` and `container` pick the encoder; `videoBitrateK` asks for a bitrate instead of
  constant quality, which `qualityLevel` (0..100) sets otherwise; `audioBitrateK`,
  `fps` and `enableSceneCut` go to the encoder as they are.
- The preset form's `quality` (fast | balanced | high) trades encoding speed for quality.
- `rate`, `pitch` and `pause` shape the narration; the plan's `pacing` speeds it up or
  slows it down on top of the rate.
"""

from __future__ import annotations

from typing import Any, Literal

from msgspec import UNSET
from videogen_contracts.project.production import RenderSettings, VoiceSettings

AspectRatio = Literal["16:9", "9:16", "1:1"]
ASPECTS: dict[str, AspectRatio] = {
    "Widescreen16x9": "16:9", "Vertical9x16": "9:16", "Square1x1": "1:1",
}
RESOLUTIONS: dict[str, int] = {
    "360p": 360, "480p": 480, "720p": 720, "1080p": 1080, "1440p": 1440, "2160p": 2160,
}
CODECS = ("H264", "HEVC", "VP9")
CONTAINERS = ("mp4", "webm")
FPS = (24, 25, 30, 50, 60)
# Aura's PauseStyle → silence after each sentence, in milliseconds.
PAUSES: dict[str, int] = {"Natural": 250, "Short": 100, "Long": 600, "Dramatic": 1000}
PACING_RATE = {"Chill": 0.9, "Conversational": 1.0, "Fast": 1.15}
# The preset form's quality: (x264/x265 preset, crf).
SPEEDS = {"fast": ("ultrafast", 28), "balanced": ("veryfast", 23), "high": ("medium", 20)}


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


def crf_for(quality_level: int) -> int:
    """qualityLevel 0..100 → crf 40..18 (75, Aura's default, is about x264's own 23)."""
    return round(40 - 0.22 * quality_level)


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
    speed: Any,
    scene_cut: bool | None,
) -> RenderSettings:
    width, height = frame_size(res, ASPECTS[aspect])
    preset, crf = SPEEDS.get(speed if isinstance(speed, str) else "", SPEEDS["balanced"])
    if quality is not None:
        crf = crf_for(quality)
    return RenderSettings(
        width=width, height=height, fps=fps, codec=codec.lower(), container=container,
        crf=crf, preset=preset, aspect=ASPECTS[aspect],
        video_bitrate_k=UNSET if video_k is None else video_k,
        audio_bitrate_k=UNSET if audio_k is None else audio_k,
        scene_cut=UNSET if scene_cut is None else scene_cut,
    )


def voice_settings(
    rate: float, pitch: float, pause: str | float, name: str | None, pacing: str | None
) -> VoiceSettings:
    pause_ms = PAUSES[pause] if isinstance(pause, str) else int(pause)
    return VoiceSettings(
        rate=round(rate * PACING_RATE.get(pacing or "", 1.0), 4), pitch=pitch,
        pause_ms=pause_ms, voice=name,
    )
