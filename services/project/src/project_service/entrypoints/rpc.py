"""The project commands on NATS request/reply, served by the shared table (videogen_bus.serving):
decode, handle, reply typed, so the gateway maps codes to HTTP and never sees a timeout for
a bad request. Bootstrap serves them in one micro service with the production's and the
settings' commands."""

from __future__ import annotations

from videogen_bus.rpc import CommandHandler
from videogen_bus.serving import endpoints
from videogen_contracts.project.commands import COMMANDS

from project_service.app.handlers import ProjectCommandHandler


def command_handlers(projects: ProjectCommandHandler) -> dict[str, CommandHandler]:
    return endpoints(COMMANDS, commands=dict.fromkeys(COMMANDS, projects.handle))
