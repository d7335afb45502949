"""`videogen project|script|render` end to end: the real `.venv/bin/videogen` process against
a real stack, with `$EDITOR` a small program that edits the file as a person would.

One flow, in the order a person works: make a project with its script, render it, edit the
script in the editor (reword one sentence, delete one, move one to the other section),
see the reworded one marked stale, render again (only that sentence is narrated: one new
WAV in the narration cache), add lines, refuse a file that cannot be mapped back, delete.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from videogen_local.stack import Stack

from tests.e2e.cli.conftest import Cli
from tests.e2e.text2video_client import decode

pytestmark = pytest.mark.slow

# The editor: reads the ops (JSON) from $EDIT_OPS and applies them to the file's lines,
# found by their marks, as a person would with a text editor.
EDITOR = r'''
import json, os, re, sys
path = sys.argv[1]
lines = open(path, encoding="utf-8").read().splitlines()
def at(mark):
    [i] = [i for i, l in enumerate(lines) if l.rstrip().endswith("{#%s}" % mark)]
    return i
for op in json.loads(os.environ["EDIT_OPS"]):
    i = at(op["mark"])
    if op["op"] == "reword":
        lines[i] = op["text"] + "  {#%s}" % op["mark"]
    elif op["op"] == "delete":
        del lines[i]
    elif op["op"] == "insert_after":
        lines.insert(i + 1, op["text"])
    elif op["op"] == "move_after":
        line = lines.pop(i)
        lines.insert(at(op["after"]) + 1, line)
    elif op["op"] == "raw":
        lines[i] = op["text"]
open(path, "w", encoding="utf-8").write("\n".join(lines) + "\n")
'''


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """$EDITOR for the `videogen` processes this test starts (they inherit os.environ)."""
    script = tmp_path / "edit.py"
    script.write_text(EDITOR)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # where `script edit` writes (and keeps) files
    monkeypatch.delenv("VISUAL", raising=False)


def script_of(stack: Stack, project_id: str) -> list[tuple[str, list[dict[str, Any]]]]:
    """(section id, its sentences in order) for each section, in order, read over HTTP."""
    detail = httpx.get(f"{stack.base_url}/api/v1/projects/{project_id}", timeout=30).json()
    return [(s["id"], sorted(s["sentences"], key=lambda n: n["order"]))
            for s in sorted(detail["sections"], key=lambda s: s["order"])]


def wavs(stack: Stack, project_id: str) -> set[str]:
    """The narration cache's files of the project: one per distinct sentence spoken."""
    folder = Path(stack.env["VIDEOGEN_DATA_DIR"]) / "blobs" / "narration" / project_id
    return {p.name for p in folder.glob("*.wav")}


def edit(cli: Cli, project_id: str, ops: list[dict[str, str]],
         monkeypatch: pytest.MonkeyPatch) -> subprocess.CompletedProcess[str]:
    """`videogen script edit`, the editor applying `ops`."""
    monkeypatch.setenv("EDIT_OPS", json.dumps(ops))
    return cli.run("script", "edit", project_id)


@pytest.mark.usefixtures("editor")
def test_a_project_is_made_edited_in_the_editor_and_rendered_again_narrating_only_the_change(
    stack: Stack, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = cli.run("--json", "project", "new", "--topic",
                        "How lighthouses guide ships", "--minutes", "0.3")
    assert made.returncode == 0, made.stderr
    project = json.loads(made.stdout)
    project_id = project["id"]
    listed = cli.run("--json", "project", "list")
    assert project_id in [p["id"] for p in json.loads(listed.stdout)]
    before = script_of(stack, project_id)
    assert len(before) >= 2, before
    assert all(len(s) >= 2 for _, s in before), before
    (first_id, first), (second_id, second) = before[0], before[1]

    shown = cli.run("script", "show", project_id)
    assert shown.returncode == 0, shown.stderr
    assert first[0]["text"] in shown.stdout
    assert "*" not in shown.stdout

    rendered = cli.run("render", project_id, "-o", str(tmp_path / "one.mp4"),
                            within=600)
    assert rendered.returncode == 0, rendered.stderr
    assert decode((tmp_path / "one.mp4").read_bytes()).duration_s > 1
    spoken_once = wavs(stack, project_id)

    # The file numbers sentences 1..n in order: 1 is the first section's first sentence.
    n_first = len(first)
    reworded = "Its lamp turns all night, and sailors count the flashes to know where they are."
    edited = edit(cli, project_id, [
        {"op": "reword", "mark": "1", "text": reworded},
        {"op": "delete", "mark": str(n_first)},                 # the first section's last
        {"op": "move_after", "mark": str(n_first + 1), "after": "h1"},  # to the first's top
    ], monkeypatch)
    assert edited.returncode == 0, edited.stderr
    assert "1 changed" in edited.stdout, edited.stdout
    assert "1 deleted" in edited.stdout, edited.stdout
    after = script_of(stack, project_id)
    assert [i for i, _ in after] == [first_id, second_id]
    assert [n["id"] for n in after[0][1]] == (
        [second[0]["id"], first[0]["id"]] + [n["id"] for n in first[1:-1]])
    assert after[0][1][1]["text"] == reworded
    assert [n["id"] for n in after[1][1]] == [n["id"] for n in second[1:]]
    stale = [n["id"] for _, s in after for n in s if n.get("stale")]
    assert stale == [first[0]["id"]], after

    shown = cli.run("script", "show", project_id)
    marked = [line for line in shown.stdout.splitlines() if line.startswith("*")]
    assert marked == [f"* {reworded}"], shown.stdout

    rendered = cli.run("--json", "render", project_id, "-o",
                            str(tmp_path / "two.mp4"), within=600)
    assert rendered.returncode == 0, rendered.stderr
    new_wavs = wavs(stack, project_id) - spoken_once
    assert len(new_wavs) == 1, "only the reworded sentence is narrated again"
    assert decode((tmp_path / "two.mp4").read_bytes()).duration_s > 1
    assert not [n for _, s in script_of(stack, project_id) for n in s if n["stale"]]


@pytest.mark.usefixtures("editor")
def test_script_edit_adds_lines_where_they_stand_and_refuses_a_file_it_cannot_map_back(
    stack: Stack, cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    made = cli.run("project", "new", "--topic", "Why tides rise", "--minutes", "0.3")
    assert made.returncode == 0, made.stderr
    project_id = made.stdout.strip()
    before = script_of(stack, project_id)
    (first_id, first), (second_id, second) = before[0], before[1]
    last = sum(len(s) for _, s in before[:2])

    edited = edit(cli, project_id, [
        {"op": "insert_after", "mark": "1", "text": "The Moon pulls the sea towards it."},
        {"op": "insert_after", "mark": str(last), "text": "Twice a day, the water comes back."},
    ], monkeypatch)
    assert edited.returncode == 0, edited.stderr
    assert "2 added" in edited.stdout, edited.stdout
    after = dict(script_of(stack, project_id))
    texts = [n["text"] for n in after[first_id]]
    assert texts == [first[0]["text"], "The Moon pulls the sea towards it.",
                     *[n["text"] for n in first[1:]]]
    assert after[second_id][-1]["text"] == "Twice a day, the water comes back."
    assert [n["id"] for n in after[second_id][:-1]] == [n["id"] for n in second]

    # Renumbered from the new script: 3 is the first section's old second sentence.
    swapped = edit(cli, project_id, [{"op": "move_after", "mark": "3", "after": "h1"}],
                   monkeypatch)
    assert swapped.returncode == 0, swapped.stderr
    assert swapped.stdout.strip().splitlines()[-1] == "1 reordered", swapped.stdout
    ids = [n["id"] for n in after[first_id]]
    assert [n["id"] for n in dict(script_of(stack, project_id))[first_id]] == (
        [ids[2], ids[0], ids[1], *ids[3:]])

    unchanged = script_of(stack, project_id)
    wrong = edit(cli, project_id, [{"op": "raw", "mark": "2", "text": "x {#999}"}], monkeypatch)
    assert wrong.returncode == 2
    assert wrong.stderr.startswith("error: ")
    assert "{#999}" in wrong.stderr
    assert len(wrong.stderr.strip().splitlines()) == 1, wrong.stderr
    kept = Path(wrong.stderr.strip().rsplit(" ", 1)[-1])
    assert "x {#999}" in kept.read_text(), "the refused file is kept, as edited"
    removed_heading = edit(cli, project_id, [{"op": "delete", "mark": "h2"}], monkeypatch)
    assert removed_heading.returncode == 2
    assert "section" in removed_heading.stderr
    renamed = edit(cli, project_id, [{"op": "raw", "mark": "h1", "text": "## Tides  {#h1}"}],
                   monkeypatch)
    assert renamed.returncode == 2
    assert "renamed" in renamed.stderr
    assert script_of(stack, project_id) == unchanged, "a refused file changes nothing"
    same = edit(cli, project_id, [], monkeypatch)
    assert same.returncode == 0
    assert "no changes" in same.stdout
    # Applied (or unchanged) files are removed; the three refused ones stay for their author.
    assert len(list(tmp_path.glob("videogen-*.txt"))) == 3

    refused = cli.run("project", "rm", project_id)  # no --yes, no terminal
    assert refused.returncode == 2
    assert "--yes" in refused.stderr
    removed = cli.run("project", "rm", project_id, "--yes")
    assert removed.returncode == 0, removed.stderr
    gone = cli.run("project", "show", project_id)
    assert gone.returncode == 4
    assert gone.stderr.startswith("error: ")
    assert len(gone.stderr.strip().splitlines()) == 1
