"""The export commands on NATS request/reply, served by the shared table (videogen_bus.serving):
decode, handle, reply typed."""

from __future__ import annotations

from videogen_bus.rpc import CommandHandler
from videogen_bus.serving import endpoints
from videogen_contracts.export.commands import COMMANDS
from videogen_contracts.export.exports import EXPORT_COMMANDS

from export_service.app.handlers import ExportHandler, RenderHandler


def command_handlers(renders: RenderHandler, exports: ExportHandler) -> dict[str, CommandHandler]:
    return {
        **endpoints(COMMANDS, commands={"render_timeline": renders.handle}),
        **endpoints(EXPORT_COMMANDS, commands={"export_timeline": exports.handle}),
    }
