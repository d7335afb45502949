"""`videogen script edit`'s text form of a script, and what an edited copy asks for.

The file holds one sentence per line under `## section` headings. Each line ends with a
short mark (`{#3}`, `{#h1}` for a heading) that ties it to its sentence (section): the
marks are numbers local to this one file, so the ids stay out of the way and a line
moved, reworded or deleted is still known. The file is read back into a Plan (pure), and
the plan is sent as the studio's edit commands (`send_plan`).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from videogen_cli.client import Api, Problem
from videogen_cli.output import Ctx, emit
from videogen_cli.problems import BAD_USAGE, REFUSED

HEADER = """\
# videogen script edit: {topic} ({project_id})
# One sentence per line under its "## section" heading. Reword a line to change the
# sentence; delete a line to delete it; move lines to reorder them, or to another
# section; write a new line (without a {{#n}} mark) to add a sentence. Headings may be
# reordered, not renamed, added or removed. Keep the {{#...}} marks: they tie each line
# to its sentence. Lines starting with "#" and with no mark are ignored. Save and quit
# to apply; an unchanged file applies nothing.
"""

_MARK = re.compile(r"\s*\{#(h?\d+)\}\s*$")


class ScriptFileError(ValueError):
    """The edited file cannot be mapped back onto the script (the reason is the message)."""


@dataclass(frozen=True)
class Sentence:
    id: str
    text: str


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    sentences: list[Sentence]


@dataclass
class DraftSection:
    """A section as the edited file wants it: its lines, each an existing sentence's id
    (with its possibly new text) or None for a new sentence."""

    id: str
    title: str
    line: int  # where its heading is in the file
    lines: list[tuple[str | None, str]] = field(default_factory=list)


def sections_of(project: dict[str, Any]) -> list[Section]:
    """The project's script from `GET /api/v1/projects/{id}`, in order."""
    return [
        Section(
            id=s["id"], title=s["title"],
            sentences=[Sentence(n["id"], n["text"])
                       for n in sorted(s["sentences"], key=lambda n: n["order"])],
        )
        for s in sorted(project.get("sections") or [], key=lambda s: s["order"])
    ]


def one_line(text: str) -> str:
    """A sentence as it fits on one line of the file (a newline in it would split it)."""
    return " ".join(text.split())


def write_script(project: dict[str, Any], script: list[Section]) -> tuple[str, dict[str, str]]:
    """The file's text, and what each mark stands for (mark → section or sentence id)."""
    marks: dict[str, str] = {}
    out = [HEADER.format(topic=one_line(project.get("topic", "")), project_id=project["id"])]
    number = 0
    for index, section in enumerate(script, start=1):
        marks[f"h{index}"] = section.id
        out.append(f"\n## {one_line(section.title)}  {{#h{index}}}\n")
        for sentence in section.sentences:
            number += 1
            marks[str(number)] = sentence.id
            out.append(f"{one_line(sentence.text)}  {{#{number}}}\n")
    return "".join(out), marks


def read_script(text: str, marks: dict[str, str]) -> list[DraftSection]:
    """The edited file as sections of lines; raises ScriptFileError when it cannot be
    mapped back (an unknown or repeated mark, a new or missing heading...)."""
    drafts: list[DraftSection] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        found = _MARK.search(line)
        mark = found.group(1) if found else None
        # A marked line is a sentence even if its text starts with "#" ("#1 reason...").
        if not line or (mark is None and line.startswith("#") and not line.startswith("##")):
            continue
        body = line[: found.start()].strip() if found else line
        if mark is not None:
            if mark not in marks:
                raise ScriptFileError(f"line {number}: unknown mark {{#{mark}}}")
            if mark in seen:
                raise ScriptFileError(f"line {number}: the mark {{#{mark}}} is used twice")
            seen.add(mark)
        if line.startswith("##") and (mark is None or mark.startswith("h")):
            if mark is None:
                raise ScriptFileError(
                    f"line {number}: a new section cannot be added here (only sentences)")
            drafts.append(DraftSection(marks[mark], body.lstrip("#").strip(), number))
        elif mark is not None and mark.startswith("h"):
            raise ScriptFileError(f"line {number}: a section mark on a sentence line")
        elif not drafts:
            raise ScriptFileError(f"line {number}: a sentence before the first section heading")
        elif body or mark is None:
            # A line emptied down to its mark deletes the sentence, as deleting it would.
            drafts[-1].lines.append((marks[mark] if mark else None, body))
    missing = [m for m in marks if m.startswith("h") and m not in seen]
    if missing:
        raise ScriptFileError(
            "a section cannot be removed here: put back the heading(s) "
            + ", ".join(f"{{#{m}}}" for m in missing))
    return drafts


@dataclass
class Plan:
    """The edit commands an edited file asks for, in the order they are sent."""

    project_id: str
    changed: list[tuple[str, str]] = field(default_factory=list)  # (sentence id, new text)
    deleted: list[str] = field(default_factory=list)  # sentence ids
    section_order: list[str] | None = None  # every section id, when their order changed
    moved: list[tuple[str, str, int]] = field(default_factory=list)  # (sentence, section, at)
    # The sections that get new lines, or whose lines are in another order.
    settle: list[DraftSection] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.changed or self.deleted or self.section_order or self.moved
                    or self.settle)


def plan_edits(project_id: str, script: list[Section], drafts: list[DraftSection]) -> Plan:
    """Compare the file with the script it was written from; raises ScriptFileError for a
    renamed section."""
    texts = {n.id: n.text for s in script for n in s.sentences}
    home = {n.id: s.id for s in script for n in s.sentences}
    plan = Plan(project_id)
    kept: set[str] = set()
    for draft in drafts:
        before = next(s for s in script if s.id == draft.id)
        if draft.title != one_line(before.title):
            # The studio has no command that renames a section: say so, not drop the edit.
            raise ScriptFileError(f"line {draft.line}: a section cannot be renamed here")
        if _unsettled(draft, before):
            plan.settle.append(draft)
        for position, (sentence_id, text) in enumerate(draft.lines):
            if sentence_id is None:
                continue
            kept.add(sentence_id)
            if text != one_line(texts[sentence_id]):
                plan.changed.append((sentence_id, text))
            if home[sentence_id] != draft.id:
                plan.moved.append((sentence_id, draft.id, position))
    plan.deleted = [n for n in texts if n not in kept]
    order = [d.id for d in drafts]
    if order != [s.id for s in script]:
        plan.section_order = order
    return plan


def _unsettled(draft: DraftSection, before: Section) -> bool:
    """Whether the section gets new lines, lines from another section, or its own in
    another order (lines that only leave it, or are deleted, change no order)."""
    ids = [i for i, _ in draft.lines]
    had = [n.id for n in before.sentences]
    return None in ids or any(i not in had for i in ids) or \
        ids != [i for i in had if i in ids]


def wanted_order(draft: DraftSection, added: list[str]) -> list[str]:
    """The section's sentence ids in the file's order, with the new lines' ids (`added`,
    in the order their lines appear) filled in."""
    fresh = iter(added)
    return [sentence_id or next(fresh) for sentence_id, _ in draft.lines]


def new_runs(draft: DraftSection) -> list[tuple[int, list[str]]]:
    """Each run of consecutive new lines: (its position in the section, its texts)."""
    runs: list[tuple[int, list[str]]] = []
    for position, (sentence_id, text) in enumerate(draft.lines):
        if sentence_id is not None:
            continue
        if runs and runs[-1][0] + len(runs[-1][1]) == position:
            runs[-1][1].append(text)
        else:
            runs.append((position, [text]))
    return runs


# --- the session: write the file, run $EDITOR, send the plan ----------------------------------


def run_editor(path: Path) -> None:
    """Open `path` in $VISUAL/$EDITOR (a command line, e.g. `code --wait`), else vi."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or ""
    if not editor:
        if not sys.stdin.isatty():  # vi without a terminal would wait for keys forever
            raise ScriptFileError("set $EDITOR: there is no terminal for vi")
        editor = "vi"
    try:
        finished = subprocess.run([*shlex.split(editor), str(path)], check=False)
    except FileNotFoundError:
        raise ScriptFileError(f"cannot run the editor {editor!r}: set $EDITOR") from None
    if finished.returncode != 0:
        raise ScriptFileError(f"the editor {editor!r} exited with {finished.returncode}")


def send_plan(api: Api, plan: Plan) -> list[dict[str, Any]]:
    """Send the plan's commands; returns what was done, one entry per change."""
    done: list[dict[str, Any]] = []
    for sentence_id, text in plan.changed:
        api.put(f"/api/v1/sentences/{sentence_id}", json={"text": text})
        done.append({"action": "changed", "sentenceId": sentence_id, "text": text})
    for sentence_id in plan.deleted:
        api.delete(f"/api/v1/sentences/{sentence_id}")
        done.append({"action": "deleted", "sentenceId": sentence_id})
    if plan.section_order:
        api.post("/api/v1/sections/reorder",
                 json={"projectId": plan.project_id, "sectionIds": plan.section_order})
        done.append({"action": "reordered", "sectionIds": plan.section_order})
    for sentence_id, section_id, position in plan.moved:
        api.post(f"/api/v1/sentences/{sentence_id}/move",
                 json={"targetSectionId": section_id, "position": position})
        done.append({"action": "moved", "sentenceId": sentence_id, "sectionId": section_id})
    for draft in plan.settle:
        done.extend(_settle_section(api, draft))
    return done


def _settle_section(api: Api, draft: DraftSection) -> list[dict[str, Any]]:
    """Add the section's new lines where they stand, then put every sentence in the
    file's order if the adds and moves left it otherwise."""
    done: list[dict[str, Any]] = []
    section: dict[str, Any] = api.get(f"/api/v1/sections/{draft.id}")
    added: list[str] = []
    # Runs go in from the top: each one's position counts the lines above it, all of which
    # are in the section by then (existing ones kept or moved in, earlier runs added).
    for position, texts in new_runs(draft):
        before = {n["id"] for n in section["sentences"]}
        section = api.post(f"/api/v1/sections/{draft.id}/ai-expand/accept",
                           json={"sentences": texts, "position": position})
        fresh = [n["id"] for n in _ordered(section) if n["id"] not in before]
        added.extend(fresh)
        done.extend({"action": "added", "sentenceId": i, "sectionId": draft.id, "text": t}
                    for i, t in zip(fresh, texts, strict=False))
    wanted = wanted_order(draft, added)
    if [n["id"] for n in _ordered(section)] != wanted and wanted:
        api.post("/api/v1/sentences/reorder", json={"sectionId": draft.id, "sentenceIds": wanted})
        done.append({"action": "reordered", "sectionId": draft.id, "sentenceIds": wanted})
    return done


def _ordered(section: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(section["sentences"], key=lambda n: n["order"])


def edit_session(c: Ctx, project_id: str) -> None:
    """`videogen script edit`: the whole round trip, reported."""
    project: dict[str, Any] = c.api.get(f"/api/v1/projects/{project_id}")
    script = sections_of(project)
    if not script:
        raise Problem(None, "nothing to edit", f"{project_id} has no script yet",
                      exit_code=REFUSED)
    text, marks = write_script(project, script)
    handle, name = tempfile.mkstemp(prefix=f"videogen-{project_id[:8]}-", suffix=".txt")
    path = Path(name)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    try:
        run_editor(path)
    except ScriptFileError as failed:
        path.unlink()  # nothing was edited: nothing worth keeping
        raise Problem(None, "nothing applied", str(failed), exit_code=BAD_USAGE) from None
    try:
        plan = plan_edits(project_id, script, read_script(path.read_text("utf-8"), marks))
    except ScriptFileError as wrong:
        raise Problem(None, "the edited script cannot be applied",
                      f"{wrong}; your text is kept in {path}", exit_code=BAD_USAGE) from None
    if not plan.empty and sections_of(c.api.get(f"/api/v1/projects/{project_id}")) != script:
        # Our marks name what the file was written from: applied onto a script someone
        # changed meanwhile, a reorder or a delete could undo their edit.
        raise Problem(None, "the script changed while you were editing",
                      f"nothing applied; your text is kept in {path}", exit_code=REFUSED)
    try:
        done = send_plan(c.api, plan)
    except Problem as refused:
        refused.detail = f"{refused.detail or ''} (changes before it were applied; your text " \
                         f"is kept in {path})".lstrip()
        raise
    path.unlink()
    _report(c, project_id, script, done)


def _report(c: Ctx, project_id: str, script: list[Section], done: list[dict[str, Any]]) -> None:
    old = {n.id: n.text for s in script for n in s.sentences}
    titles = {s.id: s.title for s in script}
    signs = {"changed": "~", "added": "+", "deleted": "-", "moved": ">", "reordered": "="}
    for change in done:
        if "sentenceId" in change and "text" not in change:
            change["text"] = old[change["sentenceId"]]

    def render() -> None:
        if not done:
            print("no changes")
            return
        for change in done:
            what = (f"section {titles[change['sectionId']]!r}" if "sentenceIds" in change
                    else "the sections" if "sectionIds" in change else repr(change["text"]))
            where = (f" to {titles[change['sectionId']]!r}" if change["action"] == "moved"
                     else "")
            print(f"{signs[change['action']]} {change['action']} {what}{where}")
        counts = {a: sum(d["action"] == a for d in done) for a in signs}
        print(", ".join(f"{n} {a}" for a, n in counts.items() if n))

    emit(c, {"projectId": project_id, "changes": done}, render)
