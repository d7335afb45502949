"""Sending the editor's commands to the media service, and its refusals as doc 002's errors.

Every command waits until the read models show its effect (read-your-writes), so the
answer and a GET right after it see the change. A refusal keeps its code (404, 409, 400)
and names the field as the client sent it (`new_start_ts`, not the command's `start_ts`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Annotated

import msgspec
from litestar.params import HeaderParameter
from videogen_contracts.media.events import SERVICE
from videogen_contracts.replies import CommandAccepted, CommandRejected
from videogen_gateway.command_client import CommandRefused
from videogen_gateway.errors import Rejected
from videogen_gateway.runtime import Runtime

# Fixed forever: the ids a retried request derives from its Idempotency-Key.
_RETRY_NAMESPACE = uuid.UUID("0c9f4b6e-2f7a-4d1e-9b8c-5a3e7d2f1c60")
MAX_IDEMPOTENCY_KEY = 200

# A route's `Idempotency-Key` header parameter (optional).
RetryKey = Annotated[str | None, HeaderParameter(
    name="Idempotency-Key", required=False, max_length=MAX_IDEMPOTENCY_KEY,
    description="the same key on a retried request: stored once, answered as the first time",
)]


async def send_media(
    rt: Runtime, name: str, command: msgspec.Struct, renames: Mapping[str, str] | None = None
) -> CommandAccepted:
    try:
        return await rt.dispatcher.send_and_wait(SERVICE, name, command)
    except CommandRefused as refused:
        raise rejected(refused.rejection, renames or {}) from None


def rejected(rejection: CommandRejected, renames: Mapping[str, str]) -> Rejected:
    """The refusal with the command's field names replaced by the client's, message too."""
    field = renames.get(rejection.field, rejection.field) if rejection.field else None
    detail = rejection.message
    if renames:
        names = re.compile(r"\b(" + "|".join(map(re.escape, renames)) + r")\b")
        detail = names.sub(lambda m: renames[m[1]], detail)
    return Rejected(rejection, field, detail)


def retry_key(header: str | None, what: str, natural: str | None = None) -> str | None:
    """The command id of a request that carries an `Idempotency-Key`: the same for its
    retries, so a retried edit is stored once and answered as the first time.

    Without the header, an edit that ends its segment's life (a split, a grade, a delete:
    the segment is inactive afterwards, so it can never be asked again for real) is its
    own key: `natural` names what was asked, and a plain retry of the same request is the
    same command, answered as the first time, while a different one meets the 409."""
    key = (header or "").strip()
    if key:
        return f"editor/{what}/{key}"
    return f"editor/{what}/as/{natural}" if natural is not None else None


def new_id(command_id: str | None, role: str) -> uuid.UUID:
    """An id the command creates: derived from a retry key, so a retry names the same one."""
    return uuid.uuid5(_RETRY_NAMESPACE, f"{command_id}:{role}") if command_id else uuid.uuid4()
