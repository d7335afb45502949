"""Following a job: its stages live from the SSE stream, then its file, then the outcome.

`follow_job(ctx, job_id, kind)` reads the job's stream from its start (the gateway replays
it, so a reattaching `watch` shows at once where the job is), renders each step, and
returns when the job ends. On a terminal a rich progress bar shows the stage, "narration
3/6" and the render's % with its ETA; elsewhere (a pipe, a log) one line per change.
Ctrl-C asks whether to cancel the job or leave it running (leave when stdin is not a
terminal), since the job runs in the gateway whether or not anyone watches.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.prompt import Prompt

from videogen_cli.client import Problem
from videogen_cli.jobkinds import (
    AURA_STEPS,
    STAGE_NAMES,
    End,
    Kind,
    LogLine,
    Tick,
    control_path,
    download_path,
    events_path,
    translate,
)
from videogen_cli.output import Ctx
from videogen_cli.problems import DONE, INTERRUPTED, JOB_ENDED_BADLY

STREAM_OPENINGS = 3
State = Literal["completed", "failed", "cancelled", "left", "cancelling"]


@dataclass(frozen=True)
class Outcome:
    job_id: str
    kind: Kind
    state: State
    exit_code: int
    file: Path | None = None
    error: str | None = None


class _Eta:
    """The render's time left, from its % and how long it took so far."""

    def __init__(self) -> None:
        self._started: float | None = None

    def of(self, tick: Tick) -> float | None:
        if tick.eta_s is not None:
            return tick.eta_s
        now = tick.at.timestamp() if tick.at else time.time()
        if self._started is None or tick.percent in (None, 0):
            self._started = now if self._started is None else self._started
            return None
        pct = tick.percent or 0
        return max(0.0, (now - self._started) * (100 - pct) / pct) if pct < 100 else 0.0


def _within_stage(tick: Tick) -> int:
    """The job's progress from how far its stage is: doc 004's steps by 20 move smoothly."""
    span = next(((lo, hi) for stage, lo, hi in AURA_STEPS.values() if stage == tick.stage), None)
    if span is None:
        return 0
    lo, hi = span
    if tick.items is not None and tick.items[1]:
        return lo + (hi - lo) * tick.items[0] // tick.items[1]
    return lo + (hi - lo) * (tick.percent or 0) // 100


def detail_of(tick: Tick, eta: float | None) -> str:
    """ "narration 3/6", "render 40% · ETA 0:12", or the stage's name."""
    name = STAGE_NAMES.get(tick.stage, tick.stage)
    if tick.items is not None and tick.items[1]:
        return f"{name} {tick.items[0]}/{tick.items[1]}"
    if tick.stage == "rendering" and tick.percent is not None:
        left = f" · ETA {int(eta) // 60}:{int(eta) % 60:02}" if eta is not None else ""
        return f"{name} {tick.percent}%{left}"
    return name


class _View:
    """One line per change: for a pipe or a log file (and the tests)."""

    def __init__(self, ctx: Ctx, job_id: str) -> None:
        self.console, self.job_id = ctx.console, job_id
        self._last = ""
        self._eta: dict[str, _Eta] = {}
        self.progress = 0

    def __enter__(self) -> _View:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def tick(self, tick: Tick) -> None:
        eta = self._eta.setdefault(tick.stage, _Eta()).of(tick)
        # The whole job's progress never goes back, whatever a stage reports.
        self.progress = max(self.progress, tick.progress or 0, _within_stage(tick))
        self.show(detail_of(tick, eta), self.progress)

    def show(self, detail: str, progress: int) -> None:
        if detail != self._last:
            self._last = detail
            self.console.print(f"{progress:3d}%  {detail}", markup=False, highlight=False)

    def log(self, line: str) -> None:
        self.console.print(f"      {line}", markup=False, highlight=False, style="dim")


class _LiveView(_View):
    """A rich progress bar, for a terminal."""

    def __enter__(self) -> _LiveView:
        self._bar = Progress(
            SpinnerColumn(), TextColumn("[bold]{task.fields[job]}"), BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"), TextColumn("{task.description}"),
            TimeElapsedColumn(), console=self.console, transient=False)
        self._bar.__enter__()
        self._task: TaskID = self._bar.add_task("connecting", total=100, job=self.job_id[:8])
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.__exit__(None, None, None)

    def show(self, detail: str, progress: int) -> None:
        self._bar.update(self._task, description=detail, completed=progress)

    def log(self, line: str) -> None:
        self._bar.console.print(f"  {line}", markup=False, highlight=False, style="dim")


def follow_job(ctx: Ctx, job_id: str, kind: Kind, *, output: Path | None = None,
               last_event_id: str | None = None) -> Outcome:
    """Show the job until it ends; download its video to `output` when it completes."""
    view = (_LiveView if ctx.console.is_terminal else _View)(ctx, job_id)
    try:
        with view:
            end = _stream(ctx, job_id, kind, view, last_event_id)
    except KeyboardInterrupt:
        return _interrupted(ctx, job_id, kind)
    if end is None:
        raise Problem(None, "the job's event stream ended before the job did",
                      f"see: videogen status {job_id}", exit_code=JOB_ENDED_BADLY)
    if end.state != "completed":
        ctx.console.print(f"job {job_id} {end.state}" + (f": {end.error}" if end.error else ""),
                          markup=False, highlight=False)
        return Outcome(job_id, kind, end.state, JOB_ENDED_BADLY, error=end.error)
    if output is None:
        return Outcome(job_id, kind, "completed", DONE)
    return _download(ctx, job_id, kind, end.download or download_path(kind, job_id), output)


def _stream(ctx: Ctx, job_id: str, kind: Kind, view: _View,
            last_event_id: str | None) -> End | None:
    """Render the stream until the job's end; None if the server ends it sooner, twice."""
    for _ in range(STREAM_OPENINGS):
        # A stream that ends without the job's end (a proxy closing it, say) is opened
        # again after the last message seen; the gateway replays exactly what followed.
        for message in ctx.api.events(events_path(kind, job_id), last_event_id):
            last_event_id = message.id or last_event_id
            item = translate(kind, message)
            if isinstance(item, Tick):
                view.tick(item)
            elif isinstance(item, LogLine) and item.line:
                view.log(item.line)
            elif isinstance(item, End):
                view.show(item.state, 100 if item.state == "completed" else view.progress)
                return item
    return None


def _download(ctx: Ctx, job_id: str, kind: Kind, path: str, output: Path) -> Outcome:
    try:
        file = ctx.api.download(path, output, quiet=False)
    except KeyboardInterrupt:
        # The .part file stays: `videogen download` continues it with Range.
        ctx.console.print(f"download interrupted; resume with: videogen download {job_id}"
                          f" -o {output}", markup=False, highlight=False)
        return Outcome(job_id, kind, "completed", INTERRUPTED)
    return Outcome(job_id, kind, "completed", DONE, file=file)


def _interrupted(ctx: Ctx, job_id: str, kind: Kind) -> Outcome:
    """Ctrl-C: cancel the job, or leave it running in the gateway (the default)."""
    answer = "l"
    if sys.stdin.isatty():
        try:
            question = "\ncancel the job or leave it running? " + escape("[c]ancel/[l]eave")
            answer = Prompt.ask(question,
                                console=ctx.console, choices=["c", "l"], default="l",
                                show_choices=False)
        except (KeyboardInterrupt, EOFError):
            answer = "l"
    if answer == "c":
        try:
            ctx.api.post(control_path(kind, job_id, "cancel"))
        except Problem as problem:
            if problem.status != 409:  # 409: it ended meanwhile; nothing to cancel
                raise
        ctx.console.print(f"cancelling job {job_id}", markup=False, highlight=False)
        return Outcome(job_id, kind, "cancelling", INTERRUPTED)
    ctx.console.print(f"left job {job_id} running; reattach with: videogen watch {job_id}",
                      markup=False, highlight=False)
    return Outcome(job_id, kind, "left", INTERRUPTED)
