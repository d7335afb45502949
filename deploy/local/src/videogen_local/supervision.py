"""Supervision of the embedded servers: nats-server and PostgreSQL come back when they die.

Each server is restarted by the same launch function that first started it, so it comes
back on the same data directory and the same port: JetStream recovers its streams and
consumers from its store directory, PostgreSQL runs crash recovery from its WAL, and every
client (services, gateway) reconnects to the address it already knows.

Backoff: the first death in a quiet period is restarted at once (that is what recovery time
is made of); each further death within `window` seconds doubles the wait, up to `cap`. A
start that fails (PostgreSQL refusing to start while the killed postmaster's backends still
hold its shared memory, a port not yet free) counts as one more death.

Crash loop: when a server has died `loop_after` times within `window`, one clear error line
says so (which server, how often, its last exit code, its log), and supervision goes on at
the capped pace. We keep trying rather than stop the stack: what makes a server crash-loop
(a full disk, a port taken by someone else) is usually fixed by an operator without
restarting anything else, and the services and the gateway are built to wait the outage out
and answer 503 meanwhile; stopping the whole stack would turn one broken dependency into a
total outage. docs/operations.md says the same for operators.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TextIO

from videogen_local.infra import InfraError, Server, free_port, start_nats, start_postgres
from videogen_local.stack import Stack, stack_env

Launch = Callable[[], Server]


@dataclass
class Supervised:
    """One server we started, how to start it again, and its recent deaths."""

    launch: Launch
    server: Server
    deaths: deque[float] = field(default_factory=deque)
    restarts: int = 0
    retry_at: float | None = None  # set while it is dead and waiting for its next attempt
    loop_reported: bool = False


@dataclass
class InfraSupervisor:
    window: float = 60.0
    loop_after: int = 5
    base: float = 0.5
    cap: float = 30.0
    out: TextIO = field(default_factory=lambda: sys.stderr)
    servers: dict[str, Supervised] = field(default_factory=dict)

    def start(self, launch: Launch) -> Server:
        """Start a server now (failing loudly, as at any start) and supervise it from then."""
        server = launch()
        self.servers[server.name] = Supervised(launch, server)
        return server

    def server(self, name: str) -> Server:
        """The live `Server` of `name` (a new object after each restart)."""
        return self.servers[name].server

    def check(self) -> list[str]:
        """Restart every server that died and whose backoff has passed; their names."""
        restarted = []
        now = time.monotonic()
        for s in self.servers.values():
            if s.retry_at is None:
                if s.server.proc.poll() is None:
                    continue
                s.retry_at = now + self._note_death(s, now)
            if now >= s.retry_at and self._restart(s):
                restarted.append(s.server.name)
        return restarted

    def stop(self) -> None:
        for s in reversed(self.servers.values()):
            s.server.stop()

    def _note_death(self, s: Supervised, now: float) -> float:
        """Record one death; the delay before the next attempt."""
        s.deaths.append(now)
        while s.deaths and s.deaths[0] < now - self.window:
            s.deaths.popleft()
        recent = len(s.deaths)
        if recent >= self.loop_after and not s.loop_reported:
            s.loop_reported = True
            self._say(
                f"ERROR: {s.server.name} is crash-looping: it died {recent} times in the last"
                f" {self.window:g}s (last exit code {s.server.proc.returncode}; see"
                f" {s.server.log_path}); still restarting it every {self.cap:g}s at most"
            )
        elif recent < self.loop_after:
            s.loop_reported = False
        return 0.0 if recent <= 1 else min(self.cap, self.base * 2 ** (recent - 2))

    def _restart(self, s: Supervised) -> bool:
        code = s.server.proc.returncode
        try:
            s.server = s.launch()
        except (InfraError, OSError) as exc:
            delay = self._note_death(s, time.monotonic())
            s.retry_at = time.monotonic() + delay
            self._say(f"{s.server.name} did not start again ({exc}); next attempt in {delay:g}s")
            return False
        s.retry_at = None
        s.restarts += 1
        self._say(
            f"{s.server.name} exited with code {code}; restarted it on port {s.server.port}"
            f" (restart {s.restarts})"
        )
        return True

    def _say(self, line: str) -> None:
        print(line, file=self.out, flush=True)


def supervise(
    infra: InfraSupervisor, stack: Stack, stopping: Callable[[], bool], interval: float = 0.5
) -> None:
    """Supervise until `stopping()` says so (the launcher's main loop; tests run it in a thread).

    Each round restarts the servers first (the services need them), then the stack's processes.
    """
    while not stopping():
        infra.check()
        for name in stack.restart_dead():
            print(f"{name} exited; restarted it", file=infra.out, flush=True)
        time.sleep(interval)


class SupervisorThread:
    """`supervise` in a daemon thread, which can be paused (to stop a process on purpose).

    The thread lives as long as the servers it restarted: PR_SET_PDEATHSIG (see
    infra._die_with_parent and setpriv's --pdeathsig) fires when the *thread* that forked a
    child exits, not the process, so a server restarted from here would get SIGTERM the
    moment this thread ended. Pausing therefore keeps the thread alive and idle.
    """

    def __init__(self, infra: InfraSupervisor, stack: Stack, interval: float = 0.2) -> None:
        self._stop = threading.Event()
        self._paused = threading.Event()
        self._idle = threading.Event()
        self._thread = threading.Thread(target=supervise, daemon=True, name="videogen-supervisor",
                                        args=(infra, stack, self._stopping, interval))
        self._thread.start()

    def _stopping(self) -> bool:
        while self._paused.is_set() and not self._stop.is_set():
            self._idle.set()
            time.sleep(0.05)
        self._idle.clear()
        return self._stop.is_set()

    def pause(self) -> None:
        """Stop restarting anything until `resume()`; returns once no round is running."""
        self._paused.set()
        self._idle.wait()

    def resume(self) -> None:
        self._paused.clear()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class SupervisedStack:
    """Embedded servers and a whole stack, supervised in a thread (fault tests, benchmarks)."""

    infra: InfraSupervisor
    stack: Stack
    log_dir: Path
    supervisor: SupervisorThread


@contextlib.contextmanager
def supervised_stack(
    log_dir: Path, namespace: str, *, ready_within: float = 120
) -> Iterator[SupervisedStack]:
    """Own nats-server and PostgreSQL (durable), the stack on them, all of it supervised.

    Durable because with `synchronous_commit` off a kill -9 of the postmaster loses the
    commits still in its WAL buffers (shared memory).
    """
    with (log_dir / "supervisor.log").open("a", encoding="utf-8") as out:
        infra = InfraSupervisor(out=out)
        stack: Stack | None = None
        supervisor: SupervisorThread | None = None
        try:
            nats = infra.start(partial(start_nats, log_dir / "nats", free_port(), log_dir=log_dir))
            pg = infra.start(partial(start_postgres, log_dir / "pg", free_port(), log_dir=log_dir))
            env = stack_env(pg.url, nats.url, free_port(), namespace,
                            VIDEOGEN_DATA_DIR=str(log_dir / "data"))
            stack = Stack(env, log_dir=log_dir)
            stack.start_all()
            stack.wait_ready(timeout=ready_within)
            supervisor = SupervisorThread(infra, stack)
            yield SupervisedStack(infra, stack, log_dir, supervisor)
        finally:
            if supervisor is not None:
                supervisor.pause()
            if stack is not None:
                stack.stop()
            infra.stop()
            if supervisor is not None:
                supervisor.stop()
