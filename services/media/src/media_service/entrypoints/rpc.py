"""The media commands on NATS request/reply, served by the shared table (videogen_bus.serving).

Only `prepare_media` is public. The reply comes as soon as `MediaPreparationRequested` is
stored; the narration, captions and visuals are long work done by the preparation worker
and reported as events, so the caller never holds a request open for minutes.
"""

from __future__ import annotations

from videogen_bus.rpc import CommandHandler
from videogen_bus.serving import endpoints
from videogen_contracts.media.commands import COMMANDS
from videogen_contracts.media.manim_status import MANIM_STATUS_QUERIES

from media_service.app.handlers import PreparationHandler
from media_service.app.manim_status import ManimStatusQuery


def command_handlers(preparations: PreparationHandler) -> dict[str, CommandHandler]:
    return endpoints(COMMANDS, commands={"prepare_media": preparations.handle})


def manim_status_queries(status: ManimStatusQuery) -> dict[str, CommandHandler]:
    """`manim_status`: asked by the gateway before doc 003's POSTs and for its health."""
    return endpoints(MANIM_STATUS_QUERIES, queries={"manim_status": status.answer})
