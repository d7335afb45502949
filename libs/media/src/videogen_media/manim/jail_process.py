"""The sandbox's process from outside: its output read under a cap, and its end.

The launcher (bwrap or unshare) runs in a session of its own, with SIGKILL as its parent
death signal. Its child is pid 1 of the sandbox's pid namespace: when that one dies, the
kernel kills every process left in the namespace and only then lets pid 1 be reaped, so
"pid 1 is gone" means "everything the code forked is gone", whatever the code did (setsid,
double forks, a fork bomb). That is what `end_jail` waits for.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from pathlib import Path

CHUNK = 64 * 1024
POLL_S = 0.02


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The command name (field 2) is in parentheses and may hold spaces or ')'.
    return text[text.rindex(")") + 2:].split()


def children_of(pid: int) -> list[int]:
    """Pids whose parent is `pid` (a scan of /proc: /proc/PID/task/*/children is optional)."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None and fields[1] == str(pid):
                found.append(int(entry.name))
    return found


def is_gone(pid: int) -> bool:
    fields = _stat_fields(pid)
    return fields is None or fields[0] in ("Z", "X")


async def read_capped(stream: asyncio.StreamReader, kept: bytearray, limit: int) -> bool:
    """Read to EOF into `kept`, up to `limit` bytes; True as soon as the output exceeds it."""
    while chunk := await stream.read(CHUNK):
        room = limit - len(kept)
        kept += chunk[:room]
        if len(chunk) > room:
            return True
    return False


async def end_jail(proc: asyncio.subprocess.Process, grace_s: float = 10.0) -> None:
    """Kill the launcher and the sandbox's pid 1, and wait until they are gone.

    Nothing to kill for a launcher that exited by itself (its pid 1 exited before it).
    Shielded from cancellation by the caller: a cancelled job must leave nothing behind.
    """
    inits: list[int] = []
    if proc.returncode is None:
        inits = children_of(proc.pid)
        for pid in inits:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    # asyncio reports the exit only once the pipe is closed, and a reader paused on a full
    # buffer never sees the EOF: drain what the dead processes left in it.
    if proc.stdout is not None:
        while await proc.stdout.read(CHUNK):
            pass
    await proc.wait()
    for _ in range(int(grace_s / POLL_S) if inits else 0):
        if all(is_gone(pid) for pid in inits):
            break
        await asyncio.sleep(POLL_S)
