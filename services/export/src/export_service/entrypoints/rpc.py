"""The export commands on NATS request/reply, served by the shared table (videogen_bus.serving):
decode, handle, reply typed."""

from __future__ import annotations

from nats.aio.client import Client
from videogen_bus.rpc import CommandHandler, CommandServer, serve_commands
from videogen_bus.serving import endpoints
from videogen_contracts.export.commands import COMMANDS
from videogen_contracts.export.events import SERVICE
from videogen_contracts.subjects import Namespace

from export_service.app.handlers import RenderHandler


def command_handlers(renders: RenderHandler) -> dict[str, CommandHandler]:
    return endpoints(COMMANDS, commands={"render_timeline": renders.handle})


async def serve_export_commands(nc: Client, ns: Namespace, renders: RenderHandler) -> CommandServer:
    return await serve_commands(nc, ns, SERVICE, command_handlers(renders))
