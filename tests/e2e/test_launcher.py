"""`make run`'s launcher: starts everything, prints the URL, stops every process it started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from videogen_local.infra import free_port

pytestmark = pytest.mark.slow


def _read_url(proc: subprocess.Popen[str], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if "VideoGen is running at" in line:
            return line.split("running at ")[1].split()[0]
        if not line and proc.poll() is not None:
            break
    raise AssertionError("the launcher never printed its URL")


def test_launcher_serves_and_leaves_no_orphans(tmp_path: Path) -> None:
    port = free_port()
    env = dict(os.environ)
    env.pop("VIDEOGEN_NATS_URL", None)
    env.pop("VIDEOGEN_DATABASE_URL", None)
    env.update(
        VIDEOGEN_PORT=str(port),
        VIDEOGEN_NATS_PORT=str(free_port()),
        VIDEOGEN_PG_PORT=str(free_port()),
        VIDEOGEN_DATA_DIR=str(tmp_path / ".data"),
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "videogen_local"], env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    try:
        url = _read_url(proc, 120)
        assert url == f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(url + "/api/health/live", timeout=5) as resp:
            assert resp.status == 200
        descendants = psutil.Process(proc.pid).children(recursive=True)
        names = " ".join(p.name() for p in descendants)
        assert "postgres" in names
        assert "nats-server" in names
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0
        _, alive = psutil.wait_procs(descendants, timeout=10)
        assert not alive, f"orphans left: {[p.name() for p in alive]}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()
    # the data stays for the next run
    assert (tmp_path / ".data" / "postgres").exists()
