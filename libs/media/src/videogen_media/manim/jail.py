"""The command lines that put a program in the sandbox: bubblewrap, or the unshare fallback.

What the sandboxed program sees, in both: /usr and /etc read-only, the interpreter's two
prefixes read-only (the venv, `sys.prefix`, and the Python it was made from,
`sys.base_prefix`), its own work directory read-write at /work/out (also mounted as /tmp),
a private /proc and a minimal /dev. Nothing else: not the repository (the venv's editable
`.pth` entries point into it, and those paths simply do not exist inside), not the data
directories, not /root. No network (a new, empty network namespace), its own pid, ipc and
uts namespaces, and it runs as a uid of its own (`jail_uid`: no passwd entry, shared
with nothing else) with no capabilities and no way to regain any, under prlimit's caps.

Both run as root without a user namespace and drop to that uid with setpriv (the venv's
Python lives under /root, which is 0700, so an unprivileged launcher could not even reach
it). Every ancestor of a bound path is created 0755, else that uid could not traverse it.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from videogen_contracts.media.manim_status import SandboxKind

from videogen_media.manim.jail_uid import claimed_uid

SANDBOX_DIR = "/work/out"
SYSTEM_DIRS = ("/usr", "/etc")
SYMLINKS = (("usr/bin", "/bin"), ("usr/lib", "/lib"), ("usr/lib64", "/lib64"),
            ("usr/sbin", "/sbin"))
DEVICES = ("null", "zero", "full", "random", "urandom")
ENV = {
    "HOME": SANDBOX_DIR, "PATH": "/usr/bin:/bin", "TMPDIR": "/tmp", "LANG": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1",
    # Manim logs through rich: wide lines keep its tracebacks readable in a job's error.
    "COLUMNS": "160", "TERM": "dumb",
}


@dataclass(frozen=True, slots=True)
class Caps:
    """prlimit's caps, in its units. CPU has a soft limit (SIGXCPU, a cause we can name)
    one second below the hard one (SIGKILL, for code that ignores SIGXCPU)."""

    address_space_bytes: int
    cpu_seconds: int
    file_bytes: int
    processes: int


@dataclass(frozen=True, slots=True)
class Jail:
    kind: SandboxKind
    launcher: str  # the bwrap or unshare binary, found on PATH by the probe
    # Read-only trees the program needs beside /usr and /etc: the interpreter's prefixes.
    read_only: tuple[str, ...]


def _under(path: str, roots: Sequence[str]) -> bool:
    return any(PurePosixPath(path).is_relative_to(root) for root in roots)


def read_only_trees(paths: Sequence[str]) -> tuple[str, ...]:
    """The paths to bind, without those /usr, /etc or another of them already holds."""
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not _under(path, [*SYSTEM_DIRS, *kept]):
            kept.append(path)
    return tuple(kept)


def _ancestors(paths: Sequence[str]) -> list[str]:
    found = {str(parent) for path in paths for parent in PurePosixPath(path).parents}
    return sorted(p for p in found if p != "/" and not _under(p, SYSTEM_DIRS))


def _inner(argv: Sequence[str], caps: Caps, uid: int) -> list[str]:
    """setpriv to `uid` (no groups, no capabilities, no new privileges), then prlimit."""
    return [
        "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
        "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs",
        "/usr/bin/prlimit", f"--as={caps.address_space_bytes}",
        f"--cpu={caps.cpu_seconds}:{caps.cpu_seconds + 1}", f"--fsize={caps.file_bytes}",
        f"--nproc={caps.processes}", "--", *argv,
    ]


def bwrap_command(
    jail: Jail, workdir: str, env: dict[str, str], caps: Caps, argv: Sequence[str], uid: int,
) -> list[str]:
    command = [
        jail.launcher, "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
        "--unshare-cgroup-try", "--die-with-parent", "--new-session",
        # Only for setpriv's drop to the run's uid; it clears every capability before the exec.
        "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
    ]
    for system_dir in SYSTEM_DIRS:
        command += ["--ro-bind", system_dir, system_dir]
    for target, link in SYMLINKS:
        command += ["--symlink", target, link]
    # /tmp before the read-only trees: a venv that lives under /tmp (a clone checked out
    # there) is bound on top of it, not hidden by it. Mounts are made in order.
    command += ["--bind", f"{workdir}/.tmp", "/tmp"]
    for ancestor in _ancestors([*jail.read_only, SANDBOX_DIR]):
        command += ["--perms", "0755", "--dir", ancestor]
    for tree in jail.read_only:
        command += ["--ro-bind", tree, tree]
    command += [
        "--bind", workdir, SANDBOX_DIR,
        "--proc", "/proc", "--dev", "/dev", "--chdir", SANDBOX_DIR, "--clearenv",
    ]
    for key, value in env.items():
        command += ["--setenv", key, value]
    return [*command, "--", *_inner(argv, caps, uid)]


def unshare_command(
    jail: Jail, workdir: str, env: dict[str, str], caps: Caps, argv: Sequence[str],
    uid: int, root: str,
) -> list[str]:
    """The fallback: new namespaces by unshare, a root built on a tmpfs by a script of ours
    (trusted code, still root), then chroot, setpriv and prlimit before the program.

    The shell stays pid 1 of the new pid namespace (it does not exec the program): when it
    exits, or unshare dies and `--kill-child` kills it, the kernel kills every process
    left in the namespace, so nothing the program forked outlives it.
    """
    q = shlex.quote
    lines = [
        "set -eu",
        "umask 022",
        "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
        f"R={q(root)}",
        'mount -t tmpfs -o mode=0755,size=16m vgsandbox "$R"',
        'ro() { mkdir -p "$R$1"; mount --bind "$1" "$R$1"; '
        'mount -o remount,bind,ro,nosuid,nodev "$R$1"; }',
        # /tmp first, so that a read-only tree under /tmp is mounted on top of it.
        'mkdir -p "$R/tmp"',
        f'mount --bind {q(workdir + "/.tmp")} "$R/tmp"',
        *(f"ro {q(tree)}" for tree in (*SYSTEM_DIRS, *jail.read_only)),
        *(f'ln -s {q(target)} "$R"{q(link)}' for target, link in SYMLINKS),
        f'mkdir -p "$R"{q(SANDBOX_DIR)} "$R/proc" "$R/dev"',
        f'mount --bind {q(workdir)} "$R"{q(SANDBOX_DIR)}',
        'mount -t proc -o nosuid,nodev,noexec proc "$R/proc"',
        *(f'touch "$R/dev/{d}"; mount --bind /dev/{d} "$R/dev/{d}"' for d in DEVICES),
        'mount -o remount,ro "$R"',
        " ".join([
            'chroot "$R" /usr/bin/env -i', f"-C {q(SANDBOX_DIR)}",
            *(q(f"{key}={value}") for key, value in env.items()),
            *(q(arg) for arg in _inner(argv, caps, uid)),
        ]),
    ]
    return [
        jail.launcher, "--net", "--pid", "--ipc", "--uts", "--mount", "--propagation", "private",
        "--fork", "--kill-child", "--", "/bin/sh", "-c", "\n".join(lines),
    ]


def prepare_workdir(workdir: Path, uid: int) -> None:
    """The work directory belongs to the run's uid (the only place it may write), /tmp
    inside it. All of it: a rerun in the same directory (a redelivered job) may get
    another uid than the last attempt. Links are not followed (the code may have planted
    some)."""
    (workdir / ".tmp").mkdir(parents=True, exist_ok=True)
    for top, dirs, files in os.walk(workdir):
        for name in (*dirs, *files):
            os.chown(os.path.join(top, name), uid, uid, follow_symlinks=False)
    os.chown(workdir, uid, uid)
    for path in (workdir, workdir / ".tmp"):
        path.chmod(0o755)


@contextlib.contextmanager
def jail_command(jail: Jail, workdir: Path, caps: Caps, argv: Sequence[str]) -> Iterator[list[str]]:
    """The launcher's argv, as a uid claimed for the block; for the fallback, with the empty
    directory its root is built on."""
    with claimed_uid() as uid:
        prepare_workdir(workdir, uid)
        if jail.kind == "bwrap":
            yield bwrap_command(jail, str(workdir), ENV, caps, argv, uid)
            return
        root = tempfile.mkdtemp(prefix="videogen-sandbox-root-")
        try:
            yield unshare_command(jail, str(workdir), ENV, caps, argv, uid, root)
        finally:
            shutil.rmtree(root, ignore_errors=True)
