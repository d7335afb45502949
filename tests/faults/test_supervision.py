"""The launcher's supervision: kill -9 of nats-server and of the postmaster under `make run`'s
own launcher (both come back, commands succeed again), and a crash loop reported once."""

from __future__ import annotations

import io
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest
from videogen_local.infra import Server, free_port
from videogen_local.supervision import InfraSupervisor


def _dies_at_once(tmp_path: Path) -> Server:
    proc = subprocess.Popen(["sh", "-c", "exit 3"])
    return Server("flaky", "none://", 0, proc, tmp_path / "flaky.log")


def test_a_crash_loop_is_reported_once_and_retried_with_a_capped_backoff(tmp_path: Path) -> None:
    out = io.StringIO()
    infra = InfraSupervisor(window=60, loop_after=3, base=0.01, cap=0.08, out=out)
    infra.start(lambda: _dies_at_once(tmp_path))
    started = time.monotonic()
    attempts: list[float] = []
    try:
        while time.monotonic() - started < 2:
            if infra.check():
                attempts.append(time.monotonic())
            time.sleep(0.002)
    finally:
        # The last child may have just been started: reap it, or its Popen is collected
        # while it still runs (a ResourceWarning, an error under filterwarnings=error).
        infra.stop()
    lines = out.getvalue().splitlines()
    assert sum("crash-looping" in line for line in lines) == 1, lines
    assert any("died 3 times" in line for line in lines), lines
    assert len(attempts) >= 10, lines  # it kept trying ...
    gaps = [b - a for a, b in itertools.pairwise(attempts[5:])]
    assert min(gaps) >= 0.07, gaps  # ... at the capped pace, not in a hot loop
    assert all("restarted it" in line or "crash-looping" in line for line in lines), lines


def _put_settings(base_url: str) -> int:
    request = urllib.request.Request(
        base_url + "/api/settings", method="PUT",
        data=json.dumps({"defaultVoice": {"rate": 1.0}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=40) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0


def _until_command_succeeds(base_url: str, within: float = 120) -> None:
    deadline = time.monotonic() + within
    codes: list[int] = []
    while time.monotonic() < deadline:
        codes.append(_put_settings(base_url))
        if codes[-1] == 200:
            return
        time.sleep(0.3)
    raise AssertionError(f"no command succeeded in {within}s; answers: {codes[-20:]}")


def _until_ready(base_url: str, within: float = 180) -> None:
    deadline = time.monotonic() + within
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base_url + "/api/health/ready", timeout=10):
                return
        except urllib.error.HTTPError as error:
            last = error.read().decode(errors="replace")[:500]
        except OSError as error:
            last = repr(error)
        time.sleep(0.5)
    raise AssertionError(f"the stack was not ready in {within}s: {last}")


def _server(launcher: psutil.Process, name: str) -> psutil.Process:
    for proc in launcher.children(recursive=True):
        # The postmaster is the postgres whose parent is not a postgres.
        if proc.name() == name and proc.parent().name() != name:
            return proc
    raise AssertionError(f"no {name} under the launcher")


def _until_line(lines: list[str], needle: str, within: float = 120) -> None:
    deadline = time.monotonic() + within
    while not any(needle in line for line in lines):
        assert time.monotonic() < deadline, f"no {needle!r} from the launcher: {lines[-20:]}"
        time.sleep(0.2)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_launcher_brings_nats_and_postgres_back(tmp_path: Path) -> None:
    port = free_port()
    env = dict(os.environ)
    env.pop("VIDEOGEN_NATS_URL", None)
    env.pop("VIDEOGEN_DATABASE_URL", None)
    env.update(VIDEOGEN_PORT=str(port), VIDEOGEN_NATS_PORT=str(free_port()),
               VIDEOGEN_PG_PORT=str(free_port()), VIDEOGEN_DATA_DIR=str(tmp_path / ".data"))
    proc = subprocess.Popen([sys.executable, "-m", "videogen_local"], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines: list[str] = []
    assert proc.stdout is not None
    assert proc.stderr is not None
    readers = [threading.Thread(target=lambda s=s: lines.extend(iter(s.readline, "")),
                                daemon=True) for s in (proc.stdout, proc.stderr)]
    for reader in readers:
        reader.start()
    base_url = f"http://127.0.0.1:{port}"
    try:
        _until_line(lines, "VideoGen is running at")
        _until_ready(base_url)  # every service up: none is still starting when we kill
        _until_command_succeeds(base_url)
        launcher = psutil.Process(proc.pid)
        for name, server in (("nats", "nats-server"), ("postgres", "postgres")):
            _server(launcher, server).kill()
            _until_line(lines, f"{name} exited with code -9; restarted it")
            _until_command_succeeds(base_url)
        assert not any("exited; restarted it" in line for line in lines), lines
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(60)
        for reader in readers:
            reader.join(10)
        proc.stdout.close()
        proc.stderr.close()
    assert code == 0, lines[-20:]
