"""`videogen project new|list|show|rm`, `videogen script show|edit` and `videogen render`:
the studio surface (seed 000, docs/studio.md) and its render route (docs/jobs-api.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from videogen_cli.client import Problem
from videogen_cli.commands import script_edit
from videogen_cli.commands.jobs import started as follow_started
from videogen_cli.output import Ctx, ctx_of, emit
from videogen_cli.problems import BAD_USAGE

project_app = typer.Typer(name="project", no_args_is_help=True,
                          help="Studio projects: make, list, show and delete them.")
script_app = typer.Typer(name="script", no_args_is_help=True,
                         help="A project's script: show it, or edit it in $EDITOR.")

# The user's own text is printed as is: no rich markup read in it, no line wrapped.
PLAIN: dict[str, Any] = {"markup": False, "highlight": False, "soft_wrap": True}

ProjectId = Annotated[str, typer.Argument(metavar="PROJECT", help="the project's id")]


def project_of(c: Ctx, project_id: str) -> dict[str, Any]:
    detail: dict[str, Any] = c.api.get(f"/api/v1/projects/{project_id}")
    return detail


@project_app.command("new")
def new_project(
    ctx: typer.Context,
    topic: Annotated[str, typer.Option(help="what the video is about")],
    style: Annotated[str | None, typer.Option(help="e.g. 'documentary', 'playful'")] = None,
    minutes: Annotated[float | None, typer.Option("--minutes", help="target length")] = None,
    aspect: Annotated[str | None, typer.Option(help="16:9, 9:16 or 1:1")] = None,
    script: Annotated[bool, typer.Option(help="write its script at once (quick-generate)")] = True,
) -> None:
    """Make a studio project and (unless --no-script) write its script."""
    c = ctx_of(ctx)
    body: dict[str, Any] = {"topic": topic, "style": style, "targetDuration": minutes,
                            "aspectRatio": aspect}
    created = c.api.post("/api/v1/projects", json={k: v for k, v in body.items() if v is not None})
    if script:
        try:
            c.api.post(f"/api/v1/projects/{created['id']}/quick-generate",
                       json={"targetDuration": minutes} if minutes else None)
        except Problem as failed:  # the project stays: say which, so it can be used or removed
            failed.detail = f"{failed.detail or ''} (project {created['id']} was made, " \
                            "without a script)".lstrip()
            raise
        created = project_of(c, created["id"])

    def render() -> None:
        counts = f"{created['sectionCount']} sections, {created['sentenceCount']} sentences"
        c.out.print(created["id"], **PLAIN)
        c.console.print(f"made {created['topic']!r}: {counts}", **PLAIN)

    emit(c, created, render)


@project_app.command("list")
def list_projects(ctx: typer.Context) -> None:
    """The projects of every surface."""
    c = ctx_of(ctx)
    rows: list[dict[str, Any]] = c.api.get("/api/v1/projects")
    rows.sort(key=lambda r: r["updatedAt"], reverse=True)

    def render() -> None:
        if not c.out.is_terminal:  # a pipe or a file: one tab-separated line per project
            for r in rows:
                c.out.print("\t".join([r["id"], r["status"], str(r["sectionCount"]),
                                       str(r["sentenceCount"]), r["updatedAt"], r["topic"]]),
                            **PLAIN)
            return
        table = Table("topic", "status", "sections", "sentences", "updated")
        # The id is what the other commands take: never cut, whatever the width.
        table.add_column("id", no_wrap=True, min_width=36)
        for r in rows:
            table.add_row(r["topic"], r["status"], str(r["sectionCount"]),
                          str(r["sentenceCount"]), r["updatedAt"][:16].replace("T", " "),
                          r["id"])
        c.out.print(table)

    emit(c, rows, render)


@project_app.command("show")
def show_project(ctx: typer.Context, project_id: ProjectId) -> None:
    """A project's details, its script's size and its uploads."""
    c = ctx_of(ctx)
    detail = project_of(c, project_id)
    media: dict[str, Any] = c.api.get(f"/api/project/{project_id}")
    value = {**detail, "assets": media.get("assets", []), "timeline": media.get("timeline", [])}

    def render() -> None:
        stale = sum(n.get("stale", False) for s in detail["sections"] for n in s["sentences"])
        out = c.out
        out.print(f"{detail['topic']}  ({detail['id']})", style="bold", **PLAIN)
        for label, key in (("status", "status"), ("style", "style"), ("aspect", "aspectRatio"),
                           ("language", "language"), ("minutes", "targetDuration"),
                           ("updated", "updatedAt")):
            if detail.get(key) is not None:
                out.print(f"  {label:<9} {detail[key]}", **PLAIN)
        out.print(f"  script    {detail['sectionCount']} sections, {detail['sentenceCount']} "
                  f"sentences, {stale} changed since the last render", **PLAIN)
        for asset in value["assets"]:
            out.print(f"  upload    {asset['file_name']} ({asset['status']}, "
                      f"{asset.get('duration') or 0:.1f} s) {asset['id']}", **PLAIN)
        active = [s for s in value["timeline"] if s.get("active")]
        out.print(f"  timeline  {len(active)} active segment{'' if len(active) == 1 else 's'}",
                  **PLAIN)

    emit(c, value, render)


@project_app.command("rm")
def remove_project(
    ctx: typer.Context, project_id: ProjectId,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="do not ask")] = False,
) -> None:
    """Delete a project and all its media."""
    c = ctx_of(ctx)
    if not yes:
        if not sys.stdin.isatty():
            raise Problem(None, "not deleted", "stdin is not a terminal: pass --yes",
                          exit_code=BAD_USAGE)
        topic = project_of(c, project_id)["topic"]
        if not typer.confirm(f"Delete {topic!r} and all its media?"):
            c.console.print("not deleted")
            raise typer.Exit(1)
    c.api.delete(f"/api/v1/projects/{project_id}")
    emit(c, {"id": project_id, "deleted": True},
         lambda: c.console.print(f"deleted {project_id}", **PLAIN))


@script_app.command("show")
def show_script(ctx: typer.Context, project_id: ProjectId) -> None:
    """The script's sections and sentences; '*' marks a sentence changed since the last render."""
    c = ctx_of(ctx)
    detail = project_of(c, project_id)
    sections = sorted(detail["sections"], key=lambda s: s["order"])

    def render() -> None:
        out = c.out
        if not sections:
            c.console.print("no script yet: `videogen project new` writes one", **PLAIN)
        for section in sections:
            out.print(f"\n## {section['title']}", style="bold", **PLAIN)
            for n in sorted(section["sentences"], key=lambda n: n["order"]):
                mark = "*" if n.get("stale") else " "
                out.print(f"{mark} {n['text']}", style="yellow" if n.get("stale") else None,
                          **PLAIN)
        if any(n.get("stale") for s in sections for n in s["sentences"]):
            c.console.print("\n* changed since the last render: `videogen render` narrates "
                            "only these again", **PLAIN)

    emit(c, sections, render)


@script_app.command("edit")
def edit_script(ctx: typer.Context, project_id: ProjectId) -> None:
    """Edit the script in $EDITOR, one sentence a line; the changes are applied and listed.

    Each line keeps a {#n} mark that ties it to its sentence: reword, delete, move or add
    lines; the changes are sent as the studio's edit commands (docs/cli.md).
    """
    script_edit.edit_session(ctx_of(ctx), project_id)


def render_project(
    ctx: typer.Context, project_id: ProjectId,
    output: Annotated[Path | None, typer.Option("-o", "--output",
                                                help="where to save the video")] = None,
    aspect: Annotated[str | None, typer.Option(help="16:9, 9:16 or 1:1")] = None,
    voice: Annotated[str | None, typer.Option(
        help="a voice that GET /api/providers/tts/voices lists")] = None,
    detach: Annotated[bool, typer.Option(help="print the job id and return at once")] = False,
) -> None:
    """Render the project's script to a video, narrating only what changed.

    Then follow the job as `videogen watch` does, and download the video (default
    <job id>.mp4).
    """
    c = ctx_of(ctx)
    body = {k: v for k, v in (("aspect", aspect), ("voice", voice)) if v is not None}
    started = c.api.post(f"/api/v1/projects/{project_id}/render", json=body or None)
    # A render is a doc 004 job of kind "project": from here on it is followed (and
    # detached, cancelled, downloaded) exactly as `videogen generate`'s job is.
    follow_started(c, started["jobId"], "project", output, detach)


def register(app: typer.Typer) -> None:
    """Add this module's commands to `app`."""
    app.add_typer(project_app)
    app.add_typer(script_app)
    app.command("render")(render_project)
