"""The sandbox's tests: which sandbox runs, small limits, and the proof that nothing of a
sandboxed run is left running.

That proof cannot be "no process of the sandbox's uids at all": other tests' renders run
on the same machine. So each hostile program first writes its pid namespace
(`/proc/self/ns/pid`, a kernel-wide id) and its uid to its work directory, and the check is
that no process of that uid is in that namespace any more. A process cannot leave its pid
namespace, whatever it does (setsid, double fork, exec).
"""

from __future__ import annotations

import os
from pathlib import Path

import psutil
import pytest
from videogen_media.manim.jail_uid import render_uids
from videogen_media.manim.sandbox import SandboxLimits, manim_python, sandbox_status

REPO_ROOT = Path(__file__).resolve().parents[3]
PIDNS_FILE = "pidns.txt"
# Runs first (in a scene: at its module's import by Manim), before the hostile part.
PROLOGUE = (
    "import os\n"
    f"with open({PIDNS_FILE!r}, 'w') as f:\n"
    "    f.write(os.readlink('/proc/self/ns/pid') + ' ' + str(os.getuid()))\n"
)
EMPTY_SCENE = (
    "\nfrom manim import Scene\n\n\nclass Scene1(Scene):\n"
    "    def construct(self):\n        self.wait(0.1)\n"
)
TEST_LIMITS = SandboxLimits(wall_seconds=20, cpu_seconds=10)
# Three animations, about 3 s at preview quality: Text (Pango), shapes, a transform.
GOOD_SCENE = '''
from manim import *


class Scene1(Scene):
    def construct(self):
        title = Text("Sandboxed", color=YELLOW).to_edge(UP)
        circle = Circle(radius=1.2, color=BLUE, fill_opacity=0.6)
        self.play(Write(title), run_time=0.8)
        self.play(Create(circle), run_time=0.8)
        self.play(Transform(circle, Square(side_length=2.4, color=RED, fill_opacity=0.6)),
                  run_time=0.8)
        self.wait(0.6)
'''


def hostile_scene(body: str) -> str:
    return PROLOGUE + body + EMPTY_SCENE


def hostile_program(workdir: Path, body: str) -> list[str]:
    """`body` as a plain Python program in `workdir`: the argv that runs it in the sandbox."""
    workdir.mkdir(parents=True)
    (workdir / "hostile.py").write_text(PROLOGUE + body)
    return [manim_python(), "hostile.py"]


def sandbox_run(workdir: Path) -> tuple[str, int]:
    """The pid namespace and the uid the program in `workdir` ran in, as it wrote them."""
    pidns, uid = (workdir / PIDNS_FILE).read_text().split()
    assert pidns.startswith("pid:["), pidns
    assert pidns != os.readlink("/proc/self/ns/pid"), "the program ran in our pid namespace"
    # Its own uid: not nobody (the embedded PostgreSQL's), not root.
    assert int(uid) in render_uids(), uid
    return pidns, int(uid)


def left_running(workdir: Path) -> list[int]:
    """Pids of the run's uid still in the run's pid namespace (psutil, /proc/PID/ns/pid)."""
    pidns, uid = sandbox_run(workdir)
    found = []
    for proc in psutil.process_iter(["uids"]):
        if proc.info["uids"] is None or proc.info["uids"].real != uid:
            continue
        # A process of that uid that we could not inspect fails the test (PermissionError).
        try:
            if os.readlink(f"/proc/{proc.pid}/ns/pid") == pidns:
                found.append(proc.pid)
        except (FileNotFoundError, ProcessLookupError):
            continue  # it ended while we looked
    return found


@pytest.fixture(params=["bwrap", "unshare"])
def sandbox_kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test in bubblewrap and in the forced fallback (each probed once per process)."""
    monkeypatch.setenv("VIDEOGEN_MANIM_SANDBOX", request.param)
    status = sandbox_status()
    assert status.available, status.reason
    assert status.sandbox == request.param
    return str(request.param)
