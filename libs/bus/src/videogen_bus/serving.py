"""A service's table of commands and queries, turned into rpc endpoints (`serve_commands`).

Every way a request can fail becomes a `CommandRejected` here, so the sender (the gateway,
a process manager) gets a typed answer and never a timeout for a bad request:
- a body that does not decode into the request's Struct → `invalid`, naming the field when
  msgspec says which (`members[0].name`);
- a domain error → its code (`rejection_for`: by class, subclasses included).
Each outcome is logged with the correlation id and command name the bus binds; the
payload never is (settings carry sealed keys).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

import msgspec
import structlog
from videogen_contracts.envelope import to_raw
from videogen_contracts.errors import DomainError, rejection_for
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply, QueryAnswered

from videogen_bus.correlation import new_correlation_id
from videogen_bus.headers import causation_of, correlation_of
from videogen_bus.rpc import CommandHandler

log = structlog.get_logger("videogen_bus.serving")

# msgspec names the location as "- at `$.members[0].role`"; a missing field is named
# apart ("missing required field `name`"), relative to that location.
_LOCATION = re.compile(r" - at `\$\.?([^`]*)`$")
_MISSING = re.compile(r"missing required field `([^`]+)`")
MESSAGE_MAX = 300


class HandleCommand(Protocol):
    """What serves a command: the application's use case, given the ids the bus carried."""

    def __call__(
        self, command: Any, /, *, correlation_id: str, causation_id: str | None
    ) -> Awaitable[CommandAccepted]: ...


AnswerQuery = Callable[[Any], Awaitable[msgspec.Struct]]


def endpoints(
    kinds: Mapping[str, type[msgspec.Struct]], *,
    commands: Mapping[str, HandleCommand] | None = None,
    queries: Mapping[str, AnswerQuery] | None = None,
) -> dict[str, CommandHandler]:
    """One endpoint per name of `kinds` (the contract's table), each served by its entry.

    Every name of the contract must be served, and nothing else: a gap is a wiring bug
    that should stop the service at start, not answer "no responders" at run time.
    """
    commands, queries = commands or {}, queries or {}
    served = set(commands) | set(queries)
    if served != set(kinds) or set(commands) & set(queries):
        raise ValueError(f"served {sorted(served)} but the contract names {sorted(kinds)}")
    table = {name: _command(kinds[name], handle) for name, handle in commands.items()}
    table.update({name: _query(kinds[name], answer) for name, answer in queries.items()})
    return table


def _command(kind: type[msgspec.Struct], handle: HandleCommand) -> CommandHandler:
    async def run(request: Any, headers: Mapping[str, str]) -> CommandReply:
        return await handle(
            request, correlation_id=correlation_of(headers) or new_correlation_id(),
            causation_id=causation_of(headers),
        )

    return _decoding(kind, run)


def _query(kind: type[msgspec.Struct], answer: AnswerQuery) -> CommandHandler:
    async def run(request: Any, headers: Mapping[str, str]) -> CommandReply:
        return QueryAnswered(answer=to_raw(await answer(request)))

    return _decoding(kind, run)


def _decoding(
    kind: type[msgspec.Struct], run: Callable[[Any, Mapping[str, str]], Awaitable[CommandReply]]
) -> CommandHandler:
    decoder = msgspec.json.Decoder(kind)

    async def handle(data: bytes, headers: Mapping[str, str]) -> CommandReply:
        try:
            request = decoder.decode(data)
        except msgspec.DecodeError as error:
            return _logged(rejection_for_decode_error(error))
        # PostgreSQL's jsonb cannot store U+0000: let through, such a text would fail the
        # append as a database error (a 503, retried in vain) instead of a 400 now.
        if b"\\u0000" in data and (where := nul_field(msgspec.to_builtins(request))):
            return _logged(CommandRejected(
                code="invalid", field=where,
                message=f"{where} must not contain the NUL character (U+0000)",
            ))
        try:
            return _logged(await run(request, headers))
        except DomainError as error:
            return _logged(rejection_for(error))

    return handle


def _logged(reply: CommandReply) -> CommandReply:
    if isinstance(reply, CommandAccepted):
        log.info(
            "command.accepted", stream_id=reply.stream_id, stream_version=reply.stream_version,
            duplicate=reply.duplicate,
        )
    elif isinstance(reply, CommandRejected):
        log.info("command.rejected", code=reply.code, field=reply.field, reason=reply.message)
    else:
        log.debug("query.answered")
    return reply


def rejection_for_decode_error(error: msgspec.DecodeError) -> CommandRejected:
    """`invalid`, naming the field when msgspec says which (`members[0].name`)."""
    message = str(error)
    if not isinstance(error, msgspec.ValidationError):
        return CommandRejected(code="invalid", message=f"malformed JSON: {_shortened(message)}")
    # The field from the whole message: msgspec names it last, past what a shortening keeps.
    return CommandRejected(code="invalid", message=_shortened(message), field=field_of(message))


def nul_field(value: Any, path: str = "") -> str | None:
    """The path (`members[0].name`) of the first string holding U+0000, if any."""
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    if isinstance(value, dict):
        found = (nul_field(k, path) or nul_field(v, f"{path}.{k}" if path else str(k))
                 for k, v in value.items())
    elif isinstance(value, list):
        found = (nul_field(v, f"{path}[{i}]") for i, v in enumerate(value))
    else:
        return None
    return next((where for where in found if where), None)


def _shortened(message: str) -> str:
    # msgspec quotes a bad enum value in full; a reply (and a log line) needs no megabyte.
    return message if len(message) <= MESSAGE_MAX else f"{message[:MESSAGE_MAX]}…"


def field_of(message: str) -> str | None:
    location = _LOCATION.search(message)
    path = location.group(1) if location else ""
    missing = _MISSING.search(message)
    if missing:
        path = f"{path}.{missing.group(1)}" if path else missing.group(1)
    return path or None
