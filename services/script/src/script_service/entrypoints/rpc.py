"""The script commands on NATS request/reply: decode, handle, reply typed.

Every way a command can fail becomes a `CommandRejected` here, so the sender (the
production process manager) gets a typed answer and never a timeout for a bad request:
a body that does not decode into the command Struct → `invalid` (naming the field), a
domain error → its code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Protocol

import msgspec
from nats.aio.client import Client
from videogen_bus.headers import causation_of, correlation_of
from videogen_bus.rpc import CommandHandler, CommandServer, serve_commands
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply, RejectionCode
from videogen_contracts.script.commands import COMMANDS, DraftScriptFromText, ScriptCommand
from videogen_contracts.script.events import SERVICE
from videogen_contracts.subjects import Namespace
from videogen_runtime.logs import new_correlation_id

from script_service.domain.errors import Conflict, DomainError, NotFound

# msgspec names the location as "- at `$.text`"; a missing field is named apart
# ("missing required field `text`"), relative to that location.
_LOCATION = re.compile(r" - at `\$\.?([^`]*)`$")
_MISSING = re.compile(r"missing required field `([^`]+)`")


class CommandApp(Protocol):
    async def handle(
        self, command: ScriptCommand, *, correlation_id: str, causation_id: str | None
    ) -> CommandAccepted: ...


async def serve_script_commands(nc: Client, ns: Namespace, app: CommandApp) -> CommandServer:
    return await serve_commands(nc, ns, SERVICE, command_handlers(app))


def command_handlers(app: CommandApp) -> dict[str, CommandHandler]:
    """One request handler per command name of the contract."""
    return {name: _handler_for(app, command_type) for name, command_type in COMMANDS.items()}


def rejection_code(error: DomainError) -> RejectionCode:
    if isinstance(error, NotFound):
        return "not_found"
    if isinstance(error, Conflict):
        return "conflict"
    return "invalid"


def _handler_for(app: CommandApp, command_type: type[msgspec.Struct]) -> CommandHandler:
    decoder = msgspec.json.Decoder(command_type)

    async def handle(data: bytes, headers: Mapping[str, str]) -> CommandReply:
        try:
            command = decoder.decode(data)
        except msgspec.DecodeError as error:
            return rejection_for_decode_error(error)
        assert isinstance(command, DraftScriptFromText)  # COMMANDS holds only script commands
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


def rejection_for_decode_error(error: msgspec.DecodeError) -> CommandRejected:
    """`invalid`, naming the field when msgspec says which (`text`)."""
    message = str(error)
    if not isinstance(error, msgspec.ValidationError):
        return CommandRejected(code="invalid", message=f"malformed JSON: {message}")
    location = _LOCATION.search(message)
    path = location.group(1) if location else ""
    missing = _MISSING.search(message)
    if missing:
        path = f"{path}.{missing.group(1)}" if path else missing.group(1)
    return CommandRejected(code="invalid", message=message, field=path or None)
