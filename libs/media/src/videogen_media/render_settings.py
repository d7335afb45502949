"""Output settings of a render: frame (aspect, resolution, fps), codec, container, quality.

Quality is constant (`crf`) unless a target video bitrate is set; `scene_cut=False` asks
x264/x265 for no extra keyframes at scene cuts (a fixed GOP). `frame` sets an exact size
where the caller has one (Aura's 854x480), instead of one computed from the aspect.
"""

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
    video_bitrate_k: int | None = None  # a target bitrate instead of constant quality
    scene_cut: bool = True
    frame: tuple[int, int] | None = None  # (width, height), overriding aspect/resolution

    def __post_init__(self) -> None:
        if self.container == "webm" and self.codec != "vp9":
            raise InvalidRenderSettings(f"container webm needs codec vp9, not {self.codec}")
        if self.preset not in X264_PRESETS:
            raise InvalidRenderSettings(f"unknown preset {self.preset!r}")
        if not 144 <= self.resolution <= 2160 or self.resolution % 2:
            raise InvalidRenderSettings("resolution must be even, between 144 and 2160")
        if self.frame is not None and not all(0 < s <= 4096 and s % 2 == 0 for s in self.frame):
            raise InvalidRenderSettings("frame sides must be even, between 2 and 4096")
        if not 1 <= self.fps <= 120:
            raise InvalidRenderSettings("fps must be between 1 and 120")
        if not 0 <= self.crf <= 51:
            raise InvalidRenderSettings("crf must be between 0 and 51")

    @property
    def size(self) -> tuple[int, int]:
        if self.frame is not None:
            return self.frame
        short = self.resolution
        long = short * 16 // 9 // 2 * 2
        return {"16:9": (long, short), "9:16": (short, long), "1:1": (short, short)}[self.aspect]

    def encoder_options(self) -> dict[str, Any]:
        """ffmpeg output options (ffmpeg-python keyword form)."""
        options: dict[str, Any] = {
            "vcodec": VIDEO_ENCODERS[self.codec], "r": self.fps, "pix_fmt": "yuv420p",
            "acodec": AUDIO_ENCODERS[self.container], "b:a": f"{self.audio_bitrate_k}k",
            "ar": AUDIO_RATE, "f": self.container, **self._rate_control(),
        }
        if self.codec == "vp9":
            deadline, cpu_used = VP9_SPEED[self.preset]
            options.update({"deadline": deadline, "cpu-used": cpu_used, "row-mt": 1})
        elif self.codec == "hevc":
            params = "log-level=error" + ("" if self.scene_cut else ":scenecut=0")
            # hvc1: the tag Apple's players want for HEVC in mp4.
            options.update({"preset": self.preset, "x265-params": params, "tag:v": "hvc1"})
        else:
            options["preset"] = self.preset
            if not self.scene_cut:
                options["sc_threshold"] = 0
        if self.container == "mp4":
            # The moov atom up front: a player (or a Range download) can start at once.
            options["movflags"] = "+faststart"
        return options

    def _rate_control(self) -> dict[str, Any]:
        """Constant quality, or a target bitrate with a bounded peak (1.5x, 2 s buffer)."""
        k = self.video_bitrate_k
        if k is None:
            # libvpx reads crf as constant quality only with a zero bitrate.
            return {"crf": self.crf, **({"b:v": 0} if self.codec == "vp9" else {})}
        return {"b:v": f"{k}k", "maxrate": f"{k * 3 // 2}k", "bufsize": f"{k * 2}k"}
