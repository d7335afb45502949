"""Why a sandboxed program failed, in the short words a job's error starts with."""

from __future__ import annotations

import signal

from videogen_media.manim.jail import Caps

MIB = 1024 * 1024


def size_text(size_bytes: int) -> str:
    gib, rest = divmod(size_bytes, 1024 * MIB)
    return f"{gib} GiB" if gib and not rest else f"{size_bytes // MIB} MiB"


def failure_reason(returncode: int, tail: str, caps: Caps) -> str:
    """The cause, from the exit status and the last output (Python names most limits)."""
    if "MemoryError" in tail or "Cannot allocate memory" in tail:
        return f"exceeded the memory limit ({size_text(caps.address_space_bytes)})"
    if "File too large" in tail:  # Python ignores SIGXFSZ: the write fails with EFBIG
        return f"wrote more than the file size limit ({size_text(caps.file_bytes)})"
    if returncode == 128 + signal.SIGXCPU:
        return f"CPU time limit ({caps.cpu_seconds} s) reached"
    if "Resource temporarily unavailable" in tail and "fork" in tail:
        return f"reached the process limit ({caps.processes})"
    if returncode == 128 + signal.SIGKILL:
        return f"killed (CPU time limit of {caps.cpu_seconds} s, or out of memory)"
    if returncode - 128 in signal.valid_signals():
        return f"killed by {signal.Signals(returncode - 128).name}"
    return f"exit status {returncode}"
