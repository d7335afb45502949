"""The script commands and queries on NATS request/reply: decode, handle, reply typed.

Every way a request can fail becomes a `CommandRejected` here, so the sender (the gateway,
the production process manager) gets a typed answer and never a timeout for a bad request:
a body that does not decode into the Struct → `invalid` (naming the field), a domain error
→ its code (a broken language model → `unavailable`, with the reason).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol

import msgspec
from nats.aio.client import Client
from videogen_bus.headers import causation_of, correlation_of
from videogen_bus.rpc import CommandHandler, CommandServer, serve_commands
from videogen_contracts.envelope import to_raw
from videogen_contracts.replies import (
    CommandAccepted,
    CommandRejected,
    CommandReply,
    QueryAnswered,
    RejectionCode,
)
from videogen_contracts.script.commands import COMMANDS
from videogen_contracts.script.events import SERVICE
from videogen_contracts.script.queries import QUERIES
from videogen_contracts.subjects import Namespace
from videogen_runtime.logs import new_correlation_id

from script_service.domain.errors import Conflict, DomainError, NotFound, Unavailable

# msgspec names the location as "- at `$.text`"; a missing field is named apart
# ("missing required field `text`"), relative to that location.
_LOCATION = re.compile(r" - at `\$\.?([^`]*)`$")
_MISSING = re.compile(r"missing required field `([^`]+)`")


class ScriptRequests(Protocol):
    async def handle(
        self, command: msgspec.Struct, *, correlation_id: str, causation_id: str | None
    ) -> CommandAccepted: ...

    async def answer(self, query: msgspec.Struct) -> msgspec.Struct: ...


async def serve_script_commands(nc: Client, ns: Namespace, app: ScriptRequests) -> CommandServer:
    return await serve_commands(nc, ns, SERVICE, command_handlers(app))


def command_handlers(app: ScriptRequests) -> dict[str, CommandHandler]:
    """One request handler per command and query name of the contract."""
    handlers = {name: _command_handler(app, kind) for name, kind in COMMANDS.items()}
    handlers.update({name: _query_handler(app, kind) for name, kind in QUERIES.items()})
    return handlers


def rejection_code(error: DomainError) -> RejectionCode:
    if isinstance(error, NotFound):
        return "not_found"
    if isinstance(error, Conflict):
        return "conflict"
    if isinstance(error, Unavailable):
        return "unavailable"
    return "invalid"


def _command_handler(app: ScriptRequests, kind: type[msgspec.Struct]) -> CommandHandler:
    async def run(request: msgspec.Struct, headers: Mapping[str, str]) -> CommandReply:
        return await app.handle(
            request,
            correlation_id=correlation_of(headers) or new_correlation_id(),
            causation_id=causation_of(headers),
        )

    return _decoding(kind, run)


def _query_handler(app: ScriptRequests, kind: type[msgspec.Struct]) -> CommandHandler:
    async def run(request: msgspec.Struct, headers: Mapping[str, str]) -> CommandReply:
        return QueryAnswered(answer=to_raw(await app.answer(request)))

    return _decoding(kind, run)


def _decoding(
    kind: type[msgspec.Struct],
    run: Callable[[msgspec.Struct, Mapping[str, str]], Awaitable[CommandReply]],
) -> CommandHandler:
    decoder = msgspec.json.Decoder(kind)

    async def handle(data: bytes, headers: Mapping[str, str]) -> CommandReply:
        try:
            request = decoder.decode(data)
        except msgspec.DecodeError as error:
            return rejection_for_decode_error(error)
        try:
            return await run(request, headers)
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
