"""Run one ffmpeg command: progress from `-progress pipe:1`, cancellation kills it.

ffmpeg runs in a process group of its own, so cancelling the task kills it (and anything it
spawned) at once; on Linux it also gets SIGKILL if our process dies first (kill -9 of the
worker), so a crashed worker never leaves an orphan encode eating the CPU that its
successor needs to redo the job.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence

from export_service.app.ports import EncodeFailed

PR_SET_PDEATHSIG = 1
STDERR_TAIL = 2_000


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, before exec
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


async def run_ffmpeg(
    args: Sequence[str],
    duration_s: float,
    progress: Callable[[float], Awaitable[None]],
) -> None:
    """Run to completion; raises EncodeFailed with ffmpeg's own words on a non-zero exit."""
    proc = await asyncio.create_subprocess_exec(
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    errors = asyncio.create_task(proc.stderr.read())
    try:
        async for raw in proc.stdout:
            fraction = progress_of(raw.decode(errors="replace"), duration_s)
            if fraction is not None:
                await progress(fraction)
        code = await proc.wait()
    except BaseException:
        _kill_group(proc)
        await proc.wait()
        errors.cancel()
        raise
    stderr = (await errors).decode(errors="replace").strip()
    if code != 0:
        raise EncodeFailed(f"ffmpeg exited with {code}: {stderr[-STDERR_TAIL:]}")


def progress_of(line: str, duration_s: float) -> float | None:
    """The fraction done from one `-progress` line (`out_time_us=...`), if it says."""
    key, _, value = line.strip().partition("=")
    if key == "progress" and value == "end":
        return 1.0
    if key not in ("out_time_us", "out_time_ms") or not value.lstrip("-").isdigit():
        return None
    # Both keys are in microseconds (`out_time_ms` is misnamed in ffmpeg).
    done = int(value) / 1_000_000
    return max(0.0, min(1.0, done / duration_s)) if duration_s > 0 else None


def _kill_group(proc: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
