"""The `videogen` command's entry point: global options, then each group's commands.

Every command is a client of the gateway's public HTTP API (docs/cli.md). The groups live in
`commands/` and add themselves with `register(app)`.

`run()` is the process boundary: whatever goes wrong ends as one line on stderr and one of
the documented exit codes (problems.py), never a traceback. Click's own usage errors are
caught here too, so that a bad option is one line as well, not a framed panel.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Annotated

import typer
from rich.console import Console

# Typer 0.29 carries its own copy of click; its usage errors are these classes.
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

from videogen_cli.client import Api
from videogen_cli.commands import editor, jobs, projects
from videogen_cli.output import Ctx
from videogen_cli.problems import BAD_USAGE, INTERRUPTED, JOB_ENDED_BADLY, Problem

DEFAULT_URL = "http://127.0.0.1:8000"

app = typer.Typer(name="videogen", no_args_is_help=True, add_completion=False,
                  pretty_exceptions_enable=False,
                  help="Make, watch, fix and download videos with a VideoGen gateway.")


@app.callback()
def options(
    context: typer.Context,
    url: Annotated[str, typer.Option(
        envvar="VIDEOGEN_URL", help="The gateway's base URL.")] = DEFAULT_URL,
    api_key: Annotated[str | None, typer.Option(
        envvar="VIDEOGEN_API_KEY", help="An API key (sent as Authorization: Bearer).",
        show_default=False)] = None,
    json: Annotated[bool, typer.Option(
        "--json", help="Print results as JSON on stdout, for scripts.")] = False,
    timeout: Annotated[float, typer.Option(
        envvar="VIDEOGEN_TIMEOUT", min=1, help="Seconds to wait for an answer.")] = 30.0,
) -> None:
    if not url.startswith(("http://", "https://")):
        raise typer.BadParameter(f"{url!r} is not an http(s) URL", param_hint="--url")
    console = Console(stderr=True)
    api = Api(url, api_key, timeout, console=console)
    context.call_on_close(api.close)
    context.obj = Ctx(api=api, json=json, console=console)


jobs.register(app)
projects.register(app)
editor.register(app)


def run() -> None:
    sys.exit(main(sys.argv[1:]))


def main(args: list[str]) -> int:
    """Run the command line `args`; the exit code (docs/cli.md, "Exit codes")."""
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    command = typer.main.get_command(app)
    try:
        result = command.main(args=args, prog_name="videogen", standalone_mode=False)
    except Problem as problem:
        err.print(problem.line(), markup=False)
        return problem.exit_code
    except NoArgsIsHelpError:
        # Typer's rich help prints itself as the error is made: nothing more to say.
        return BAD_USAGE
    except UsageError as usage:
        where = f" (see: {usage.ctx.command_path} --help)" if usage.ctx else ""
        err.print(f"error: {' '.join(usage.format_message().split())}{where}", markup=False)
        return BAD_USAGE
    except ClickException as failure:
        err.print(f"error: {' '.join(failure.format_message().split())}", markup=False)
        return failure.exit_code
    except (typer.Abort, KeyboardInterrupt):
        err.print("interrupted", markup=False)
        return INTERRUPTED
    except OSError as error:
        if error.errno == errno.EPIPE:  # `videogen jobs | head`: the reader left
            return 0
        err.print(f"error: {error.strerror or error}: {error.filename or ''}".rstrip(": "),
                  markup=False)
        return JOB_ENDED_BADLY
    except Exception as error:  # the process boundary: one line, never a traceback
        if os.environ.get("VIDEOGEN_DEBUG"):
            raise
        err.print(f"error: internal error in videogen: {type(error).__name__}: {error}"
                  " (set VIDEOGEN_DEBUG=1 to see where)", markup=False)
        return JOB_ENDED_BADLY
    return result if isinstance(result, int) else 0
