"""`videogen` commands for jobs: generate, brief, jobs, status, watch, cancel, retry, download.

An ID may be either surface's job: doc 004's (`/api/v1`, text2video and studio renders)
is tried first, then Aura's (`/api/jobs`); see jobkinds.find_job.
"""

from __future__ import annotations

import re
import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from videogen_cli.jobkinds import (
    JobRow,
    Kind,
    aura_row,
    control_path,
    doc004_row,
    download_path,
    find_job,
)
from videogen_cli.output import Ctx, ctx_of, emit
from videogen_cli.problems import Problem
from videogen_cli.progress import Outcome, follow_job
from videogen_cli.report import report_lines

ASPECTS = {"16:9": "Widescreen16x9", "9:16": "Vertical9x16", "1:1": "Square1x1"}

Output = Annotated[Path | None, typer.Option(
    "--output", "-o", help="Where to save the video (default: <job id>.mp4).",
    dir_okay=False, show_default=False)]
Detach = Annotated[bool, typer.Option(
    "--detach", "-d", help="Print the job id and return at once; `videogen watch` it later.")]
Aspect = Annotated[str | None, typer.Option(
    help="The frame's shape: 16:9, 9:16 or 1:1.", show_default=False)]
Voice = Annotated[str | None, typer.Option(
    help="A voice name from GET /api/providers/tts/voices.", show_default=False)]
JobId = Annotated[str, typer.Argument(help="A job id (doc 004's or Aura's).",
                                      show_default=False)]


def _aspect(value: str | None) -> str | None:
    if value is not None and value not in ASPECTS:
        raise typer.BadParameter(f"{value!r}: use one of {', '.join(ASPECTS)}",
                                 param_hint="--aspect")
    return value


def _text_of(source: str) -> str:
    """TEXT as given, `-` for stdin, or `@path` for a file's contents."""
    if source == "-":
        return sys.stdin.read()
    if source.startswith("@"):
        path = Path(source[1:])
        try:
            return path.read_text(encoding="utf-8")
        except OSError as error:
            raise typer.BadParameter(f"cannot read {path}: {error.strerror}",
                                     param_hint="TEXT") from None
    return source


def _duration(value: str | None) -> str | None:
    """`0:45`, `1:30`, `45` or `00:01:30` → Aura's hh:mm:ss."""
    if value is None:
        return None
    if not re.fullmatch(r"\d+(:\d{1,2}){0,2}", value):
        raise typer.BadParameter(f"{value!r}: use seconds, m:ss or h:mm:ss (0:45)",
                                 param_hint="--duration")
    parts = [int(p) for p in value.split(":")]
    seconds = sum(p * 60**i for i, p in enumerate(reversed(parts)))
    return f"{seconds // 3600:02}:{seconds // 60 % 60:02}:{seconds % 60:02}"


def started(ctx: Ctx, job_id: str, kind: Kind, output: Path | None, detach: bool) -> None:
    """A job just started: print its id and return (`--detach`), or follow it to its file."""
    if detach:
        emit(ctx, {"job_id": job_id, "kind": kind, "status": "queued"},
             lambda: ctx.out.print(job_id, markup=False, highlight=False))
        return
    ctx.console.print(f"job {job_id}", markup=False, highlight=False)
    _finish(ctx, follow_job(ctx, job_id, kind, output=output or Path(f"{job_id}.mp4")))


def _finish(ctx: Ctx, outcome: Outcome) -> None:
    def render() -> None:
        if outcome.file is not None:  # stdout: only the path, for scripts and pipes
            ctx.out.print(str(outcome.file), markup=False, highlight=False)

    emit(ctx, asdict(outcome), render)
    if outcome.exit_code:
        raise typer.Exit(outcome.exit_code)


def generate(
    context: typer.Context,
    text: Annotated[str, typer.Argument(help="The text to narrate; `-` reads stdin, @FILE a file.",
                                        show_default=False)],
    output: Output = None, aspect: Aspect = None, voice: Voice = None,
    style: Annotated[str | None, typer.Option(
        help="The video's look: clean, bold, documentary or playful.",
        show_default=False)] = None,
    captions: Annotated[str | None, typer.Option(
        help="The captions' style: classic, karaoke, word_by_word or highlight.",
        show_default=False)] = None,
    music: Annotated[str | None, typer.Option(
        help="A music bed under the narration: none, procedural or package.",
        show_default=False)] = None,
    loudness: Annotated[float | None, typer.Option(
        help="The loudness target in LUFS, -23 to -9 (default -14).", show_default=False)
    ] = None,
    detach: Detach = False,
) -> None:
    """Make a video from text (doc 004), show its stages live, then download it."""
    ctx = ctx_of(context)
    body: dict[str, Any] = {"text": _text_of(text)}
    body |= {k: v for k, v in (("aspect", _aspect(aspect)), ("voice", voice), ("style", style))
             if v is not None}
    # The gateway checks every value and names a bad one (exit code of a 400).
    if captions is not None:
        body["captions"] = {"style": captions}
    sound = {k: v for k, v in (("music", music), ("loudness_lufs", loudness)) if v is not None}
    if sound:
        body["sound"] = sound
    job_id = str(ctx.api.post("/api/v1/generate", body)["job_id"])
    started(ctx, job_id, "text2video", output, detach)


def brief(
    context: typer.Context,
    topic: Annotated[str, typer.Option(help="What the video is about.", show_default=False)],
    audience: Annotated[str | None, typer.Option(show_default=False)] = None,
    goal: Annotated[str | None, typer.Option(show_default=False)] = None,
    tone: Annotated[str | None, typer.Option(show_default=False)] = None,
    aspect: Annotated[str, typer.Option(help="16:9, 9:16 or 1:1.")] = "16:9",
    duration: Annotated[str | None, typer.Option(
        help="The target length: 0:45, 1:30, 45 (seconds).", show_default=False)] = None,
    voice: Voice = None,
    style: Annotated[str | None, typer.Option(show_default=False)] = None,
    output: Output = None, detach: Detach = False,
) -> None:
    """Make a video from a brief (Aura's jobs API), show its stages live, then download it."""
    ctx = ctx_of(context)
    fields = {"topic": topic, "audience": audience, "goal": goal, "tone": tone,
              "aspect": ASPECTS[_aspect(aspect) or "16:9"]}
    body: dict[str, Any] = {"brief": {k: v for k, v in fields.items() if v is not None}}
    plan = {k: v for k, v in (("targetDuration", _duration(duration)), ("style", style)) if v}
    if plan:
        body["planSpec"] = plan
    if voice:
        body["voiceSpec"] = {"voiceName": voice}
    job_id = str(ctx.api.post("/api/jobs", body)["jobId"])
    started(ctx, job_id, "brief", output, detach)


def list_jobs(
    context: typer.Context,
    limit: Annotated[int, typer.Option(min=1, max=100, help="At most this many.")] = 30,
) -> None:
    """List the jobs of both surfaces, newest first."""
    ctx = ctx_of(context)
    listed = ctx.api.get("/api/v1/jobs").get("jobs", {})
    rows = {job_id: doc004_row(job_id, body) for job_id, body in listed.items()}
    for body in ctx.api.get("/api/jobs", pageSize=limit).get("jobs", []):
        row = aura_row(body)
        rows.setdefault(row.id, row)
    newest = sorted(rows.values(), key=lambda r: r.created.timestamp() if r.created else 0,
                    reverse=True)[:limit]
    emit(ctx, [asdict(row) for row in newest], lambda: ctx.out.print(_table(newest)))


def _table(rows: list[JobRow]) -> Table:
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("ID", "KIND", "STATUS", "STAGE", "PROGRESS", "CREATED"):
        table.add_column(column, no_wrap=True)
    for row in rows:
        created = row.created.astimezone().strftime("%Y-%m-%d %H:%M:%S") if row.created else ""
        table.add_row(row.id, row.kind, row.status, row.stage or "", f"{row.progress}%", created)
    return table


def status(context: typer.Context, job_id: JobId) -> None:
    """Show one job: its kind, status, stage and progress, and its quality report once done."""
    ctx = ctx_of(context)
    row = find_job(ctx.api, job_id)

    def render() -> None:
        for name, value in asdict(row).items():
            if name == "quality":
                continue
            if isinstance(value, datetime):
                value = value.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
            if value not in (None, ""):
                ctx.out.print(f"{name + ':':<10}{value}", markup=False, highlight=False)
        for index, line in enumerate(report_lines(row.quality or {})):
            ctx.out.print(f"{'quality:' if index == 0 else '':<10}{line}", markup=False,
                          highlight=False)

    emit(ctx, asdict(row), render)


def watch(context: typer.Context, job_id: JobId, output: Output = None) -> None:
    """Reattach to a job: replay its stages so far, then follow it live (and download it)."""
    ctx = ctx_of(context)
    row = find_job(ctx.api, job_id)
    _finish(ctx, follow_job(ctx, job_id, row.kind, output=output))


def cancel(context: typer.Context, job_id: JobId) -> None:
    """Cancel a queued or running job."""
    _control(ctx_of(context), job_id, "cancel")


def retry(context: typer.Context, job_id: JobId) -> None:
    """Run a failed or cancelled job again, from its first unfinished stage."""
    _control(ctx_of(context), job_id, "retry")


def _control(ctx: Ctx, job_id: str, action: Any) -> None:
    row = find_job(ctx.api, job_id)
    answer = ctx.api.post(control_path(row.kind, job_id, action)) or {}
    state = answer.get("status") or answer.get("currentStatus") or "requested"
    emit(ctx, {"job_id": job_id, "kind": row.kind, "action": action, "answer": answer},
         lambda: ctx.out.print(f"{action} {job_id}: {state}", markup=False, highlight=False))


def download(context: typer.Context, job_id: JobId, output: Output = None) -> None:
    """Download a finished job's video (an interrupted download resumes)."""
    ctx = ctx_of(context)
    row = find_job(ctx.api, job_id)
    if row.status != "completed":
        raise Problem(409, "Conflict", f"job {job_id} is {row.status}: no video yet")
    path = ctx.api.download(download_path(row.kind, job_id), output or Path(f"{job_id}.mp4"),
                            quiet=ctx.json)
    emit(ctx, {"job_id": job_id, "file": str(path)},
         lambda: ctx.out.print(str(path), markup=False, highlight=False))


def register(app: typer.Typer) -> None:
    """Add this module's commands to `app`."""
    app.command()(generate)
    app.command()(brief)
    app.command("jobs")(list_jobs)
    for command in (status, watch, cancel, retry, download):
        app.command()(command)
