"""A stack with its own nats-server and PostgreSQL, under the launcher's own supervision.

The test may kill -9 or SIGSTOP either server: the same `InfraSupervisor` that `make run`
uses brings it back (same data directory, same port), in a thread, as the launcher's main
loop would, and restarts any service or the gateway that dies meanwhile.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest
from videogen_local.infra import free_port, start_nats, start_postgres
from videogen_local.stack import Stack, stack_env
from videogen_local.supervision import InfraSupervisor, supervise_in_thread


@dataclass
class SupervisedStack:
    infra: InfraSupervisor
    stack: Stack
    log_dir: Path
    stop_supervising: Callable[[], None]


@pytest.fixture
def supervised_stack(tmp_path: Path) -> Iterator[SupervisedStack]:
    log = (tmp_path / "supervisor.log").open("a", encoding="utf-8")
    infra = InfraSupervisor(out=log)
    stack: Stack | None = None
    stop_supervising = None
    try:
        nats = infra.start(partial(start_nats, tmp_path / "nats", free_port(), log_dir=tmp_path))
        # Durable: with synchronous_commit off, a kill -9 of the postmaster loses the commits
        # still in its WAL buffers (shared memory), which no client would forgive.
        pg = infra.start(partial(start_postgres, tmp_path / "pg", free_port(), durable=True,
                                 log_dir=tmp_path))
        env = stack_env(pg.url, nats.url, free_port(), "f" + uuid.uuid4().hex[:10],
                        VIDEOGEN_DATA_DIR=str(tmp_path / "data"))
        stack = Stack(env, log_dir=tmp_path)
        stack.start_all()
        stack.wait_ready(timeout=120)
        stop_supervising = supervise_in_thread(infra, stack)
        yield SupervisedStack(infra, stack, tmp_path, stop_supervising)
    finally:
        if stop_supervising is not None:
            stop_supervising()
        if stack is not None:
            stack.stop()
        infra.stop()
        log.close()
