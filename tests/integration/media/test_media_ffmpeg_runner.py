"""The ffmpeg runner against the real binary: progress, failure, cancellation, info."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from videogen_media.ffmpeg import FfmpegFailed, ffmpeg_info, parse_encoders, run_ffmpeg
from videogen_media.ffmpeg_path import ffmpeg_executable


async def test_progress_rises_to_one_and_the_file_is_written(tmp_path: Path) -> None:
    out = tmp_path / "c.mp4"
    seen: list[float] = []
    argv = [
        ffmpeg_executable(), "-y", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d=4",
        "-c:v", "libx264", "-preset", "ultrafast", str(out),
    ]  # fmt: skip
    await run_ffmpeg(argv, total_seconds=4.0, on_progress=seen.append)
    assert out.stat().st_size > 0
    assert seen == sorted(seen)
    assert seen[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in seen)


async def test_async_progress_callbacks_are_awaited(tmp_path: Path) -> None:
    seen: list[float] = []

    async def record(fraction: float) -> None:
        await asyncio.sleep(0)
        seen.append(fraction)

    argv = [ffmpeg_executable(), "-f", "lavfi", "-i", "color=d=1", "-f", "null", "-"]
    await run_ffmpeg(argv, total_seconds=1.0, on_progress=record)
    assert seen[-1] == 1.0


async def test_failure_is_typed_with_the_stderr_tail(tmp_path: Path) -> None:
    argv = [ffmpeg_executable(), "-i", str(tmp_path / "missing.wav"), str(tmp_path / "o.mp4")]
    with pytest.raises(FfmpegFailed) as caught:
        await run_ffmpeg(argv)
    assert caught.value.returncode != 0
    assert "missing.wav" in caught.value.stderr_tail


async def test_cancel_kills_the_process_group_and_waits(tmp_path: Path) -> None:
    started: list[int] = []
    progressed = asyncio.Event()
    argv = [
        ffmpeg_executable(), "-f", "lavfi", "-i", "testsrc2=s=640x360:r=30:d=3600",
        "-c:v", "libx264", "-preset", "ultrafast", "-f", "null", "-",
    ]  # fmt: skip
    task = asyncio.create_task(
        run_ffmpeg(
            argv, total_seconds=3600, on_progress=lambda _f: progressed.set(),
            on_start=started.append,
        )
    )  # fmt: skip
    await asyncio.wait_for(progressed.wait(), timeout=30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    with pytest.raises(ProcessLookupError):
        os.killpg(started[0], 0)  # no process is left in ffmpeg's group


async def test_info_reports_version_source_and_encoders() -> None:
    info = await ffmpeg_info()
    assert info.path == ffmpeg_executable()
    assert info.source in ("Managed", "Configured", "PATH")
    assert info.version
    assert {"libx264", "aac"} <= set(info.encoders)


def test_parse_encoders() -> None:
    listing = "Encoders:\n V..... = Video\n ------\n V....D libx264  H.264\n A....D aac  AAC\n"
    assert parse_encoders(listing) == ("libx264", "aac")
