"""`make run`: embedded NATS and PostgreSQL (unless URLs are given), every service, the gateway.

Ctrl-C or SIGTERM stops every process we started; the data under .data/ stays for next time.
Every process we start is supervised: a server or service that dies is started again (see
supervision.py for the backoff and how a crash loop is reported).
"""

from __future__ import annotations

import os
import signal
import sys
from functools import partial
from pathlib import Path
from types import FrameType

from videogen_local.infra import start_nats, start_postgres
from videogen_local.stack import Stack, stack_env
from videogen_local.supervision import InfraSupervisor, supervise

_stopping = False


def _request_stop(signum: int, frame: FrameType | None) -> None:
    global _stopping
    _stopping = True


def _start_infra(data: Path, infra: InfraSupervisor) -> tuple[str, str]:
    nats_url = os.environ.get("VIDEOGEN_NATS_URL")
    if not nats_url:
        port = int(os.environ.get("VIDEOGEN_NATS_PORT", "14222"))
        nats_url = infra.start(partial(start_nats, data / "nats", port, log_dir=data / "logs")).url
    database_url = os.environ.get("VIDEOGEN_DATABASE_URL")
    if not database_url:
        port = int(os.environ.get("VIDEOGEN_PG_PORT", "15432"))
        database_url = infra.start(
            partial(start_postgres, data / "postgres", port, log_dir=data / "logs")
        ).url
    return nats_url, database_url


def run() -> int:
    signal.signal(signal.SIGINT, _request_stop)
    signal.signal(signal.SIGTERM, _request_stop)
    data = Path(os.environ.get("VIDEOGEN_DATA_DIR", ".data")).resolve()
    (data / "logs").mkdir(parents=True, exist_ok=True)
    infra = InfraSupervisor()
    stack: Stack | None = None
    try:
        nats_url, database_url = _start_infra(data, infra)
        env = stack_env(database_url, nats_url, int(os.environ.get("VIDEOGEN_PORT", "8000")),
                        os.environ.get("VIDEOGEN_NAMESPACE", ""), VIDEOGEN_DATA_DIR=str(data))
        stack = Stack(env, log_dir=data / "logs")
        stack.start_all()
        stack.wait_ready(timeout=90, path="/api/health/live")
        names = ", ".join(stack.children)
        print(f"VideoGen is running at {stack.base_url}  ({names}; logs in {data / 'logs'})\n"
              f"  the web studio: {stack.base_url}/ in a browser\n"
              f"  the command line: .venv/bin/videogen --url {stack.base_url} --help\n"
              "Press Ctrl-C to stop.", flush=True)
        supervise(infra, stack, lambda: _stopping)
    finally:
        if stack is not None:
            stack.stop()
        infra.stop()
    print("VideoGen stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(run())
