"""Time to recovery after kill -9 of nats-server and of PostgreSQL, under the launcher's
supervision.

Run: `.venv/bin/python tests/bench/bench_recovery.py [--rounds 3]`. Starts its own
nats-server and PostgreSQL (durable) and the whole stack, supervised exactly as `make run`
supervises them. Each round kills one server with SIGKILL and measures:
- restart: from the kill until the supervisor has the server accepting connections again;
- first command: from that restart until a command (`PUT /api/settings`, which goes
  through NATS to the project service and its event store) first answers 200.
Prints figures; not pass/fail. The rounds follow each other within the supervisor's
60 s window, so from the second round on the restart includes its backoff (0.5 s, 1 s, ...):
round 1 is the restart of a server that had been fine.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from videogen_local.supervision import SupervisedStack, supervised_stack

SETTINGS = {"defaultVoice": {"rate": 1.0}}


def _until_command_succeeds(http: httpx.Client, within: float = 120) -> None:
    deadline = time.monotonic() + within
    while http.put("/api/settings", json=SETTINGS).status_code != 200:
        if time.monotonic() > deadline:
            raise SystemExit(f"no successful command within {within}s")
        time.sleep(0.01)


def _one_round(ss: SupervisedStack, http: httpx.Client, name: str) -> tuple[float, float]:
    _until_command_succeeds(http)
    killed = ss.infra.server(name)
    old_pid = killed.proc.pid
    started = time.monotonic()
    killed.kill()
    while ss.infra.server(name).proc.pid == old_pid:
        time.sleep(0.005)
    restarted = time.monotonic()
    _until_command_succeeds(http)
    return restarted - started, time.monotonic() - restarted


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-recovery-") as tmp, supervised_stack(
        Path(tmp), "b" + uuid.uuid4().hex[:10]
    ) as ss, httpx.Client(base_url=ss.stack.base_url, timeout=60) as http:
        for name in ("nats", "postgres"):
            figures = [_one_round(ss, http, name) for _ in range(args.rounds)]
            restarts = [r for r, _ in figures]
            firsts = [f for _, f in figures]
            print(
                f"{name:8s} kill -9 → restarted: median {statistics.median(restarts):.2f} s"
                f" (max {max(restarts):.2f});"
                f" restarted → first successful command: median"
                f" {statistics.median(firsts):.2f} s (max {max(firsts):.2f});"
                f" rounds (restart, first command): "
                + ", ".join(f"({r:.2f}, {f:.2f})" for r, f in figures),
                flush=True,
            )


if __name__ == "__main__":
    main()
