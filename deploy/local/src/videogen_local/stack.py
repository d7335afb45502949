"""Start the services and the gateway as child processes, and supervise them.

Used by `make run` (through __main__) and by the end-to-end and fault tests, so the tests
drive exactly the processes an operator runs.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

# Start order: services first, so the gateway's first health check finds them.
# A module that is not installed yet is skipped, so the stack grows with the workspace.
PROCESSES: tuple[tuple[str, str], ...] = (
    ("project", "project_service"),
    ("script", "script_service"),
    ("media", "media_service"),
    ("export", "export_service"),
    ("gateway", "videogen_gateway"),
)


def available_processes() -> list[tuple[str, str]]:
    return [(n, m) for n, m in PROCESSES if _runnable(m)]


def _runnable(module: str) -> bool:
    """A service counts once it has a __main__ (its package may exist before that)."""
    try:
        return importlib.util.find_spec(f"{module}.__main__") is not None
    except ModuleNotFoundError:
        return False


@dataclass
class Child:
    name: str
    module: str
    log_path: Path | None
    proc: subprocess.Popen[bytes] | None = None


@dataclass
class Stack:
    """A running set of processes sharing one environment (URLs, namespace, port)."""

    env: dict[str, str]
    log_dir: Path | None = None
    children: dict[str, Child] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://{self.env.get('VIDEOGEN_HOST', '127.0.0.1')}:{self.env['VIDEOGEN_PORT']}"

    def start(self, name: str, module: str | None = None) -> None:
        child = self.children.get(name)
        if child is None:
            module = module or dict(PROCESSES)[name]
            log_path = self.log_dir / f"{name}.log" if self.log_dir else None
            child = self.children[name] = Child(name, module, log_path)
        out = child.log_path.open("ab") if child.log_path else None
        try:
            child.proc = subprocess.Popen(
                [sys.executable, "-m", child.module], env=self.env, stdout=out,
                stderr=subprocess.STDOUT if out else None, stdin=subprocess.DEVNULL,
            )
        finally:
            if out:
                out.close()

    def start_all(self) -> None:
        processes = available_processes()
        # The gateway's health checks ping exactly the services this stack runs.
        services = [name for name, _ in processes if name != "gateway"]
        self.env.setdefault("VIDEOGEN_GATEWAY_SERVICES", ",".join(services))
        for name, module in processes:
            self.start(name, module)

    def kill(self, name: str) -> None:
        """kill -9: no chance to clean up, as in a crash."""
        proc = self.children[name].proc
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait()

    def restart_dead(self) -> list[str]:
        """Supervision for `make run`: bring back any child that died on its own."""
        dead = [c.name for c in self.children.values() if c.proc and c.proc.poll() is not None]
        for name in dead:
            self.start(name)
        return dead

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM everyone (gateway first, so it stops taking requests), then insist."""
        procs = [c.proc for c in reversed(self.children.values()) if c.proc]
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in procs:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def wait_ready(self, timeout: float = 180.0, path: str = "/api/health/ready") -> None:
        """Wait until the gateway answers 200 on its readiness probe.

        Generous: five processes importing their stacks at once on a loaded 2-core machine
        have taken over a minute; a gateway that dies is noticed at once instead."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            gateway = self.children.get("gateway")
            if gateway and gateway.proc and gateway.proc.poll() is not None:
                raise RuntimeError(f"gateway exited with {gateway.proc.returncode}")
            try:
                with urllib.request.urlopen(self.base_url + path, timeout=2) as resp:
                    if resp.status == 200:
                        return
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code}"
            except (urllib.error.URLError, OSError) as exc:
                last = str(exc)
            time.sleep(0.2)
        raise RuntimeError(f"stack not ready after {timeout}s: {last}")


def stack_env(
    database_url: str, nats_url: str, port: int, namespace: str = "", **extra: str
) -> dict[str, str]:
    return {
        **os.environ, "VIDEOGEN_DATABASE_URL": database_url, "VIDEOGEN_NATS_URL": nats_url,
        "VIDEOGEN_PORT": str(port), "VIDEOGEN_NAMESPACE": namespace, "PYTHONUNBUFFERED": "1",
        **extra,
    }
