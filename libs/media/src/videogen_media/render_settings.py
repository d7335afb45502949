"""Output settings of a render: frame (aspect, resolution, fps), codec, container, quality."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Aspect = Literal["16:9", "9:16", "1:1"]
Codec = Literal["h264", "hevc", "vp9"]
Container = Literal["mp4", "webm"]

AUDIO_RATE = 48_000
VIDEO_ENCODERS: dict[Codec, str] = {"h264": "libx264", "hevc": "libx265", "vp9": "libvpx-vp9"}
AUDIO_ENCODERS: dict[Container, str] = {"mp4": "aac", "webm": "libopus"}
X264_PRESETS = frozenset(
    "ultrafast superfast veryfast faster fast medium slow slower veryslow".split()  # noqa: SIM905
)
# libvpx has no x264-style presets: the same names map to its (deadline, cpu-used) knobs.
VP9_SPEED = {
    "ultrafast": ("realtime", 8), "superfast": ("realtime", 8), "veryfast": ("realtime", 8),
    "faster": ("good", 5), "fast": ("good", 4), "medium": ("good", 3), "slow": ("good", 2),
    "slower": ("good", 1), "veryslow": ("good", 0),
}  # fmt: skip


class InvalidRenderSettings(ValueError):
    """A combination ffmpeg cannot produce (say HEVC in webm), named in the message."""


@dataclass(frozen=True, slots=True)
class RenderSettings:
    aspect: Aspect = "16:9"
    resolution: int = 720  # the short side: 720 → 1280x720, 720x1280 or 720x720
    fps: int = 30
    crf: int = 23
    preset: str = "veryfast"
    codec: Codec = "h264"
    container: Container = "mp4"
    audio_bitrate_k: int = 128

    def __post_init__(self) -> None:
        if self.container == "webm" and self.codec != "vp9":
            raise InvalidRenderSettings(f"container webm needs codec vp9, not {self.codec}")
        if self.preset not in X264_PRESETS:
            raise InvalidRenderSettings(f"unknown preset {self.preset!r}")
        if not 144 <= self.resolution <= 2160 or self.resolution % 2:
            raise InvalidRenderSettings("resolution must be even, between 144 and 2160")
        if not 1 <= self.fps <= 60:
            raise InvalidRenderSettings("fps must be between 1 and 60")
        if not 0 <= self.crf <= 51:
            raise InvalidRenderSettings("crf must be between 0 and 51")

    @property
    def size(self) -> tuple[int, int]:
        short = self.resolution
        long = short * 16 // 9 // 2 * 2
        return {"16:9": (long, short), "9:16": (short, long), "1:1": (short, short)}[self.aspect]

    def encoder_options(self) -> dict[str, Any]:
        """ffmpeg output options (ffmpeg-python keyword form)."""
        options: dict[str, Any] = {
            "vcodec": VIDEO_ENCODERS[self.codec],
            "r": self.fps,
            "pix_fmt": "yuv420p",
            "crf": self.crf,
            "acodec": AUDIO_ENCODERS[self.container],
            "b:a": f"{self.audio_bitrate_k}k",
            "ar": AUDIO_RATE,
            "f": self.container,
        }
        if self.codec == "vp9":
            deadline, cpu_used = VP9_SPEED[self.preset]
            # libvpx reads crf as constant quality only with a zero bitrate.
            options.update({"b:v": 0, "deadline": deadline, "cpu-used": cpu_used, "row-mt": 1})
        elif self.codec == "hevc":
            # hvc1: the tag Apple's players want for HEVC in mp4.
            options.update(
                {"preset": self.preset, "x265-params": "log-level=error", "tag:v": "hvc1"}
            )
        else:
            options["preset"] = self.preset
        if self.container == "mp4":
            # The moov atom up front: a player (or a Range download) can start at once.
            options["movflags"] = "+faststart"
        return options
