"""Run generated code in the sandbox (`jail` says what it sees): limits, probe, run, failure.

Generated code never runs in a service process and never unsandboxed: when neither
bubblewrap nor the unshare fallback works, `sandbox_status()` says why and every run fails.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import msgspec
import structlog
from videogen_contracts.media.manim_status import ManimStatus, SandboxKind

from videogen_media.ffmpeg import _die_with_parent
from videogen_media.manim.jail import Caps, Jail, jail_command, read_only_trees
from videogen_media.manim.jail_failure import MIB, failure_reason, size_text
from videogen_media.manim.jail_process import end_jail, read_capped

log = structlog.get_logger("videogen_media.manim.sandbox")
DETAIL_CHARS = 4000
PROBE_TIMEOUT_S = 120
SANDBOX_ORDER: dict[str, tuple[SandboxKind, ...]] = {
    "auto": ("bwrap", "unshare"), "bwrap": ("bwrap",), "unshare": ("unshare",),
}
# Printed in two steps, so a sandbox that works is told apart from a Manim that does not.
PROBE_CODE = "print('sandbox ok', flush=True)\nimport manim\nprint('manim', manim.__version__)"
PREFIXES_CODE = "import sys\nprint(sys.prefix)\nprint(sys.base_prefix)"


class SandboxFailed(RuntimeError):
    """The sandboxed program failed: `reason` names the cause, `detail` is its output's tail."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail[-500:]}" if detail else reason)
        self.reason = reason
        self.detail = detail


class SandboxLimits(msgspec.Struct, frozen=True, kw_only=True):
    memory_mb: int = 3072  # address space
    cpu_seconds: int = 300
    wall_seconds: int = 300
    file_mb: int = 512  # the largest file it may write
    processes: int = 256
    output_bytes: int = 4 * MIB  # of stdout + stderr, kept as the log; more is a failure

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SandboxLimits:
        env = os.environ if environ is None else environ
        names = {
            "memory_mb": "VIDEOGEN_MANIM_MEMORY_MB", "cpu_seconds": "VIDEOGEN_MANIM_CPU_SECONDS",
            "wall_seconds": "VIDEOGEN_MANIM_WALL_SECONDS", "file_mb": "VIDEOGEN_MANIM_FILE_MB",
            "processes": "VIDEOGEN_MANIM_PROCESSES",
        }
        return cls(**{field: int(env[name]) for field, name in names.items() if env.get(name)})

    def caps(self) -> Caps:
        return Caps(self.memory_mb * MIB, self.cpu_seconds, self.file_mb * MIB, self.processes)


@dataclass(frozen=True, slots=True)
class SandboxResult:
    output: str  # stdout and stderr, interleaved, at most `output_bytes`
    elapsed_s: float
    sandbox: SandboxKind


def manim_python(environ: Mapping[str, str] | None = None) -> str:
    """The interpreter that renders (manim installed): VIDEOGEN_MANIM_PYTHON, else ours."""
    env = os.environ if environ is None else environ
    return env.get("VIDEOGEN_MANIM_PYTHON") or sys.executable


@dataclass(frozen=True, slots=True)
class _Probe:
    status: ManimStatus
    jail: Jail | None


_probe_lock = threading.Lock()
# By every setting the probe's answer depends on: a process probes once per configuration
# it runs with, and a changed setting is a new probe, never a stale answer.
_probes: dict[tuple[tuple[str, str], ...], _Probe] = {}
PROBE_SETTINGS = ("VIDEOGEN_MANIM_PYTHON", "VIDEOGEN_MANIM_SANDBOX", "VIDEOGEN_MANIM_UID", "PATH")


def sandbox_status(refresh: bool = False) -> ManimStatus:
    """Whether scenes can be rendered, and in which sandbox. Probed once per process and
    configuration (a sandboxed `import manim`, a few seconds: call it from a thread in
    async code)."""
    return _probed(refresh).status


def _probed(refresh: bool = False) -> _Probe:
    # One snapshot of the environment, taken once: the key and the probe are of the same
    # settings, even when another thread changes them while this one waits for the lock.
    environ = dict(os.environ)
    key = tuple((name, environ.get(name, "")) for name in PROBE_SETTINGS)
    # One probe at a time: concurrent first renders wait for the same answer.
    with _probe_lock:
        if refresh or key not in _probes:
            _probes[key] = probe = _probe_now(environ)
            status = probe.status
            if status.available and not status.reason:
                log.info("manim sandbox ready", sandbox=status.sandbox)
            else:  # the fallback, or nothing: both are said in the logs
                log.warning("manim sandbox degraded", sandbox=status.sandbox,
                            available=status.available, reason=status.reason)
        return _probes[key]


def _unavailable(reason: str, sandbox: SandboxKind | None = None) -> _Probe:
    return _Probe(ManimStatus(available=False, sandbox=sandbox, reason=reason), None)


def _probe_now(environ: Mapping[str, str]) -> _Probe:
    python, mode = manim_python(environ), environ.get("VIDEOGEN_MANIM_SANDBOX") or "auto"
    if mode not in SANDBOX_ORDER:
        return _unavailable(f"VIDEOGEN_MANIM_SANDBOX={mode!r}: use auto, bwrap or unshare")
    try:
        found = subprocess.run(
            [python, "-I", "-c", PREFIXES_CODE], capture_output=True, text=True, check=True,
            timeout=PROBE_TIMEOUT_S,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return _unavailable(f"the Manim interpreter {python} does not run: {exc}")
    trees = read_only_trees(found.stdout.split())
    failed: list[str] = []
    for kind in SANDBOX_ORDER[mode]:
        launcher = shutil.which(kind, path=environ.get("PATH"))
        if launcher is None:
            failed.append(f"{kind} unavailable: not installed")
            continue
        jail = Jail(kind, launcher, trees)
        output = _probe_output(jail, python, environ)
        if "\nmanim " in output:
            # The fallback says so, whether bwrap failed or it was asked for.
            why = failed or [f"VIDEOGEN_MANIM_SANDBOX={mode}"]
            fallback = f"{'; '.join(why)}; using unshare + setpriv + rlimits"
            version = output.rsplit("\nmanim ", 1)[1].split()[0]
            status = ManimStatus(available=True, sandbox=kind, manim_version=version,
                                 reason=fallback if kind == "unshare" else "")
            return _Probe(status, jail)
        if "sandbox ok" in output:
            return _unavailable(f"manim does not import in {python}: {output[-600:]}", kind)
        failed.append(f"{kind} unavailable: {output.strip()[-300:] or 'no output'}")
    return _unavailable("; ".join(failed) + "; generated code is never run unsandboxed")


def _probe_output(jail: Jail, python: str, environ: Mapping[str, str]) -> str:
    with tempfile.TemporaryDirectory(prefix="videogen-sandbox-probe-") as scratch:
        caps = SandboxLimits.from_env(environ).caps()
        with jail_command(jail, Path(scratch), caps, [python, "-c", PROBE_CODE]) as command:
            try:
                done = subprocess.run(
                    command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT, timeout=PROBE_TIMEOUT_S, check=False,
                    start_new_session=True, preexec_fn=_die_with_parent,
                )
            except (OSError, subprocess.SubprocessError) as exc:
                return str(exc)
    return "\n" + done.stdout.decode(errors="replace")


def probed_jail() -> Jail:
    probe = _probed()
    if probe.jail is None:
        raise SandboxFailed(f"Manim cannot render here: {probe.status.reason}")
    return probe.jail


async def run_sandboxed(
    argv: Sequence[str], workdir: Path, limits: SandboxLimits | None = None,
) -> SandboxResult:
    """Run `argv` in the sandbox, in `workdir` (seen inside as /work/out, the current dir).

    Raises SandboxFailed for a non-zero exit, a limit reached, or no sandbox available.
    Cancelling the awaiting task kills everything the program started, and waits for it.
    """
    limits = limits or SandboxLimits.from_env()
    jail = await asyncio.to_thread(probed_jail)
    kept = bytearray()
    started = time.monotonic()
    with jail_command(jail, workdir, limits.caps(), argv) as command:
        proc = await asyncio.create_subprocess_exec(
            *command, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT, start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        assert proc.stdout is not None
        try:
            async with asyncio.timeout(limits.wall_seconds):
                overflowed = await read_capped(proc.stdout, kept, limits.output_bytes)
                returncode = None if overflowed else await proc.wait()
        except TimeoutError:
            tail = kept[-DETAIL_CHARS:].decode(errors="replace")
            raise SandboxFailed(f"timed out after {limits.wall_seconds} s", tail) from None
        finally:
            # Also on cancel: the job's end must not leave its processes running.
            await asyncio.shield(end_jail(proc))
    output = kept.decode(errors="replace")
    if returncode is None:
        raise SandboxFailed(f"printed more than {size_text(limits.output_bytes)}", output[-800:])
    if returncode != 0:
        detail = output[-DETAIL_CHARS:]
        raise SandboxFailed(failure_reason(returncode, detail, limits.caps()), detail)
    return SandboxResult(output, time.monotonic() - started, jail.kind)
