"""What every command gets (`Ctx`) and how it shows a result: JSON for scripts, else text.

stdout carries only results (a table, an id, a path; or JSON with `--json`), so
`videogen generate --detach ... | xargs videogen watch` works; progress, prompts and
errors go to stderr (`Ctx.console`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import msgspec
import typer
from rich.console import Console

from videogen_cli.client import Api


@dataclass
class Ctx:
    api: Api
    json: bool = False
    console: Console = field(default_factory=lambda: Console(stderr=True))
    out: Console = field(default_factory=lambda: results_console())  # stdout


def results_console() -> Console:
    """stdout; a pipe gets wide lines, so a table's ids are never cut to fit 80 columns."""
    terminal = Console()
    return terminal if terminal.is_terminal else Console(width=400, soft_wrap=True)


def ctx_of(context: typer.Context) -> Ctx:
    """The Ctx the global options made (main.py's callback puts it in `ctx.obj`)."""
    obj = context.find_root().obj
    if not isinstance(obj, Ctx):  # pragma: no cover - the callback always sets it
        raise RuntimeError("videogen's global options were not read")
    return obj


def emit(ctx: Ctx, value: object, render: Callable[[], None]) -> None:
    """With --json, `value` as JSON on stdout (one document); else `render()`."""
    if ctx.json:
        sys.stdout.write(msgspec.json.encode(value, enc_hook=str).decode() + "\n")
        sys.stdout.flush()
    else:
        render()
