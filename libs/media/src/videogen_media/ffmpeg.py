"""Run ffmpeg asynchronously (progress, typed failure, cancellation) and describe it.

Which binary is used is decided in one place, `videogen_media.ffmpeg_path`.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import inspect
import os
import re
import signal
import sys
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from videogen_media.ffmpeg_path import FfmpegSource, ffmpeg_executable, locate_ffmpeg

ProgressCallback = Callable[[float], Awaitable[None] | None]
PR_SET_PDEATHSIG = 1


class FfmpegFailed(RuntimeError):
    """ffmpeg exited non-zero; carries the exit code and the tail of its stderr."""

    def __init__(self, returncode: int, stderr_tail: str) -> None:
        super().__init__(f"ffmpeg exited with code {returncode}: {stderr_tail}")
        self.returncode = returncode
        self.stderr_tail = stderr_tail


@dataclass(frozen=True, slots=True)
class FfmpegInfo:
    path: str
    source: FfmpegSource
    version: str
    encoders: tuple[str, ...]


_ENCODER_LINE = re.compile(r"^\s*[VAS][F.][S.][X.][B.][D.]\s+(\S+)")


def parse_encoders(listing: str) -> tuple[str, ...]:
    """Encoder names from `ffmpeg -encoders` output (lines like ` V....D libx264  ...`)."""
    matches = (_ENCODER_LINE.match(line) for line in listing.splitlines())
    return tuple(m.group(1) for m in matches if m and m.group(1) != "=")


async def _capture(argv: Sequence[str]) -> str:
    proc = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
    )
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise FfmpegFailed(proc.returncode or -1, out.decode(errors="replace")[-2000:])
    return out.decode(errors="replace")


async def ffmpeg_info() -> FfmpegInfo:
    """Version, path, source and encoders of the ffmpeg in use (for the status endpoint)."""
    path, source = ffmpeg_executable(), locate_ffmpeg().source
    version_text = await _capture([path, "-hide_banner", "-version"])
    first = version_text.splitlines()[0] if version_text else ""
    match = re.match(r"ffmpeg version (\S+)", first)
    encoders = parse_encoders(await _capture([path, "-hide_banner", "-encoders"]))
    return FfmpegInfo(path, source, match.group(1) if match else first, encoders)


def _with_progress_flags(argv: Sequence[str]) -> list[str]:
    # Global options go right after the program name: ffmpeg treats options placed after
    # the last output as trailing and may ignore them.
    return [argv[0], "-nostdin", "-nostats", "-progress", "pipe:1", *argv[1:]]


def progress_fraction(line: str, total_seconds: float) -> float | None:
    """The fraction done from one `-progress` line (`out_time_us=...`), if it says."""
    key, _, value = line.strip().partition("=")
    if key == "progress" and value == "end":
        return 1.0
    # Both keys are in microseconds (`out_time_ms` is misnamed in ffmpeg).
    if key not in ("out_time_us", "out_time_ms") or not value.lstrip("-").isdigit():
        return None
    if total_seconds <= 0:
        return None
    return min(1.0, max(0.0, int(value) / 1e6 / total_seconds))


async def _read_progress(
    stream: asyncio.StreamReader, total_seconds: float | None, on_progress: ProgressCallback | None
) -> None:
    last = -1.0
    async for raw in stream:
        if on_progress is None or not total_seconds:
            continue
        fraction = progress_fraction(raw.decode(errors="replace"), total_seconds)
        # Progress never goes backwards, even if ffmpeg reports a smaller time
        # (it does around stream switches and with N/A values).
        if fraction is not None and fraction > last:
            last = fraction
            result = on_progress(fraction)
            if inspect.isawaitable(result):
                await result


async def _read_tail(stream: asyncio.StreamReader, tail: deque[str]) -> None:
    async for raw in stream:
        tail.append(raw.decode(errors="replace").rstrip())


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, before exec
    # If our process is killed -9, the kernel kills ffmpeg too: no orphan encode keeps
    # eating the CPU that the job's next attempt needs.
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


async def run_ffmpeg(
    argv: Sequence[str], *, total_seconds: float | None = None,
    on_progress: ProgressCallback | None = None, on_start: Callable[[int], None] | None = None,
    stderr_lines: int = 30,
) -> None:
    """Run an ffmpeg argv (argv[0] is the binary) to completion.

    Progress is reported as a fraction of `total_seconds`. The process runs in its own
    session (process group), so cancelling the awaiting task kills ffmpeg and anything it
    spawned, and waits for it: no orphan keeps writing after a job is cancelled.
    """
    proc = await asyncio.create_subprocess_exec(
        *_with_progress_flags(argv), stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )
    if on_start is not None:
        on_start(proc.pid)
    assert proc.stdout is not None
    assert proc.stderr is not None
    tail: deque[str] = deque(maxlen=stderr_lines)
    try:
        await asyncio.gather(
            _read_progress(proc.stdout, total_seconds, on_progress), _read_tail(proc.stderr, tail)
        )
        returncode = await proc.wait()
    except BaseException:
        # Cancellation (or a failing progress callback): the encode must not outlive us.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        await asyncio.shield(proc.wait())
        raise
    if returncode != 0:
        raise FfmpegFailed(returncode, "\n".join(tail))
