"""Every hostile program of issue 12 fails with its reason, and nothing of it is left running.

Containment, not Manim, is what is tested: the hostile bodies run as plain Python in the
sandbox (`run_sandboxed` with the render interpreter, seconds less each than a Manim
import); a render is the same `run_sandboxed` with Manim's argv, which the cases kept
through `render_scene` show (the planted link; test_sandbox_render.py has the rest of
the render path). All run in bubblewrap; in the unshare fallback (the `sandbox_kind`
fixture) the cases whose mechanism differs there: the network namespace, the mounts
(secrets, the repository, writes outside), the pid namespace (fork bomb, wall clock) and
the memory cap. The CPU, file size and output limits are the same prlimit and pipe reading
in both.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest
from videogen_media.manim import scene_render
from videogen_media.manim.sandbox import SandboxFailed, SandboxLimits, run_sandboxed
from videogen_media.manim.scene_render import render_scene

from .conftest import REPO_ROOT, TEST_LIMITS, hostile_program, hostile_scene, left_running

pytestmark = pytest.mark.usefixtures("sandbox_kind")
# The cases whose mechanism is the same in the fallback run in bubblewrap only.
bwrap_only = pytest.mark.parametrize("sandbox_kind", ["bwrap"], indirect=True)
QUICK_LIMITS = SandboxLimits(wall_seconds=4, cpu_seconds=10)


async def run_failure(
    workdir: Path, body: str, limits: SandboxLimits = TEST_LIMITS
) -> SandboxFailed:
    """`body` as a plain Python program in the sandbox, which must fail."""
    with pytest.raises(SandboxFailed) as failed:
        await run_sandboxed(hostile_program(workdir, body), workdir, limits)
    # Whatever the code did, no process of it is left once run_sandboxed has returned.
    assert left_running(workdir) == []
    return failed.value


async def render_failure(
    workdir: Path, body: str, limits: SandboxLimits = TEST_LIMITS
) -> SandboxFailed:
    """`body` in a scene's module, rendered by Manim in the sandbox, which must fail."""
    with pytest.raises(SandboxFailed) as failed:
        await render_scene(
            hostile_scene(body), "Scene1", workdir, width=426, height=240, fps=15,
            max_duration_s=5.0, limits=limits,
        )
    assert left_running(workdir) == []
    return failed.value


async def test_a_socket_reaches_nothing(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        body = (
            "import socket\n"
            f"for address in [('127.0.0.1', {port}), ('1.1.1.1', 80)]:\n"
            "    try:\n"
            "        socket.create_connection(address, timeout=3)\n"
            "        print('CONNECTED', address)\n"
            "    except OSError as exc:\n"
            "        print('refused', address, type(exc).__name__, exc)\n"
            "raise SystemExit(3)\n"
        )
        failure = await run_failure(tmp_path / "w", body)
        server.settimeout(0.1)
        with pytest.raises(TimeoutError):
            server.accept()  # our listener on the host's loopback saw no connection
    assert failure.reason == "exit status 3"
    assert "CONNECTED" not in failure.detail
    assert f"refused ('127.0.0.1', {port})" in failure.detail
    assert "refused ('1.1.1.1', 80)" in failure.detail


async def test_secrets_and_the_repository_are_unreadable(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("host secret")
    targets = ["/etc/shadow", str(REPO_ROOT / "README.md"), str(REPO_ROOT / "pyproject.toml"),
               str(REPO_ROOT / ".data"), str(secret), "/root/.bashrc"]
    body = (
        "import os\n"
        f"for path in {targets!r}:\n"
        "    try:\n"
        "        print('LEAKED', path, open(path).read()[:20])\n"
        "    except OSError as exc:\n"
        "        print('denied', path, type(exc).__name__)\n"
        f"print('listing', sorted(os.listdir({str(REPO_ROOT)!r})))\n"
        "raise SystemExit(3)\n"
    )
    failure = await run_failure(tmp_path / "w", body)
    assert failure.reason == "exit status 3"
    assert "LEAKED" not in failure.detail
    assert "denied /etc/shadow PermissionError" in failure.detail
    for path in targets[1:]:
        assert f"denied {path} FileNotFoundError" in failure.detail
    # Of the repository, only the venv's own directory exists inside (an empty mount point
    # on the way to the read-only venv), never its files.
    prefix = Path(sys.prefix)
    inside = [prefix.relative_to(REPO_ROOT).parts[0]] if prefix.is_relative_to(REPO_ROOT) else []
    assert f"listing {sorted(inside)!r}" in failure.detail


async def test_writes_outside_its_directory_fail(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir(mode=0o777)
    outside.chmod(0o777)  # even a world-writable host directory is not reachable
    targets = [str(REPO_ROOT / "pwned.txt"), "/usr/pwned.txt", "/etc/pwned.txt",
               f"{sys.prefix}/pwned.txt", str(outside / "pwned.txt"), "/pwned.txt"]
    body = (
        f"for path in {targets!r}:\n"
        "    try:\n"
        "        open(path, 'w').write('x')\n"
        "        print('WROTE', path)\n"
        "    except OSError as exc:\n"
        "        print('refused', path, type(exc).__name__)\n"
        "raise SystemExit(3)\n"
    )
    failure = await run_failure(tmp_path / "w", body)
    assert failure.reason == "exit status 3"
    assert "WROTE" not in failure.detail
    for path in targets:
        assert f"refused {path}" in failure.detail
    assert not any(Path(path).exists() for path in targets)  # noqa: ASYNC240


async def test_a_fork_bomb_is_contained(tmp_path: Path) -> None:
    # Every process forks again and again; at the process limit they wait a little and
    # retry (a bomb that keeps the table full without spinning the shared CPUs).
    body = (
        "import time\n"
        "while True:\n"
        "    try:\n"
        "        os.fork()\n"
        "    except OSError:\n"
        "        time.sleep(0.05)\n"
    )
    limits = SandboxLimits(wall_seconds=3, cpu_seconds=10, processes=48)
    failure = await run_failure(tmp_path / "w", body, limits)
    assert failure.reason == "timed out after 3 s"


@bwrap_only
async def test_a_busy_loop_hits_the_cpu_limit(tmp_path: Path) -> None:
    # The wall limit is far, so that on a loaded machine the CPU limit still comes first.
    limits = SandboxLimits(wall_seconds=60, cpu_seconds=2)
    failure = await run_failure(tmp_path / "w", "while True:\n    pass\n", limits)
    assert failure.reason == "CPU time limit (2 s) reached"


async def test_a_sleeper_hits_the_wall_clock_limit(tmp_path: Path) -> None:
    failure = await run_failure(tmp_path / "w", "import time\ntime.sleep(600)\n", QUICK_LIMITS)
    assert failure.reason == "timed out after 4 s"


async def test_a_20_gb_allocation_fails(tmp_path: Path) -> None:
    failure = await run_failure(tmp_path / "w", "hog = bytearray(20 * 1024 ** 3)\n")
    assert failure.reason == "exceeded the memory limit (3 GiB)"
    assert "MemoryError" in failure.detail


@bwrap_only
async def test_printing_1_gb_is_cut_at_the_output_cap(tmp_path: Path) -> None:
    body = (
        "import sys\nchunk = 'x' * (1 << 20)\nfor _ in range(1024):\n    sys.stdout.write(chunk)\n"
    )
    failure = await run_failure(tmp_path / "w", body)
    assert failure.reason == "printed more than 4 MiB"


@bwrap_only
async def test_a_big_file_hits_the_file_size_limit(tmp_path: Path) -> None:
    body = "open('big.bin', 'wb').write(b'x' * (16 * 1024 * 1024))\n"
    limits = SandboxLimits(wall_seconds=20, cpu_seconds=10, file_mb=8)
    failure = await run_failure(tmp_path / "w", body, limits)
    assert failure.reason == "wrote more than the file size limit (8 MiB)"
    assert (tmp_path / "w" / "big.bin").stat().st_size <= 8 * 1024 * 1024


@bwrap_only
async def test_invalid_python_never_reaches_the_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def no_sandbox(*args: object, **kwargs: object) -> None:
        raise AssertionError("invalid code was sent to the sandbox")

    monkeypatch.setattr(scene_render, "run_sandboxed", no_sandbox)
    with pytest.raises(SandboxFailed) as failed:
        await render_scene(
            "from manim import *\nclass Scene1(Scene)\n    pass\n", "Scene1", tmp_path,
            width=426, height=240, fps=15, max_duration_s=5.0, limits=TEST_LIMITS,
        )
    assert failed.value.reason == "not valid Python: expected ':' (line 2)"
    assert "class Scene1(Scene)" in failed.value.detail


@bwrap_only
async def test_a_planted_link_is_not_taken_for_the_video(tmp_path: Path) -> None:
    # A "video" that is a link to a secret would be stored and served by the media service.
    body = (
        "os.makedirs('media/videos/scene/240p15')\n"
        "os.symlink('/etc/shadow', 'media/videos/scene/240p15/scene.mp4')\n"
        "os.symlink('/etc', 'media/videos/etc')\n"
        "os._exit(0)\n"
    )
    failure = await render_failure(tmp_path / "w", body)
    assert failure.reason == "Manim rendered no video"
    assert not (tmp_path / "w" / "scene.mp4").exists()
