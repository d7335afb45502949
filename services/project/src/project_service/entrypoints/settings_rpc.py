"""The settings on NATS request/reply: "update_settings" (a command), "get_settings" (a query).

Served by the project service's micro service next to the project and production commands
(bootstrap merges these handlers in). Nothing here logs a payload: the sealed keys travel
in it, and although sealed, they have no business in a log.
"""

from __future__ import annotations

from collections.abc import Mapping

import msgspec
from videogen_bus.headers import causation_of, correlation_of
from videogen_bus.rpc import CommandHandler
from videogen_contracts.project.settings import UpdateSettings
from videogen_contracts.replies import CommandRejected, CommandReply, QueryAnswered
from videogen_runtime.logs import new_correlation_id

from project_service.app.settings_handlers import SettingsHandlers
from project_service.domain.errors import DomainError
from project_service.entrypoints.production_rpc import rejection_code
from project_service.entrypoints.rpc import rejection_for_decode_error

_update = msgspec.json.Decoder(UpdateSettings)


def settings_handlers(app: SettingsHandlers) -> dict[str, CommandHandler]:
    async def update_settings(data: bytes, headers: Mapping[str, str]) -> CommandReply:
        try:
            command = _update.decode(data)
        except msgspec.DecodeError as error:
            return rejection_for_decode_error(error)
        try:
            return await app.update(
                command,
                correlation_id=correlation_of(headers) or new_correlation_id(),
                causation_id=causation_of(headers),
            )
        except DomainError as error:
            return CommandRejected(
                code=rejection_code(error), message=error.message, field=error.field
            )

    async def get_settings(data: bytes, headers: Mapping[str, str]) -> CommandReply:
        return QueryAnswered(answer=msgspec.Raw(msgspec.json.encode(await app.current())))

    return {"update_settings": update_settings, "get_settings": get_settings}
