"""Run ffmpeg with raw PCM through its standard streams (the sound's decode and encode).

`ffmpeg.run_ffmpeg` owns stdout for progress; the soundtrack needs stdout for samples and
stdin for the mix, so it runs ffmpeg here, with the same guarantees: its own process group,
killed with its children when the awaiting task is cancelled, and by the kernel if we die.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from videogen_media.ffmpeg import FfmpegFailed, _die_with_parent

_PIPE = asyncio.subprocess.PIPE


async def _start(
    argv: Sequence[str], stdin: int, stdout: int, cwd: Path | None = None
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *argv,
        stdin=stdin,
        stdout=stdout,
        stderr=_PIPE,
        start_new_session=True,
        cwd=cwd,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )


async def _kill(procs: Sequence[asyncio.subprocess.Process]) -> None:
    # Cancelled mid-run: nothing may keep writing the output after the job gave up.
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    for proc in procs:
        # Read its pipes to the end, not just wait(): the cancelled read left stdout paused
        # (its buffer full of samples), and asyncio (3.11) reports the exit only once every
        # pipe has closed, so a bare wait() would never return.
        with contextlib.suppress(OSError, ValueError):
            await asyncio.shield(proc.communicate())


def _checked(proc: asyncio.subprocess.Process, err: bytes) -> str:
    text = err.decode(errors="replace")
    if proc.returncode != 0:
        raise FfmpegFailed(proc.returncode or -1, "\n".join(text.splitlines()[-30:]))
    return text


async def pipe_ffmpeg(argv: Sequence[str], stdin: bytes | None = None) -> tuple[bytes, str]:
    """Run `argv` to completion, feeding `stdin`; returns (stdout, stderr text)."""
    proc = await _start(argv, asyncio.subprocess.DEVNULL if stdin is None else _PIPE, _PIPE)
    try:
        out, err = await proc.communicate(stdin)
    except BaseException:
        await _kill([proc])
        raise
    return out, _checked(proc, err)


async def pipe_ffmpeg_pair(
    first: Sequence[str], stdin: bytes, second: Sequence[str], *, cwd: Path | None = None
) -> tuple[str, str]:
    """`first` fed `stdin`, its stdout piped into `second`, both at once (one core each),
    both run in `cwd`.

    Returns both stderr texts. The pipe's ends are closed here once the children hold
    them, so `second` sees end-of-file when `first` exits, and `first` a broken pipe if
    `second` dies (and then fails rather than hangs).
    """
    read_end, write_end = os.pipe()
    try:
        producer = await _start(first, _PIPE, write_end, cwd)
        try:
            consumer = await _start(second, read_end, asyncio.subprocess.DEVNULL, cwd)
        except BaseException:
            await _kill([producer])
            raise
    finally:
        os.close(read_end)
        os.close(write_end)
    try:
        (_, err_first), (_, err_second) = await asyncio.gather(
            producer.communicate(stdin), consumer.communicate()
        )
    except BaseException:
        await _kill([producer, consumer])
        raise
    return _checked(producer, err_first), _checked(consumer, err_second)
