"""The settings on NATS request/reply: "update_settings" (a command), "get_settings" (a query).

Served by the project service's micro service next to the project and production commands
(bootstrap merges these handlers in). The serving table never logs a payload: the sealed
keys travel in it, and although sealed, they have no business in a log.
"""

from __future__ import annotations

from videogen_bus.rpc import CommandHandler
from videogen_bus.serving import endpoints
from videogen_contracts.project.settings import COMMANDS, QUERIES

from project_service.app.settings_handlers import SettingsHandlers


def settings_handlers(settings: SettingsHandlers) -> dict[str, CommandHandler]:
    return endpoints(
        {**COMMANDS, **QUERIES}, commands={"update_settings": settings.handle},
        queries={"get_settings": settings.current},
    )
