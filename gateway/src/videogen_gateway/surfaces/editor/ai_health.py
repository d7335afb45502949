"""Every AI provider the editor can use, each with a real check and how long it took.

One entry per provider of each kind: the region editor (ffmpeg, offline), the hosted
video model, the variant scorers (the offline measures, and the vision model), the script
writers (LLM) and the narrators (TTS). An offline provider is checked by doing a little of
its work (ffmpeg answers `-version`, the scorer measures two tiny frames, the offline
writer writes a short script); a hosted one that is configured is asked for its model
list (`validation.check_openai`, against its own URL and key), bounded by a timeout; one
that is not configured is listed unavailable, with no latency. Piper's real check loads
a voice in a child process (seconds), so here it is only found installed (the catalog's
finding), and says so.
All checks run at once.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Literal

import msgspec
import numpy as np
from videogen_gateway.system.ffmpeg_status import FfmpegProber
from videogen_media.scoring import measure_frames
from videogen_providers.catalog import Capability, describe_providers
from videogen_providers.config import ProviderConfig
from videogen_providers.llm.select import describe_llm_providers
from videogen_providers.validation import (
    check_espeak,
    check_offline,
    check_openai,
    check_video_model,
    check_vision,
)
from videogen_providers.video.selection import HOSTED
from videogen_providers.vision.settings import vision_settings

Kind = Literal["region-editor", "video-model", "vision-scorer", "llm", "tts", "renderer"]
Mode = Literal["offline", "hosted"]
CHECK_TIMEOUT = 5.0


class AiProviderHealth(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    kind: Kind
    available: bool
    mode: Mode
    # How long its check took; None when it was not checked (not configured).
    latency_ms: float | None
    # What the check found, in words (never a key).
    detail: str


Check = Callable[[], Awaitable[tuple[bool, str]]]


async def _timed(name: str, kind: Kind, mode: Mode, check: Check | None,
                 unchecked: str = "not configured") -> AiProviderHealth:  # fmt: skip
    if check is None:
        return AiProviderHealth(name=name, kind=kind, available=False, mode=mode,
                                latency_ms=None, detail=unchecked)  # fmt: skip
    started = time.perf_counter()
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            ok, detail = await check()
    except TimeoutError:
        ok, detail = False, f"no answer within {CHECK_TIMEOUT:g}s"
    latency = round((time.perf_counter() - started) * 1000, 1)
    return AiProviderHealth(name=name, kind=kind, available=ok, mode=mode, latency_ms=latency,
                            detail=detail)  # fmt: skip


def _ffmpeg(prober: FfmpegProber) -> Check:
    async def check() -> tuple[bool, str]:
        status = await prober.basic()
        return status.valid, status.error or f"ffmpeg {status.version} ({status.source})"
    return check


async def _measures() -> tuple[bool, str]:
    frame = np.zeros((32, 32, 3), dtype=np.uint8)
    scored = await asyncio.to_thread(
        measure_frames, [frame], [frame], box=_TinyBox(), operation="blur", color=None,
        compare_to="original",
    )
    return True, f"SSIM/PSNR measures answer ({scored.visual_quality} on identical frames)"


class _TinyBox(msgspec.Struct, frozen=True):
    x: int = 8
    y: int = 8
    width: int = 8
    height: int = 8


def _vision(config: ProviderConfig) -> tuple[str, Check | None]:
    chosen = vision_settings()
    return (chosen.label, partial(check_vision, config)) if chosen else ("openai-vision", None)


def _video(config: ProviderConfig) -> tuple[str, Check | None]:
    """The hosted video model (VIDEOGEN_VIDEO_MODEL names it)."""
    if not config.video_model:
        return HOSTED, None
    return f"{HOSTED}:{config.video_model}", partial(check_video_model, config)


def _installed(capability: Capability) -> Check:
    """What the catalog found (a package installed), without loading anything."""
    async def check() -> tuple[bool, str]:
        if capability.available:
            return True, "installed (its voice is loaded by the narration worker, not here)"
        return False, ", ".join(capability.reason_codes)
    return check


async def ai_providers(config: ProviderConfig, prober: FfmpegProber,
                       manim: Check | None = None) -> list[AiProviderHealth]:  # fmt: skip
    """Every AI provider, checked at once (`manim`: doc 003's renderer, asked of the media
    service: surfaces/manim/availability.py)."""
    [llm] = [p for p in describe_llm_providers(config.as_environ()) if not p.offline]
    video_name, video_check = _video(config)
    vision_name, vision_check = _vision(config)
    catalog = {c.name: c for c in describe_providers(config)}
    writer = partial(check_openai, config) if llm.available else None
    found = shutil.which("espeak-ng") or shutil.which("espeak")
    espeak = partial(check_espeak, config) if found else None
    return list(await asyncio.gather(
        _timed("ffmpeg-region-editor", "region-editor", "offline", _ffmpeg(prober)),
        _timed(video_name, "video-model", "hosted", video_check),
        _timed("objective-metrics", "vision-scorer", "offline", _measures),
        _timed(vision_name, "vision-scorer", "hosted", vision_check),
        _timed("offline", "llm", "offline", partial(check_offline, config)),
        _timed(llm.label, "llm", "hosted", writer),
        _timed("piper", "tts", "offline", _installed(catalog["piper"])),
        _timed("espeak", "tts", "offline", espeak, "espeak-ng is not installed"),
        _timed("openai-tts", "tts", "hosted", None, "not built: narration is offline"),
        _timed("manim", "renderer", "offline", manim, "not asked"),
    ))  # fmt: skip
