"""The `videogen` command's entry point: global options, then each group's commands.

Every command is a client of the gateway's public HTTP API (docs/cli.md). The groups live in
`commands/` and add themselves with `register(app)`.
"""

from __future__ import annotations

import typer

from videogen_cli.commands import editor, jobs, projects

app = typer.Typer(name="videogen", no_args_is_help=True, add_completion=False,
                  help="Make, watch, fix and download videos with a VideoGen gateway.")

jobs.register(app)
projects.register(app)
editor.register(app)


def run() -> None:
    app()
