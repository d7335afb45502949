"""The production commands on NATS request/reply (start, cancel and retry a production).

They are served by the same micro service as the project commands (one queue group per
service); the project rpc module merges `production_command_handlers` into its own. Decode
errors and domain errors become `CommandRejected`, as for the project commands.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import msgspec
from videogen_bus.headers import causation_of, correlation_of
from videogen_bus.rpc import CommandHandler
from videogen_contracts.project.production import (
    COMMANDS,
    CancelProduction,
    RetryProduction,
    StartProduction,
)
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply, RejectionCode
from videogen_runtime.logs import new_correlation_id

from project_service.domain.errors import Conflict, DomainError, Invalid, NotFound
from project_service.entrypoints.rpc import rejection_for_decode_error


class ProductionApp(Protocol):
    async def handle(
        self,
        command: StartProduction | CancelProduction | RetryProduction,
        *,
        correlation_id: str,
        causation_id: str | None,
    ) -> CommandAccepted: ...


def rejection_code(error: DomainError) -> RejectionCode:
    """By class, subclasses included (an IllegalTransition is a Conflict)."""
    if isinstance(error, NotFound):
        return "not_found"
    if isinstance(error, Invalid):
        return "invalid"
    if isinstance(error, Conflict):
        return "conflict"
    return "invalid"


def production_command_handlers(app: ProductionApp) -> dict[str, CommandHandler]:
    return {name: _handler_for(app, command_type) for name, command_type in COMMANDS.items()}


def _handler_for(app: ProductionApp, command_type: type[msgspec.Struct]) -> CommandHandler:
    decoder = msgspec.json.Decoder(command_type)

    async def handle(data: bytes, headers: Mapping[str, str]) -> CommandReply:
        try:
            command = decoder.decode(data)
        except msgspec.DecodeError as error:
            return rejection_for_decode_error(error)
        assert isinstance(command, StartProduction | CancelProduction | RetryProduction)
        try:
            return await app.handle(
                command,
                correlation_id=correlation_of(headers) or new_correlation_id(),
                causation_id=causation_of(headers),
            )
        except DomainError as error:
            return CommandRejected(
                code=rejection_code(error), message=error.message, field=error.field
            )

    return handle
