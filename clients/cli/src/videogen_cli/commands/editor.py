"""`videogen` commands: editor (filled in by issue 14's helpers; see /work/wt/CLIENTS.md)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to `app`."""
