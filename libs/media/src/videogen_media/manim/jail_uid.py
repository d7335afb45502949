"""The uid a sandboxed run gets: its own, numeric, with no passwd entry, that nothing else
on the machine runs as.

Not `nobody`: RLIMIT_NPROC counts every process of the real uid, so a render as nobody
would share its process cap with the embedded PostgreSQL's backends (and any other
nobody), and its files would share an owner with the database's. Each run claims a slot
of a reserved range (`VIDEOGEN_MANIM_UID`, default 200000, + the slot), so concurrent
renders do not share a process count either. A slot is held by an exclusive flock on a
file of its own, which also holds across processes (several media services, the tests)
and is released by the kernel when the holder dies, however it dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

RENDER_UID_BASE = 200000
UID_SLOTS = 1000
SLOTS_DIR = Path(tempfile.gettempdir()) / "videogen-manim-uids"


def render_uid_base(environ: Mapping[str, str] | None = None) -> int:
    env = os.environ if environ is None else environ
    return int(env.get("VIDEOGEN_MANIM_UID") or RENDER_UID_BASE)


def render_uids(environ: Mapping[str, str] | None = None) -> range:
    """Every uid a sandboxed run may get."""
    base = render_uid_base(environ)
    return range(base, base + UID_SLOTS)


@contextlib.contextmanager
def claimed_uid(environ: Mapping[str, str] | None = None) -> Iterator[int]:
    """A uid of the range that no other run holds, for the duration of the block."""
    SLOTS_DIR.mkdir(mode=0o700, exist_ok=True)
    for uid in render_uids(environ):
        fd = os.open(SLOTS_DIR / f"{uid}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        try:
            yield uid
        finally:
            os.close(fd)  # releases the lock
        return
    raise RuntimeError(f"all {UID_SLOTS} sandbox uids are in use")
