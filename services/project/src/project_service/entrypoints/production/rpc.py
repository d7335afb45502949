"""The production commands on NATS request/reply (start, cancel and retry a production).

They are served by the same micro service as the project commands (one queue group per
service): bootstrap merges `production_command_handlers` into the project table.
"""

from __future__ import annotations

from videogen_bus.rpc import CommandHandler
from videogen_bus.serving import endpoints
from videogen_contracts.project.production import COMMANDS

from project_service.app.production.handlers import ProductionHandlers


def production_command_handlers(productions: ProductionHandlers) -> dict[str, CommandHandler]:
    return endpoints(COMMANDS, commands=dict.fromkeys(COMMANDS, productions.handle))
