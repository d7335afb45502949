"""`videogen` job commands, end to end: the real process against a real stack, its files
decoded with PyAV.

The flows are few and each does a lot (a job costs ~20 s): generate to a file while a brief
runs detached, then watch the brief; a CLI killed with SIGKILL mid-job and `watch`
reattaching; Ctrl-C with "leave" and with "cancel"; errors as one line and an exit code.
"""

from __future__ import annotations

import os
import pty
import re
import signal
import time
import uuid
from pathlib import Path

import pytest
from videogen_local.stack import Stack

from tests.e2e.cli.conftest import TEXT, Cli
from tests.e2e.text2video_client import decode

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# The stage lines follow_job prints when stderr is not a terminal, in the order they come.
STAGES = ["queued", "script", "narration", "captions", "visuals", "render", "completed"]


def stage_order(stderr: str) -> list[str]:
    """The stages named on stderr's progress lines, each once, in order."""
    seen: list[str] = []
    for match in re.finditer(r"^\s*\d+%\s+(\w+)", stderr, re.MULTILINE):
        if match[1] not in seen:
            seen.append(match[1])
    return seen


def assert_video(path: Path, *, portrait: bool = False) -> None:
    assert path.exists(), f"{path} was not written"
    assert not path.with_name(path.name + ".part").exists()
    decoded = decode(path.read_bytes())
    assert decoded.duration_s > 2, decoded
    assert (decoded.video_codec, decoded.audio_codec) == ("h264", "aac"), decoded
    assert (decoded.height > decoded.width) == portrait, decoded


def job_id_in(stderr: str) -> str:
    match = re.search(rf"^job ({UUID})$", stderr, re.MULTILINE)
    assert match, stderr
    return match[1]


def test_generate_shows_the_stages_and_saves_a_video_while_a_brief_runs_detached(
    cli: Cli,
) -> None:
    detached = cli.run("brief", "--topic", "Why octopuses are so smart", "--audience", "kids",
                       "--aspect", "9:16", "--duration", "0:20", "--detach", within=30)
    assert detached.returncode == 0, detached.stderr
    brief_id = detached.stdout.strip()
    assert re.fullmatch(UUID, brief_id), detached.stdout

    done = cli.run("generate", TEXT, "-o", "out.mp4", "--aspect", "16:9")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(cli.cwd / "out.mp4") or done.stdout.strip() == "out.mp4"
    assert stage_order(done.stderr) == STAGES, done.stderr
    assert re.search(r"narration 1/\d+", done.stderr), done.stderr
    assert re.search(r"render \d+%", done.stderr), done.stderr
    assert_video(cli.cwd / "out.mp4")
    job_id = job_id_in(done.stderr)

    status = cli.json("status", job_id)
    assert (status["id"], status["kind"], status["status"]) == (job_id, "text2video", "completed")
    listed = [job["id"] for job in cli.json("jobs")]
    assert job_id in listed, listed
    assert brief_id in listed, listed
    again = cli.run("download", job_id, "-o", "copy.mp4")
    assert again.returncode == 0, again.stderr
    assert (cli.cwd / "copy.mp4").read_bytes() == (cli.cwd / "out.mp4").read_bytes()
    late = cli.run("cancel", job_id, within=30)
    assert (late.returncode, late.stderr) == (3, "error: Conflict: Job already finished\n")

    watched = cli.run("watch", brief_id, "-o", "brief.mp4")
    assert watched.returncode == 0, watched.stderr
    assert stage_order(watched.stderr) == STAGES, watched.stderr
    assert_video(cli.cwd / "brief.mp4", portrait=True)
    assert cli.json("status", brief_id)["kind"] == "brief"


def test_a_cli_killed_mid_job_is_reattached_by_watch_and_the_file_arrives(cli: Cli) -> None:
    # Twice the text: the job is still running when `watch` comes back to it.
    first = cli.spawn("generate", f"{TEXT} {TEXT}", "-o", "killed.mp4")
    job_id = job_id_in(first.wait_for("job "))
    first.wait_for("narration 1/")
    first.proc.send_signal(signal.SIGKILL)
    assert first.finish(within=10)[0] == -signal.SIGKILL
    assert not (cli.cwd / "killed.mp4").exists()
    assert cli.json("status", job_id)["status"] == "processing"

    watched = cli.run("watch", job_id, "-o", "killed.mp4")
    assert watched.returncode == 0, watched.stderr
    # The replay shows the stages the killed CLI saw, then the rest live.
    assert stage_order(watched.stderr) == STAGES, watched.stderr
    assert_video(cli.cwd / "killed.mp4")


def test_watch_survives_a_gateway_restart_resuming_after_the_last_event(
    cli: Cli, stack: Stack,
) -> None:
    started = cli.run("generate", f"{TEXT} {TEXT}", "--detach", within=30)
    assert started.returncode == 0, started.stderr
    job_id = started.stdout.strip()
    watching = cli.spawn("watch", job_id, "-o", "restart.mp4")
    watching.wait_for("narration 1/")
    stack.kill("gateway")
    stack.start("gateway")
    stack.wait_ready()
    rc, out, stderr = watching.finish(within=180)
    assert rc == 0, stderr
    assert out.strip() == "restart.mp4"
    # Resumed with Last-Event-ID: nothing before the cut was shown twice, nothing was lost.
    assert stage_order(stderr) == STAGES, stderr
    for early in ("queued", "script", "narration 1/6"):
        assert len(re.findall(rf"^\s*\d+%\s+{early}$", stderr, re.MULTILINE)) == 1, stderr
    assert_video(cli.cwd / "restart.mp4")


def test_ctrl_c_leaves_the_job_running_unless_asked_to_cancel(cli: Cli) -> None:
    # stdin is not a terminal: Ctrl-C leaves the job running without asking.
    # Each process is interrupted as soon as its job narrates, before the next one starts:
    # a short job can run to its end while a second CLI is still starting on a loaded box.
    left = cli.spawn("generate", TEXT, "-o", "left.mp4")
    left_id = job_id_in(left.wait_for("job "))
    left.wait_for("narration")
    left.proc.send_signal(signal.SIGINT)
    rc, _, stderr = left.finish(within=20)
    assert rc == 130, stderr
    assert f"left job {left_id} running" in stderr
    assert "Traceback" not in stderr

    # A terminal on stdin: Ctrl-C asks, and "c" cancels.
    master, slave = pty.openpty()
    asked = cli.spawn("generate", TEXT, "-o", "cancelled.mp4", stdin=slave)
    os.close(slave)
    asked_id = job_id_in(asked.wait_for("job "))
    asked.wait_for("narration")
    asked.proc.send_signal(signal.SIGINT)
    time.sleep(0.5)  # the answer waits in the terminal's buffer until the prompt reads it
    os.write(master, b"c\n")
    rc, _, stderr = asked.finish(within=20)
    os.close(master)
    assert rc == 130, stderr
    assert "cancel the job or leave it running?" in stderr
    assert f"cancelling job {asked_id}" in stderr

    # The cancelled job ends as cancelled (exit 1); the one left running completes.
    ended = cli.run("watch", asked_id, within=60)
    assert ended.returncode == 1, ended.stderr
    assert f"job {asked_id} cancelled" in ended.stderr
    assert cli.json("status", asked_id)["status"] == "cancelled"
    completed = cli.run("watch", left_id, "-o", "left.mp4")
    assert completed.returncode == 0, completed.stderr
    assert_video(cli.cwd / "left.mp4")

    # A cancelled job can be retried; a retried one cancelled again.
    retried = cli.json("retry", asked_id)
    assert retried["answer"]["status"] == "queued", retried
    cancelled = cli.run("cancel", asked_id)
    assert cancelled.returncode == 0, cancelled.stderr


@pytest.mark.parametrize(("args", "code", "line"), [
    (["status", str(uuid.UUID(int=7))], 4, "error: Not Found: "),
    (["download", "not-a-job"], 4, "error: Not Found: "),
    (["--url", "http://127.0.0.1:9", "jobs"], 7, "error: cannot reach the gateway: "),
    (["generate", "text", "--bogus"], 2, "error: No such option: --bogus"),
    (["generate"], 2, "error: Missing argument"),
    (["brief", "--topic", "x", "--aspect", "4:3"], 2, "error: Invalid value for --aspect"),
    (["brief", "--topic", "x", "--duration", "soon"], 2, "error: Invalid value for --duration"),
    (["generate", "  "], 3, "error: Bad Request: No text provided in request body"),
    (["generate", "Bees.", "--captions", "neon"], 3,
     'error: Bad Request: captions.style must be one of "classic", "karaoke"'),
    (["generate", "Bees.", "--loudness", "-40"], 3,
     "error: Bad Request: sound.loudness_lufs must be a number from -23 to -9"),
])
def test_errors_are_one_line_with_the_documented_exit_code(
    cli: Cli, args: list[str], code: int, line: str,
) -> None:
    done = cli.run(*args, within=30)
    assert done.returncode == code, done.stderr
    assert done.stderr.startswith(line), done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stdout == ""

