"""The probe: bubblewrap first, the unshare fallback when bwrap does not work (said in the
status and the logs), and never an unsandboxed run when neither does."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

import av
import pytest
from videogen_media.manim import sandbox
from videogen_media.manim.sandbox import SandboxFailed, sandbox_status
from videogen_media.manim.scene_render import render_scene

from .conftest import GOOD_SCENE, TEST_LIMITS

BROKEN_BWRAP = "bwrap: setting up uid map: Permission denied"


@pytest.fixture
def fresh_probe(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The patched environment, probed on its own: the probe is cached by every setting it
    depends on, so the real environment's probe is never overwritten, nor answered here."""
    monkeypatch.delenv("VIDEOGEN_MANIM_SANDBOX", raising=False)
    return monkeypatch


def fake_launcher(directory: Path, name: str, message: str) -> None:
    directory.mkdir(exist_ok=True)
    path = directory / name
    path.write_text(f"#!/bin/sh\necho '{message}' >&2\nexit 1\n")
    path.chmod(0o755)


async def test_a_broken_bwrap_falls_back_to_unshare(
    tmp_path: Path, fresh_probe: pytest.MonkeyPatch
) -> None:
    fake_launcher(tmp_path / "bin", "bwrap", BROKEN_BWRAP)
    path = os.environ["PATH"]
    fresh_probe.setenv("PATH", f"{tmp_path / 'bin'}:{path}")
    status = sandbox_status(refresh=True)
    assert status.available
    assert status.sandbox == "unshare"
    assert status.reason == (
        f"bwrap unavailable: {BROKEN_BWRAP}; using unshare + setpriv + rlimits"
    )
    out = await render_scene(
        GOOD_SCENE, "Scene1", tmp_path / "w", width=426, height=240, fps=15,
        max_duration_s=60.0, limits=TEST_LIMITS,
    )
    assert out.sandbox == "unshare"
    with av.open(str(out.video)) as container:
        assert container.streams.video[0].codec_context.width == 426
        assert sum(1 for _ in container.decode(video=0)) > 30
    # A changed setting is never answered from the probe of another: with the real PATH,
    # bwrap and the fallback forced each get their own answer without a refresh.
    fresh_probe.setenv("PATH", path)
    fresh_probe.setenv("VIDEOGEN_MANIM_SANDBOX", "bwrap")
    assert sandbox_status().sandbox == "bwrap"
    fresh_probe.setenv("VIDEOGEN_MANIM_SANDBOX", "unshare")
    forced = sandbox_status()
    assert (forced.sandbox, forced.reason) == (
        "unshare", "VIDEOGEN_MANIM_SANDBOX=unshare; using unshare + setpriv + rlimits")


async def test_without_any_sandbox_nothing_runs(
    tmp_path: Path, fresh_probe: pytest.MonkeyPatch
) -> None:
    fake_launcher(tmp_path / "bin", "bwrap", BROKEN_BWRAP)
    fake_launcher(tmp_path / "bin", "unshare", "unshare: unshare failed: Operation not permitted")
    fresh_probe.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    status = sandbox_status(refresh=True)
    assert not status.available
    assert status.sandbox is None
    assert status.reason == (
        f"bwrap unavailable: {BROKEN_BWRAP}; unshare unavailable: unshare: unshare failed: "
        "Operation not permitted; generated code is never run unsandboxed"
    )
    with pytest.raises(SandboxFailed) as failed:
        await render_scene(
            GOOD_SCENE, "Scene1", tmp_path / "w", width=426, height=240, fps=15,
            max_duration_s=60.0, limits=TEST_LIMITS,
        )
    assert failed.value.reason == f"Manim cannot render here: {status.reason}"
    assert not (tmp_path / "w" / "media").exists()


def test_an_unknown_sandbox_setting_is_refused(fresh_probe: pytest.MonkeyPatch) -> None:
    fresh_probe.setenv("VIDEOGEN_MANIM_SANDBOX", "none")
    status = sandbox_status(refresh=True)
    assert not status.available
    assert status.reason == "VIDEOGEN_MANIM_SANDBOX='none': use auto, bwrap or unshare"


def test_an_interpreter_without_manim_is_said(fresh_probe: pytest.MonkeyPatch) -> None:
    # The base interpreter of the venv runs in the sandbox but has no manim installed.
    python = f"{sys.base_prefix}/bin/python3"
    fresh_probe.setenv("VIDEOGEN_MANIM_PYTHON", python)
    status = sandbox_status(refresh=True)
    assert not status.available
    assert status.sandbox == "bwrap"
    assert status.reason.startswith(f"manim does not import in {python}: ")
    assert "ModuleNotFoundError: No module named 'manim'" in status.reason


def test_a_missing_interpreter_is_said(fresh_probe: pytest.MonkeyPatch) -> None:
    fresh_probe.setenv("VIDEOGEN_MANIM_PYTHON", "/nonexistent/python")
    status = sandbox_status(refresh=True)
    assert not status.available
    assert status.reason.startswith("the Manim interpreter /nonexistent/python does not run: ")


def test_a_probe_is_cached_under_the_settings_it_probed(fresh_probe: pytest.MonkeyPatch) -> None:
    # The full suite's failure: a probe that waited for the lock (another probe running)
    # read the settings again once it had it, after a test had changed them, and cached
    # bwrap's answer as the forced fallback's. Key and probe are one snapshot now.
    probed: list[str | None] = []

    def probe_now(environ: Mapping[str, str]) -> object:
        probed.append(environ.get("VIDEOGEN_MANIM_SANDBOX"))
        return sandbox._unavailable("fake probe")

    fresh_probe.setattr(sandbox, "_probe_now", probe_now)
    # A PATH of its own: the fake answer is cached under a key no other test uses.
    fresh_probe.setenv("PATH", f"{os.environ['PATH']}:/nonexistent-{os.getpid()}")
    fresh_probe.setenv("VIDEOGEN_MANIM_SANDBOX", "unshare")
    with sandbox._probe_lock:
        waiting = threading.Thread(target=sandbox_status, kwargs={"refresh": True})
        waiting.start()
        time.sleep(0.2)  # it has read the settings and waits for the lock
        fresh_probe.setenv("VIDEOGEN_MANIM_SANDBOX", "bwrap")
    waiting.join(5)
    assert probed == ["unshare"]
