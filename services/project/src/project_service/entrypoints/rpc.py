"""The project commands on NATS request/reply, served by the shared table (videogen_bus.serving):
decode, handle, reply typed, so the gateway maps codes to HTTP and never sees a timeout for
a bad request."""

from __future__ import annotations

from collections.abc import Mapping

from nats.aio.client import Client
from videogen_bus.rpc import CommandHandler, CommandServer, serve_commands
from videogen_bus.serving import endpoints
from videogen_contracts.project.commands import COMMANDS
from videogen_contracts.project.events import SERVICE
from videogen_contracts.subjects import Namespace

from project_service.app.handlers import ProjectCommandHandler


async def serve_project_commands(
    nc: Client,
    ns: Namespace,
    projects: ProjectCommandHandler,
    extra: Mapping[str, CommandHandler] | None = None,
) -> CommandServer:
    """The project commands plus `extra` ones (the production's) in one micro service."""
    return await serve_commands(nc, ns, SERVICE, {**command_handlers(projects), **(extra or {})})


def command_handlers(projects: ProjectCommandHandler) -> dict[str, CommandHandler]:
    return endpoints(COMMANDS, commands=dict.fromkeys(COMMANDS, projects.handle))
