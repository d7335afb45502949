"""FFmpeg status from the real binary, and from stand-in binaries (old, broken, missing)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from videogen_gateway.system.ffmpeg_status import (
    HARDWARE_ENCODERS,
    FfmpegProber,
    one_frame_encode_args,
    parse_encoders,
    run,
)
from videogen_media.ffmpeg_path import ffmpeg_executable


def _script(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "ffmpeg"
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path


async def test_the_real_binary_reports_its_version_and_only_working_encoders(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("VIDEOGEN_FFMPEG", raising=False)
    status = await FfmpegProber().status()
    real = ffmpeg_executable()
    assert status.installed
    assert status.valid
    assert status.path == real
    assert status.source == "Managed"
    assert status.version_meets_requirement
    assert status.error is None
    banner = (await run([real, "-version"])).out
    assert status.version
    assert status.version in banner.splitlines()[0]

    hw = status.hardware_acceleration
    assert "libx264" in hw.available_encoders
    assert hw.nvenc_supported == any("nvenc" in e for e in hw.available_encoders)
    assert hw.quick_sync_supported == any("qsv" in e for e in hw.available_encoders)
    # Honest: a hardware encoder is listed only if a one-frame encode works, and one that
    # is compiled in but has no device behind it is left out.
    listed = (await run([real, "-hide_banner", "-encoders"])).out
    for encoder in parse_encoders(listed) & set(HARDWARE_ENCODERS):
        works = (await run(one_frame_encode_args(real, encoder))).code == 0
        assert (encoder in hw.available_encoders) == works, encoder


async def test_status_is_cached_until_the_binary_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _script(tmp_path, 'echo "ffmpeg version 5.1.2 Copyright"')
    monkeypatch.setenv("VIDEOGEN_FFMPEG", str(fake))
    prober = FfmpegProber()
    first = await prober.basic()
    assert first.version == "5.1.2"
    assert first.source == "Configured"
    assert await prober.basic() is first
    fake.write_text('#!/bin/sh\necho "ffmpeg version 6.0 Copyright"\n')
    os.utime(fake, ns=(1, 1))  # a new mtime: a replaced binary
    assert (await prober.basic()).version == "6.0"


async def test_an_old_ffmpeg_does_not_meet_the_requirement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIDEOGEN_FFMPEG", str(_script(tmp_path, 'echo "ffmpeg version 3.4.0"')))
    status = await FfmpegProber().status()
    assert status.installed
    assert status.valid
    assert status.version == "3.4.0"
    assert not status.version_meets_requirement
    assert status.minimum_version == "4.0"
    assert status.hardware_acceleration.available_encoders == []


async def test_a_missing_or_broken_ffmpeg_is_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIDEOGEN_FFMPEG", str(tmp_path / "nowhere" / "ffmpeg"))
    missing = await FfmpegProber().status()
    assert not missing.installed
    assert not missing.valid
    assert missing.error
    assert "not found" in missing.error

    monkeypatch.setenv("VIDEOGEN_FFMPEG", str(_script(tmp_path, "exit 3")))
    broken = await FfmpegProber().status()
    assert broken.installed
    assert not broken.valid
    assert broken.error
    assert "exit 3" in broken.error
