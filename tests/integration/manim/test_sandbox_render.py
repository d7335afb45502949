"""A good scene renders in the sandbox (and in the fallback) into a video that decodes; a
long one is cut; a missing class is named; a cancel leaves nothing running."""

from __future__ import annotations

import asyncio
from pathlib import Path

import av
import numpy as np
import pytest
from videogen_media.manim.jail_uid import render_uids
from videogen_media.manim.sandbox import SandboxFailed, run_sandboxed, sandbox_status
from videogen_media.manim.scene_render import render_scene
from videogen_media.probe import frame_at

from .conftest import GOOD_SCENE, TEST_LIMITS, hostile_program, left_running


async def test_a_good_scene_renders_and_decodes(tmp_path: Path, sandbox_kind: str) -> None:
    out = await render_scene(
        GOOD_SCENE, "Scene1", tmp_path / "w", width=426, height=240, fps=15,
        max_duration_s=60.0, limits=TEST_LIMITS,
    )
    assert out.sandbox == sandbox_kind
    assert out.video == tmp_path / "w" / "scene.mp4"
    with av.open(str(out.video)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (426, 240)
        assert float(stream.average_rate or 0) == pytest.approx(15, abs=0.01)
        frames = sum(1 for _ in container.decode(stream))
    assert out.duration_s == pytest.approx(3.0, abs=0.2)
    assert frames == pytest.approx(45, abs=3)
    first, last = frame_at(out.video, 0.1), frame_at(out.video, out.duration_s - 0.1)
    assert last.std() > 10  # not a blank frame: a red square and a title on black
    assert np.abs(last.astype(int) - first.astype(int)).mean() > 2  # it moves
    assert "Rendered Scene1" in out.log


async def test_a_long_scene_is_cut_to_the_maximum(tmp_path: Path) -> None:
    out = await render_scene(
        GOOD_SCENE, "Scene1", tmp_path / "w", width=426, height=240, fps=15,
        max_duration_s=1.5, limits=TEST_LIMITS,
    )
    assert out.duration_s == pytest.approx(1.5, abs=0.1)
    with av.open(str(out.video)) as container:
        assert sum(1 for _ in container.decode(video=0)) == pytest.approx(22, abs=2)


async def test_a_missing_scene_class_is_named(tmp_path: Path) -> None:
    with pytest.raises(SandboxFailed) as failed:
        await render_scene(
            GOOD_SCENE, "Scene2", tmp_path / "w", width=426, height=240, fps=15,
            max_duration_s=60.0, limits=TEST_LIMITS,
        )
    assert failed.value.reason == "the code defines no class Scene2"
    assert failed.value.detail == "classes defined: Scene1"


async def test_an_error_in_the_scene_is_reported_with_its_traceback(tmp_path: Path) -> None:
    code = GOOD_SCENE.replace("self.wait(0.6)", "self.play(Create(undefined_thing))")
    with pytest.raises(SandboxFailed) as failed:
        await render_scene(
            code, "Scene1", tmp_path / "w", width=426, height=240, fps=15,
            max_duration_s=60.0, limits=TEST_LIMITS,
        )
    assert failed.value.reason == "exit status 1"
    assert "NameError" in failed.value.detail
    assert "undefined_thing" in failed.value.detail


async def test_cancel_kills_everything_the_scene_started(tmp_path: Path, sandbox_kind: str) -> None:
    # The program forks helpers that detach (setsid) and sleep: the whole tree must die. A
    # plain Python program (no Manim import to wait for): a render's cancel is this same
    # run_sandboxed's, which render_scene awaits.
    body = (
        "import time\n"
        "for _ in range(3):\n"
        "    if os.fork() == 0:\n"
        "        os.setsid()\n"
        "        time.sleep(600)\n"
        "time.sleep(600)\n"
    )
    workdir = tmp_path / "w"
    render = asyncio.create_task(
        run_sandboxed(hostile_program(workdir, body), workdir, TEST_LIMITS))
    for _ in range(300):
        # Not yet written, or only created: the prologue has not run yet.
        written = (workdir / "pidns.txt").exists() and (workdir / "pidns.txt").read_text()
        if written and len(left_running(workdir)) >= 4:
            break
        await asyncio.sleep(0.05)
    assert len(left_running(workdir)) >= 4  # the check sees them while they run
    render.cancel()
    with pytest.raises(asyncio.CancelledError):
        await render
    assert left_running(workdir) == []


def test_the_status_says_which_sandbox(sandbox_kind: str) -> None:
    status = sandbox_status()
    assert status.available
    assert status.sandbox == sandbox_kind
    assert status.manim_version == "0.22.0"
    fallback = "VIDEOGEN_MANIM_SANDBOX=unshare; using unshare + setpriv + rlimits"
    assert status.reason == {"bwrap": "", "unshare": fallback}[sandbox_kind]


async def test_concurrent_runs_get_uids_of_their_own(tmp_path: Path) -> None:
    # Not nobody (the embedded PostgreSQL's), and not each other's: RLIMIT_NPROC counts the
    # processes of a uid, so a shared uid would share the process cap.
    body = "import time\nprint('uid', os.getuid(), os.getgid())\ntime.sleep(1)\n"
    runs = await asyncio.gather(*(
        run_sandboxed(hostile_program(tmp_path / f"w{n}", body), tmp_path / f"w{n}", TEST_LIMITS)
        for n in range(2)
    ))
    ids = [run.output.split("uid ", 1)[1].split()[:2] for run in runs]
    assert all(uid == gid and int(uid) in render_uids() for uid, gid in ids), ids
    assert ids[0] != ids[1]
    assert all((tmp_path / f"w{n}").stat().st_uid == int(ids[n][0]) for n in range(2))
