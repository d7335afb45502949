"""The media commands on NATS request/reply: decode, handle, reply typed.

Only `prepare_media` is public. The reply comes as soon as `MediaPreparationRequested` is
stored; the narration, captions and visuals are long work done by the preparation worker
and reported as events, so the caller never holds a request open for minutes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import msgspec
from nats.aio.client import Client
from videogen_bus.headers import causation_of, correlation_of
from videogen_bus.rpc import CommandHandler, CommandServer, serve_commands
from videogen_contracts.media.commands import PrepareMedia
from videogen_contracts.media.events import SERVICE
from videogen_contracts.replies import CommandRejected, CommandReply, RejectionCode
from videogen_contracts.subjects import Namespace
from videogen_runtime.logs import new_correlation_id

from media_service.app.handlers import PreparationHandler
from media_service.domain.errors import Conflict, DomainError, Invalid, NotFound

CODES: dict[type[DomainError], RejectionCode] = {
    NotFound: "not_found",
    Conflict: "conflict",
    Invalid: "invalid",
}

# msgspec names the location as "- at `$.sentences[0].text`".
_LOCATION = re.compile(r" - at `\$\.?([^`]*)`$")

_prepare_decoder = msgspec.json.Decoder(PrepareMedia)


async def serve_media_commands(
    nc: Client, ns: Namespace, handler: PreparationHandler
) -> CommandServer:
    return await serve_commands(nc, ns, SERVICE, command_handlers(handler))


def command_handlers(handler: PreparationHandler) -> dict[str, CommandHandler]:
    async def prepare_media(data: bytes, headers: Mapping[str, str]) -> CommandReply:
        try:
            command = _prepare_decoder.decode(data)
        except msgspec.ValidationError as error:
            return CommandRejected(code="invalid", message=str(error), field=_field_of(error))
        except msgspec.DecodeError as error:
            return CommandRejected(code="invalid", message=f"malformed JSON: {error}")
        try:
            return await handler.handle(
                command,
                correlation_id=correlation_of(headers) or new_correlation_id(),
                causation_id=causation_of(headers),
            )
        except DomainError as error:
            return CommandRejected(
                code=CODES[type(error)], message=error.message, field=error.field
            )

    return {"prepare_media": prepare_media}


def _field_of(error: msgspec.ValidationError) -> str | None:
    location = _LOCATION.search(str(error))
    return (location.group(1) or None) if location else None
