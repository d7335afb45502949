"""The API-key commands on NATS request/reply: "create_api_key", "revoke_api_key".

Served by the project service's micro service next to its other commands (bootstrap merges
these in). A command carries the key's hash, never the key.
"""

from __future__ import annotations

from videogen_bus.rpc import CommandHandler
from videogen_bus.serving import endpoints
from videogen_contracts.project.api_keys import COMMANDS

from project_service.app.api_key_handlers import ApiKeyHandlers


def api_key_handlers(keys: ApiKeyHandlers) -> dict[str, CommandHandler]:
    return endpoints(COMMANDS, commands=dict.fromkeys(COMMANDS, keys.handle))
