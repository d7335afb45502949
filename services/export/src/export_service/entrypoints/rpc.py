"""The export commands on NATS request/reply, served by the shared table (videogen_bus.serving):
decode, handle, reply typed."""

from __future__ import annotations

from videogen_bus.rpc import CommandHandler
from videogen_bus.serving import endpoints
from videogen_contracts.export.commands import COMMANDS

from export_service.app.handlers import RenderHandler


def command_handlers(renders: RenderHandler) -> dict[str, CommandHandler]:
    return endpoints(COMMANDS, commands={"render_timeline": renders.handle})
