"""`videogen upload|frame|export`: the editor surface (doc 002, docs/editor.md) on a project
of any surface (an editor project is the studio's project)."""

from __future__ import annotations

import mimetypes
import time
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer

from videogen_cli.client import Problem
from videogen_cli.commands.projects import ProjectId
from videogen_cli.output import Ctx, ctx_of, emit
from videogen_cli.problems import JOB_ENDED_BADLY

FORMATS = ("mp4", "webm", "mov", "gif")
# How often an export's status is asked for: its read model answers at once, and an
# export of a short timeline takes seconds.
POLL_SECONDS = 0.5


def local_path(url: str) -> str:
    """A URL the gateway handed out, as a path on the client's gateway. The upload URL is
    absolute, built from the Host the gateway saw (maybe a proxy's name): what matters is
    its path and token."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def upload(
    ctx: typer.Context, project_id: ProjectId,
    clip: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         help="an audio or video file")],
) -> None:
    """Upload a clip to the project's timeline (it becomes a segment)."""
    c = ctx_of(ctx)
    content_type = mimetypes.guess_type(clip.name)[0] or "application/octet-stream"
    ticket = c.api.post(f"/api/project/{project_id}/upload",
                        json={"file_name": clip.name, "content_type": content_type})
    stored: dict[str, Any] = c.api.upload(local_path(ticket["upload_url"]), clip,
                                          method="PUT", quiet=c.json)

    def render() -> None:
        print(stored["asset_id"])
        c.console.print(f"stored {clip.name}: {stored['size_bytes']} bytes, segment "
                        f"{stored['segment_id']}", highlight=False)

    emit(c, stored, render)


def frame(
    ctx: typer.Context, project_id: ProjectId,
    ts: Annotated[float, typer.Argument(metavar="SECONDS", help="a time on the timeline")],
    output: Annotated[Path | None, typer.Option("-o", "--output",
                                                help="the JPEG to write")] = None,
) -> None:
    """Save the frame showing at SECONDS on the project's timeline as a JPEG."""
    c = ctx_of(ctx)
    shown = c.api.post(f"/api/project/{project_id}/preview/frame", json={"ts": ts})
    dest = output or Path(f"frame-{ts:g}.jpg")
    c.api.download(local_path(shown["frame_url"]), dest, quiet=True)
    value = {**shown, "path": str(dest)}
    emit(c, value, lambda: print(dest))


def export(
    ctx: typer.Context, project_id: ProjectId,
    fmt: Annotated[str, typer.Option("-f", "--format", help="mp4, webm, mov or gif")] = "mp4",
    output: Annotated[Path | None, typer.Option("-o", "--output",
                                                help="where to save the file")] = None,
) -> None:
    """Export the project's timeline to a file, and download it.

    A project with a script and no uploads is exported as its narrated video.
    """
    c = ctx_of(ctx)
    if fmt not in FORMATS:
        raise typer.BadParameter(f"one of {', '.join(FORMATS)}", param_hint="'--format'")
    job = c.api.post("/api/export", json={"project_id": project_id, "format": fmt})
    c.console.print(f"export {job['export_job_id']}", markup=False, highlight=False)
    status = wait_for_export(c, job["export_job_id"])
    if status["status"] != "completed":
        raise Problem(None, "the export failed", status.get("error") or "no reason given",
                      exit_code=JOB_ENDED_BADLY)
    dest = output or Path(f"{project_id}.{fmt}")
    c.api.download(local_path(status["download_url"]), dest, quiet=c.json)
    emit(c, {**status, "path": str(dest)}, lambda: print(dest))


def wait_for_export(c: Ctx, export_id: str) -> dict[str, Any]:
    """Poll the export until it ends (doc 002 gives it no event stream); returns its status.
    Ctrl-C leaves it running: the export service finishes it anyway."""
    status: dict[str, Any] = c.api.get(f"/api/export/{export_id}")
    try:
        with c.console.status(f"export {status['status']}", spinner="dots") as shown:
            while status["status"] in ("pending", "running"):
                time.sleep(POLL_SECONDS)
                status = c.api.get(f"/api/export/{export_id}")
                shown.update(f"export {status['status']}")
    except KeyboardInterrupt:
        c.console.print(f"the export goes on: GET /api/export/{export_id}", highlight=False)
        raise typer.Exit(130) from None
    return status


def register(app: typer.Typer) -> None:
    """Add this module's commands to `app`."""
    app.command("upload")(upload)
    app.command("frame")(frame)
    app.command("export")(export)
