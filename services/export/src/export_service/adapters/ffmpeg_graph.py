"""One ffmpeg command, with ONE filter graph, for a whole timeline.

Every scene is a background (a procedural gradient drawn once and held, or a stock clip or
image scaled and cropped to the frame) lasting exactly its narration; the scenes are
concatenated, the captions are burnt in by libass, and the narrations are concatenated
under them. One decode-filter-encode pass: no per-scene files, no re-encodes.

Why scene lengths are computed from cumulative times: a frame is 1/fps long, so rounding
each scene's duration on its own would let the errors add up (three scenes could drift by
a tenth of a second). Rounding the running total instead keeps every scene boundary, and
the end, within half a frame of the narration, which is what the captions are timed to.

The graph is built with ffmpeg-python (compile only, never run by it) and handed to ffmpeg
through a file (`-/filter_complex`), so a timeline of hundreds of scenes does not hit the
kernel's limit on the length of one argument.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ffmpeg
import msgspec
from videogen_contracts.media.events import ChosenVisual, ProceduralSpec
from videogen_contracts.project.production import RenderSettings

AUDIO_RATE = 48_000
AUDIO_BITRATE = "192k"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp")
GRADIENT_TYPES = {
    "gradient": "linear", "linear": "linear", "radial": "radial", "circular": "circular",
    "spiral": "spiral", "square": "square",
}
FALLBACK_PALETTE = ("#1d2b3a", "#3f5d7a", "#0b1118")
VIDEO_CODECS = {"h264": "libx264", "hevc": "libx265", "vp9": "libvpx-vp9"}
AUDIO_CODECS = {"mp4": "aac", "webm": "libopus"}
# libvpx has no x264-style presets: the same names map to its speed knobs.
VP9_SPEED = {
    "ultrafast": ("realtime", 8), "superfast": ("realtime", 8), "veryfast": ("realtime", 8),
    "faster": ("good", 5), "fast": ("good", 4), "medium": ("good", 3), "slow": ("good", 2),
    "slower": ("good", 1), "veryslow": ("good", 0),
}
GLOBAL_OPTIONS = (
    "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-nostats", "-progress", "pipe:1",
)


@dataclass(frozen=True, slots=True)
class Scene:
    narration: Path
    frames: int
    visual: ChosenVisual
    # The local file of a stock clip or image (None for procedural backgrounds).
    stock: Path | None = None


@dataclass(frozen=True, slots=True)
class Command:
    args: list[str]
    # The filter graph, to be written where `args` expects it (see module doc).
    graph: str
    graph_path: Path
    duration_s: float


def scene_frames(durations: Sequence[float], fps: int) -> list[int]:
    """Frames per scene, rounded on the running total (at least one frame each)."""
    frames, elapsed, edge = [], 0.0, 0
    for duration in durations:
        elapsed += duration
        next_edge = max(edge + 1, round(elapsed * fps))
        frames.append(next_edge - edge)
        edge = next_edge
    return frames


def build_command(
    scenes: Sequence[Scene],
    settings: RenderSettings,
    output: Path,
    *,
    ffmpeg_exe: str,
    graph_path: Path,
    ass: Path | None = None,
    fonts_dir: Path | None = None,
) -> Command:
    w, h, fps = settings.width, settings.height, settings.fps
    videos = [_background(scene, w, h, fps) for scene in scenes]
    audios = [
        ffmpeg.input(str(scene.narration)).audio.filter(
            "aformat", sample_fmts="fltp", sample_rates=AUDIO_RATE, channel_layouts="stereo"
        )
        for scene in scenes
    ]
    video = ffmpeg.concat(*videos, v=1, a=0) if len(videos) > 1 else videos[0]
    if ass is not None:
        options: dict[str, str] = {"filename": str(ass)}
        if fonts_dir is not None:
            options["fontsdir"] = str(fonts_dir)
        video = video.filter("ass", **options)
    video = video.filter("format", "yuv420p")
    audio = ffmpeg.concat(*audios, v=0, a=1) if len(audios) > 1 else audios[0]
    out = ffmpeg.output(video, audio, str(output), **_encoder_options(settings))
    # Global options first: ffmpeg ignores (and warns about) options after the last output.
    args = [ffmpeg_exe, *GLOBAL_OPTIONS, *ffmpeg.compile(out, cmd=ffmpeg_exe)[1:]]
    at = args.index("-filter_complex")
    graph = args[at + 1]
    args[at: at + 2] = ["-/filter_complex", str(graph_path)]
    total = sum(s.frames for s in scenes) / fps
    return Command(args=args, graph=graph, graph_path=graph_path, duration_s=total)


def _encoder_options(settings: RenderSettings) -> dict[str, Any]:
    audio_k = settings.audio_bitrate_k
    options: dict[str, Any] = {
        "vcodec": VIDEO_CODECS[settings.codec],
        "r": settings.fps,
        "pix_fmt": "yuv420p",
        "acodec": AUDIO_CODECS[settings.container],
        "b:a": AUDIO_BITRATE if audio_k is msgspec.UNSET else f"{audio_k}k",
        "ar": AUDIO_RATE,
        "f": settings.container,
        **_rate_control(settings),
        **_codec_options(settings),
    }
    if settings.container == "mp4":
        # The moov atom up front: players (and the doc's download) can start at once.
        options["movflags"] = "+faststart"
    return options


def _rate_control(settings: RenderSettings) -> dict[str, Any]:
    """Constant quality (`crf`), or a target bitrate with a bounded peak when one is set."""
    video_k = settings.video_bitrate_k
    if video_k is msgspec.UNSET:
        # libvpx reads crf as constant quality only with a zero bitrate.
        return {"crf": settings.crf, **({"b:v": 0} if settings.codec == "vp9" else {})}
    return {"b:v": f"{video_k}k", "maxrate": f"{video_k * 3 // 2}k", "bufsize": f"{video_k * 2}k"}


def _codec_options(settings: RenderSettings) -> dict[str, Any]:
    no_scene_cut = settings.scene_cut is False
    if settings.codec == "vp9":
        deadline, cpu_used = VP9_SPEED.get(settings.preset, ("realtime", 8))
        return {"deadline": deadline, "cpu-used": cpu_used, "row-mt": 1}
    if settings.codec == "hevc":
        params = "log-level=error" + (":scenecut=0" if no_scene_cut else "")
        # hvc1: the tag Apple's players want for HEVC in mp4.
        return {"preset": settings.preset, "x265-params": params, "tag:v": "hvc1"}
    return {"preset": settings.preset, **({"sc_threshold": 0} if no_scene_cut else {})}


def _background(scene: Scene, w: int, h: int, fps: int) -> Any:
    if scene.stock is not None and scene.stock.suffix.lower() not in IMAGE_SUFFIXES:
        clip = ffmpeg.input(str(scene.stock), stream_loop=-1).video
        return (
            _fill(clip, w, h)
            .filter("fps", fps)
            .trim(end_frame=scene.frames)
            .setpts("PTS-STARTPTS")
        )
    if scene.stock is not None:
        still = _fill(ffmpeg.input(str(scene.stock)).video.trim(end_frame=1), w, h)
    else:
        spec = scene.visual.spec or ProceduralSpec(style="gradient", palette=[])
        still = ffmpeg.input(gradient_source(spec, w, h, fps), f="lavfi").video.trim(end_frame=1)
    # One frame drawn, converted to the encoder's pixel format ONCE, then held: a still
    # background then costs (almost) nothing beyond the first frame of each scene. Held as
    # RGBA and converted per frame instead, the render took ~1.8x as long as a plain encode.
    held = still.filter("format", "yuv420p").filter("loop", loop=scene.frames - 1, size=1)
    return held.setpts(f"N/{fps}/TB")


def _fill(stream: Any, w: int, h: int) -> Any:
    """Scale to cover the frame, then crop the middle (no black bars, no distortion)."""
    return (
        stream.filter("scale", w, h, force_original_aspect_ratio="increase")
        .filter("crop", w, h)
        .filter("setsar", 1)
    )


def gradient_source(spec: ProceduralSpec, w: int, h: int, fps: int) -> str:
    """The lavfi source drawing a procedural background from its palette and seed."""
    colors = [c for c in spec.palette if _is_hex(c)][:8] or list(FALLBACK_PALETTE)
    if len(colors) == 1:
        colors.append(colors[0])
    kind = GRADIENT_TYPES.get(spec.style, "linear")
    stops = ":".join(f"c{i}=0x{c.removeprefix('#')}" for i, c in enumerate(colors))
    seed = spec.seed % 2**32
    return f"gradients=s={w}x{h}:r={fps}:n={len(colors)}:{stops}:speed=0:seed={seed}:type={kind}"


def _is_hex(color: str) -> bool:
    digits = color.removeprefix("#")
    return len(digits) == 6 and all(c in "0123456789abcdefABCDEF" for c in digits)
