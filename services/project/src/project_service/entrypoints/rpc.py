"""The project commands on NATS request/reply: decode, handle, reply typed.

Every way a command can fail becomes a `CommandRejected` here, so the gateway maps codes
to HTTP and never sees a timeout for a bad request: a body that does not decode into the
command Struct → `invalid` (naming the field), a domain error → its code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Protocol

import msgspec
import structlog
from nats.aio.client import Client
from videogen_bus.headers import causation_of, correlation_of
from videogen_bus.rpc import CommandHandler, CommandServer, serve_commands
from videogen_contracts.project.commands import COMMANDS, ProjectCommand
from videogen_contracts.project.events import SERVICE
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply, RejectionCode
from videogen_contracts.subjects import Namespace
from videogen_runtime.logs import new_correlation_id

from project_service.domain.errors import Conflict, DomainError, Invalid, NotFound

log = structlog.get_logger("project_service.rpc")

CODES: dict[type[DomainError], RejectionCode] = {
    NotFound: "not_found",
    Conflict: "conflict",
    Invalid: "invalid",
}

# msgspec names the location as "- at `$.members[0].role`"; a missing field is named
# apart ("missing required field `name`"), relative to that location.
_LOCATION = re.compile(r" - at `\$\.?([^`]*)`$")
_MISSING = re.compile(r"missing required field `([^`]+)`")


class CommandApp(Protocol):
    async def handle(
        self, command: ProjectCommand, *, correlation_id: str, causation_id: str | None
    ) -> CommandAccepted: ...


async def serve_project_commands(
    nc: Client,
    ns: Namespace,
    app: CommandApp,
    extra: Mapping[str, CommandHandler] | None = None,
) -> CommandServer:
    """The project commands plus `extra` ones (the production's) in one micro service."""
    return await serve_commands(nc, ns, SERVICE, {**command_handlers(app), **(extra or {})})


def command_handlers(app: CommandApp) -> dict[str, CommandHandler]:
    """One request handler per command name of the contract."""
    return {name: _handler_for(app, command_type) for name, command_type in COMMANDS.items()}


def _handler_for(app: CommandApp, command_type: type[msgspec.Struct]) -> CommandHandler:
    decoder = msgspec.json.Decoder(command_type)

    async def handle(data: bytes, headers: Mapping[str, str]) -> CommandReply:
        try:
            command = decoder.decode(data)
        except msgspec.DecodeError as error:
            return _logged(rejection_for_decode_error(error))
        assert isinstance(command, ProjectCommand)  # COMMANDS holds only project commands
        try:
            reply = await app.handle(
                command,
                correlation_id=correlation_of(headers) or new_correlation_id(),
                causation_id=causation_of(headers),
            )
        except DomainError as error:
            return _logged(
                CommandRejected(code=CODES[type(error)], message=error.message, field=error.field)
            )
        return _logged(reply)

    return handle


def _logged(reply: CommandReply) -> CommandReply:
    # The bus binds the correlation id and command name to every line logged here.
    if isinstance(reply, CommandAccepted):
        log.info(
            "command.accepted",
            stream_id=reply.stream_id,
            stream_version=reply.stream_version,
            duplicate=reply.duplicate,
        )
    elif isinstance(reply, CommandRejected):
        log.info("command.rejected", code=reply.code, field=reply.field, reason=reply.message)
    return reply


def rejection_for_decode_error(error: msgspec.DecodeError) -> CommandRejected:
    """`invalid`, naming the field when msgspec says which (`members[0].name`)."""
    message = _shortened(str(error))
    if not isinstance(error, msgspec.ValidationError):
        return CommandRejected(code="invalid", message=f"malformed JSON: {message}")
    return CommandRejected(code="invalid", message=message, field=field_of(message))


def _shortened(message: str, limit: int = 300) -> str:
    # msgspec quotes a bad enum value in full; a reply (and a log line) needs no megabyte.
    return message if len(message) <= limit else f"{message[:limit]}…"


def field_of(message: str) -> str | None:
    location = _LOCATION.search(message)
    path = location.group(1) if location else ""
    missing = _MISSING.search(message)
    if missing:
        path = f"{path}.{missing.group(1)}" if path else missing.group(1)
    return path or None
