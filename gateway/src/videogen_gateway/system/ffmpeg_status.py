"""FFmpeg status read from the real binary: version, encoders, and which GPUs answer.

An encoder compiled into ffmpeg (the imageio-ffmpeg build has nvenc, amf and qsv) is not
"supported" unless the hardware behind it answers, so each hardware encoder present is
tried with a one-frame test encode; only those that succeed count. The probes take about
a second together, so the result is cached per binary (path, size, mtime) for
`HARDWARE_TTL` seconds, and concurrent requests share one probe.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeGuard, TypeVar

import msgspec
from videogen_media.ffmpeg_path import FfmpegLocation, locate_ffmpeg

MINIMUM_VERSION = "4.0"
RUN_TIMEOUT = 10.0
VERSION_TTL = 60.0
HARDWARE_TTL = 600.0

# The hardware encoder families Aura reports, by flag.
FAMILIES = {
    "nvenc_supported": ("h264_nvenc", "hevc_nvenc", "av1_nvenc"),
    "amf_supported": ("h264_amf", "hevc_amf", "av1_amf"),
    "quick_sync_supported": ("h264_qsv", "hevc_qsv", "av1_qsv"),
    "video_toolbox_supported": ("h264_videotoolbox", "hevc_videotoolbox"),
}
HARDWARE_ENCODERS = tuple(e for family in FAMILIES.values() for e in family)
# Listed after the hardware ones that answered (CPU encoding always works when present).
SOFTWARE_ENCODERS = ("libx264", "libx265", "libvpx-vp9", "libsvtav1", "libaom-av1")

C = TypeVar("C", bound=tuple[float, object, object])
_VERSION = re.compile(r"ffmpeg version \S*?(\d+)\.(\d+)(?:\.(\d+))?")
_ENCODER_LINE = re.compile(r"^\s*V[.A-Z]{5}\s+(\S+)", re.MULTILINE)


class HardwareAcceleration(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    nvenc_supported: bool = False
    amf_supported: bool = False
    quick_sync_supported: bool = False
    video_toolbox_supported: bool = False
    available_encoders: list[str] = msgspec.field(default_factory=list)


class FfmpegStatus(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    installed: bool
    valid: bool
    version: str | None
    path: str | None
    source: str
    error: str | None
    version_meets_requirement: bool
    minimum_version: str = MINIMUM_VERSION
    hardware_acceleration: HardwareAcceleration = msgspec.field(
        default_factory=HardwareAcceleration
    )


@dataclass(frozen=True, slots=True)
class Ran:
    code: int | None  # None: it did not finish within the timeout
    out: str


async def run(args: Sequence[str]) -> Ran:
    """Run a short ffmpeg command; a hung one is killed at `RUN_TIMEOUT`."""
    proc = await asyncio.create_subprocess_exec(
        *args, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), RUN_TIMEOUT)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return Ran(None, "")
    return Ran(proc.returncode, out.decode(errors="replace"))


def parse_version(text: str) -> tuple[str | None, bool]:
    """("9.0.2", meets 4.0?) from `ffmpeg -version`; (first token, False) if unparseable."""
    match = _VERSION.search(text)
    if match is None:
        words = text.split()
        return (words[2] if len(words) > 2 and words[0] == "ffmpeg" else None), False
    parts = [int(p) for p in match.groups() if p is not None]
    minimum = [int(p) for p in MINIMUM_VERSION.split(".")]
    return ".".join(str(p) for p in parts), parts >= minimum


def parse_encoders(text: str) -> set[str]:
    """The video encoder names of `ffmpeg -encoders`."""
    return set(_ENCODER_LINE.findall(text.split("------", 1)[-1]))


def one_frame_encode_args(ffmpeg: str, encoder: str) -> list[str]:
    """One black frame through `encoder` to nowhere: exit 0 only if the device answers."""
    return [
        ffmpeg, "-hide_banner", "-loglevel", "error", "-f", "lavfi",
        "-i", "color=c=black:s=256x144:r=1", "-frames:v", "1", "-c:v", encoder, "-f", "null", "-",
    ]


def _identity(path: str) -> tuple[str, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return path, st.st_size, st.st_mtime_ns


def _fresh(cached: C | None, identity: object, ttl: float) -> TypeGuard[C]:
    """A cache entry (when, binary identity, value) for this binary, younger than `ttl`."""
    return cached is not None and cached[1] == identity and time.monotonic() - cached[0] < ttl


class FfmpegProber:
    """Cached status of the ffmpeg that `locate_ffmpeg` names (see the module doc)."""

    def __init__(self) -> None:
        self._slots = asyncio.Semaphore(2)  # at most two test encodes at once
        # One lock per cache, so readiness never waits behind a hardware probe.
        self._basic_lock = asyncio.Lock()
        self._hardware_lock = asyncio.Lock()
        self._basic: tuple[float, tuple[str, int, int] | None, FfmpegStatus] | None = None
        self._hardware: tuple[float, tuple[str, int, int], HardwareAcceleration] | None = None

    async def basic(self) -> FfmpegStatus:
        """Found, runs, version (no hardware probes): cheap enough for readiness."""
        location = locate_ffmpeg()
        identity = _identity(location.path) if location.path else None
        async with self._basic_lock:
            cached = self._basic
            if not _fresh(cached, identity, VERSION_TTL):
                status = await self._read_basic(location)
                cached = self._basic = (time.monotonic(), identity, status)
            return cached[2]

    async def status(self) -> FfmpegStatus:
        """`basic`, plus the hardware encoders that answered a test encode."""
        basic = await self.basic()
        path = basic.path if basic.valid else None
        identity = _identity(path) if path is not None else None
        if path is None or identity is None:
            return basic
        async with self._hardware_lock:
            cached = self._hardware
            if not _fresh(cached, identity, HARDWARE_TTL):
                hardware = await self._probe_hardware(path)
                cached = self._hardware = (time.monotonic(), identity, hardware)
        return msgspec.structs.replace(basic, hardware_acceleration=cached[2])

    async def _read_basic(self, location: FfmpegLocation) -> FfmpegStatus:
        if location.path is None:
            return _failed("FFmpeg not found: set VIDEOGEN_FFMPEG or install imageio-ffmpeg.")
        if _identity(location.path) is None:
            return _failed(f"FFmpeg not found at {location.path}", location)
        try:
            ran = await run([location.path, "-hide_banner", "-version"])
        except OSError as error:  # not executable, wrong architecture...
            return _failed(f"FFmpeg at {location.path} does not run: {error}", location, True)
        if ran.code != 0:
            return _failed(f"`ffmpeg -version` failed (exit {ran.code})", location, True)
        version, meets = parse_version(ran.out)
        return FfmpegStatus(
            installed=True, valid=True, version=version, path=location.path,
            source=location.source, version_meets_requirement=meets, error=None,
        )

    async def _probe_hardware(self, ffmpeg: str) -> HardwareAcceleration:
        listed = await run([ffmpeg, "-hide_banner", "-encoders"])
        compiled = parse_encoders(listed.out) if listed.code == 0 else set()
        candidates = [e for e in HARDWARE_ENCODERS if e in compiled]
        answers = await asyncio.gather(*(self._answers(ffmpeg, e) for e in candidates))
        working = {e for e, ok in zip(candidates, answers, strict=True) if ok}
        software = [e for e in SOFTWARE_ENCODERS if e in compiled]
        return HardwareAcceleration(
            **{flag: bool(working & set(family)) for flag, family in FAMILIES.items()},
            available_encoders=[e for e in HARDWARE_ENCODERS if e in working] + software,
        )

    async def _answers(self, ffmpeg: str, encoder: str) -> bool:
        async with self._slots:
            return (await run(one_frame_encode_args(ffmpeg, encoder))).code == 0


def _failed(
    error: str, location: FfmpegLocation | None = None, installed: bool = False
) -> FfmpegStatus:
    """Missing (not installed), or found but not running."""
    return FfmpegStatus(
        installed=installed, valid=False, version=None, error=error,
        path=location.path if location else None, source=location.source if location else "None",
        version_meets_requirement=False,
    )
