"""The `videogen` CLI as a user runs it: the real `.venv/bin/videogen` process, against a real
stack (the package's shared `stack`, tests/e2e/conftest.py).

`cli.run(...)` runs a command to its end; `cli.spawn(...)` starts one that a test signals
(SIGKILL, SIGINT) while it follows a job, reading its stderr line by line as it comes.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest
from videogen_local.stack import Stack

VIDEOGEN = Path(sys.executable).with_name("videogen")
# Three short sentences: a job of about 20 s on the offline providers.
TEXT = ("Octopuses have three hearts and blue blood. Each of their arms can taste what it"
        " touches. They solve puzzles and open jars to reach their food.")


def _as_in_a_terminal() -> None:
    """In the child, before exec: Ctrl-C interrupts, as it does for a command typed in a
    terminal. A run started in the background by a shell without job control (`make test &`,
    some CI runners) ignores SIGINT, and an ignored signal stays ignored across exec: Python
    then installs no KeyboardInterrupt handler, and the CLI rightly leaves it ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@dataclass
class Spawned:
    """A running `videogen` whose stderr is read as it is written."""

    proc: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    _queue: queue.Queue[str | None] = field(default_factory=queue.Queue)

    def start_reading(self, stream: IO[str]) -> None:
        def pump() -> None:
            with stream:
                for line in stream:
                    self._queue.put(line.rstrip("\n"))
            self._queue.put(None)

        threading.Thread(target=pump, daemon=True).start()

    def wait_for(self, needle: str, within: float = 90.0) -> str:
        """The first stderr line containing `needle` (lines before it are kept too)."""
        deadline = time.monotonic() + within
        for line in self.lines:
            if needle in line:
                return line
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            self.lines.append(line)
            if needle in line:
                return line
        raise AssertionError(f"no {needle!r} on stderr within {within}s: {self.lines}")

    def finish(self, within: float = 120.0) -> tuple[int, str, str]:
        """Exit code, stdout and the whole stderr once the process has ended."""
        rc = self.proc.wait(timeout=within)
        assert self.proc.stdout is not None
        with self.proc.stdout:
            out = self.proc.stdout.read()
        while (line := self._queue.get(timeout=10)) is not None:
            self.lines.append(line)
        return rc, out, "\n".join(self.lines)


@dataclass
class Cli:
    url: str
    cwd: Path

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("VIDEOGEN_")}
        return env | {"VIDEOGEN_URL": self.url, "COLUMNS": "120"}

    def run(self, *args: str, stdin: str | None = None,
            within: float = 180.0) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(VIDEOGEN), *args], input=stdin, capture_output=True, text=True,
            env=self.env(), cwd=self.cwd, timeout=within,
            stdin=None if stdin is not None else subprocess.DEVNULL)

    def json(self, *args: str) -> Any:
        done = self.run("--json", *args)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def spawn(self, *args: str, stdin: int | IO[Any] | None = subprocess.DEVNULL) -> Spawned:
        proc = subprocess.Popen(
            [str(VIDEOGEN), *args], stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=self.env(), cwd=self.cwd, preexec_fn=_as_in_a_terminal)
        spawned = Spawned(proc)
        assert proc.stderr is not None
        spawned.start_reading(proc.stderr)
        return spawned


@pytest.fixture(scope="module")
def cli(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Cli:
    if not VIDEOGEN.exists():
        pytest.fail(f"{VIDEOGEN} is missing: `make setup` installs the videogen command")
    return Cli(stack.base_url, tmp_path_factory.mktemp("cli"))
