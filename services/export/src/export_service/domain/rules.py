"""Input rules for a render request, each naming the field it is about.

They are checked when the request is decided, so a bad timeline is refused at the door
(`invalid`, naming the clip) instead of failing minutes later inside ffmpeg.
"""

from __future__ import annotations

import math
import re

import msgspec
from videogen_contracts.errors import Invalid
from videogen_contracts.export.commands import RenderTimeline
from videogen_contracts.export.events import TimelineClip
from videogen_contracts.project.limits import (
    AUDIO_BITRATE_K,
    QUALITY_LEVEL_RANGE,
    VIDEO_BITRATE_K,
    codec_misfit,
)
from videogen_contracts.project.production import RenderSettings

MAX_CLIPS = 2_000
MAX_TOTAL_SECONDS = 4 * 3600.0
MAX_SIDE = 4096
SUPPORTED_CODECS = ("h264", "hevc", "vp9")
SUPPORTED_CONTAINERS = ("mp4", "webm")
X264_PRESETS = (
    "ultrafast", "superfast", "veryfast", "faster", "fast",
    "medium", "slow", "slower", "veryslow",
)

# Blob keys are relative paths of plain segments: no "..", no absolute paths, no empty
# segments, so no key can name a file outside the blob store's root.
_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*(/[A-Za-z0-9_][A-Za-z0-9_.\-]*)*$")


def valid_key(key: str) -> bool:
    return bool(_KEY.match(key)) and ".." not in key.split("/") and len(key) <= 512


def check_key(field: str, key: str) -> None:
    if not valid_key(key):
        raise Invalid(field, f"{field} is not a valid blob key: {key!r}")


def check_request(command: RenderTimeline) -> None:
    check_clips(command.clips)
    check_settings(command.settings)
    check_key("output_key", command.output_key)
    if command.subtitle_key is not None:
        check_key("subtitle_key", command.subtitle_key)
    if command.captions.ass_key is not None:
        check_key("captions.ass_key", command.captions.ass_key)
    if command.captions.srt_key is not None:
        check_key("captions.srt_key", command.captions.srt_key)
    check_picture(command)


def check_picture(command: RenderTimeline) -> None:
    """Segments cover the clips once, in order; the sound's target is a sane loudness."""
    expected = 0
    for index, segment in enumerate(command.segments):
        check_key(f"segments[{index}].key", segment.key)
        if segment.first != expected or segment.count < 1 or segment.frames < segment.count:
            raise Invalid(f"segments[{index}]", "segments cover the clips in order, once each")
        expected += segment.count
    if command.segments and expected != len(command.clips):
        raise Invalid("segments", f"segments cover {expected} of {len(command.clips)} clips")
    if command.media_report_key is not None:
        check_key("media_report_key", command.media_report_key)
    sound = command.sound
    if not -30.0 <= sound.loudness_lufs <= -5.0:
        raise Invalid("sound.loudness_lufs", "the loudness target is -30 to -5 LUFS")
    if sound.music == "upload":
        if not sound.music_key:
            raise Invalid("sound.music_key", "music 'upload' needs the audio's blob key")
        check_key("sound.music_key", sound.music_key)


def check_clips(clips: list[TimelineClip]) -> None:
    if not clips:
        raise Invalid("clips", "a timeline needs at least one clip")
    if len(clips) > MAX_CLIPS:
        raise Invalid("clips", f"a timeline has at most {MAX_CLIPS} clips, got {len(clips)}")
    if len({c.clip_id for c in clips}) != len(clips):
        raise Invalid("clips", "clip ids must be unique")
    for index, clip in enumerate(clips):
        check_clip(f"clips[{index}]", clip)
    total = sum(c.duration_s for c in clips)
    if total > MAX_TOTAL_SECONDS:
        raise Invalid("clips", f"a timeline lasts at most {MAX_TOTAL_SECONDS:.0f} s, got {total}")


def check_clip(where: str, clip: TimelineClip) -> None:
    if not (math.isfinite(clip.duration_s) and clip.duration_s > 0):
        raise Invalid(f"{where}.duration_s", f"a clip must last a positive time: {clip.duration_s}")
    check_key(f"{where}.narration_key", clip.narration_key)
    pause = clip.pause_s
    if not isinstance(pause, msgspec.UnsetType) and not (math.isfinite(pause) and 0 <= pause <= 10):
        raise Invalid(f"{where}.pause_s", f"a pause lasts 0 to 10 s: {pause}")
    visual = clip.visual
    if visual.kind in ("stock", "designed"):
        if visual.key is None:
            what = "its clip" if visual.kind == "stock" else "its still"
            raise Invalid(f"{where}.visual.key", f"a {visual.kind} visual needs the key of {what}")
        check_key(f"{where}.visual.key", visual.key)
    elif visual.spec is None:
        raise Invalid(f"{where}.visual.spec", "a procedural visual needs its spec")


def check_settings(settings: RenderSettings) -> None:
    for name in ("width", "height"):
        side = getattr(settings, name)
        if not (0 < side <= MAX_SIDE and side % 2 == 0):
            raise Invalid(f"settings.{name}", f"{name} must be even, in 2..{MAX_SIDE}: {side}")
    if not 1 <= settings.fps <= 120:
        raise Invalid("settings.fps", f"fps must be in 1..120: {settings.fps}")
    if not 0 <= settings.crf <= 51:
        raise Invalid("settings.crf", f"crf must be in 0..51: {settings.crf}")
    if settings.preset not in X264_PRESETS:
        raise Invalid("settings.preset", f"unknown preset {settings.preset!r}")
    if settings.codec not in SUPPORTED_CODECS:
        raise Invalid("settings.codec", f"supported codecs: {', '.join(SUPPORTED_CODECS)}")
    if settings.container not in SUPPORTED_CONTAINERS:
        raise Invalid(
            "settings.container", f"supported containers: {', '.join(SUPPORTED_CONTAINERS)}"
        )
    misfit = codec_misfit(settings.container, settings.codec)
    if misfit:
        raise Invalid("settings.codec", misfit)
    for name, (low, high) in (
        ("video_bitrate_k", VIDEO_BITRATE_K),
        ("audio_bitrate_k", AUDIO_BITRATE_K),
        ("quality_level", QUALITY_LEVEL_RANGE),
    ):
        value = getattr(settings, name)
        if value is not msgspec.UNSET and not low <= value <= high:
            raise Invalid(f"settings.{name}", f"{name} must be in {low}..{high}: {value}")
