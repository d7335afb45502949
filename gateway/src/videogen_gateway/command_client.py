"""Sending a command to a service, and waiting until its effect is readable.

Resending is safe because the command keeps its `command_id`: a service that already
handled it answers with the earlier result and appends nothing. So when no replica answers
(none running: it was killed and is restarting; or the reply was lost), the same command
is sent again with backoff for up to `resend_for` seconds.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import uuid4

import msgspec
import structlog
from nats.aio.client import Client
from videogen_bus.correlation import current_correlation_id, new_correlation_id
from videogen_bus.rpc import ServiceUnavailable, send_command
from videogen_contracts.replies import (
    CommandAccepted,
    CommandRejected,
    CommandReply,
    QueryAnswered,
)
from videogen_contracts.subjects import Namespace

from videogen_gateway.positions import PositionWaiter

log = structlog.get_logger("videogen_gateway.command_client")
Answer = TypeVar("Answer", CommandAccepted, QueryAnswered)
Command = TypeVar("Command", bound=msgspec.Struct)

FIRST_BACKOFF = 0.05
MAX_BACKOFF = 1.0
# A service answers `unavailable` when a handler crashed (its database down, say). That
# may pass, so the command is resent, but only a few times: a bug would fail every time.
UNAVAILABLE_RETRIES = 3


class CommandRefused(Exception):
    """The service rejected the command; the surface turns it into its own error."""

    def __init__(self, rejection: CommandRejected) -> None:
        super().__init__(rejection.message)
        self.rejection = rejection


def new_ids() -> tuple[str, datetime]:
    """A new command's idempotency key and its time (set here, never by the decider)."""
    return str(uuid4()), datetime.now(UTC)


def stamped(kind: type[Command], command_id: str | None = None, **fields: Any) -> Command:
    """A new command (`new_ids`), unless a caller that may send it again fixes its key."""
    new_id, now = new_ids()
    return kind(command_id=command_id or new_id, now=now, **fields)


class Dispatcher:
    def __init__(self, nc: Client, ns: Namespace, waiter: PositionWaiter, *, resend_for: float,
                 attempt_timeout: float, visible_within: float) -> None:
        self._nc, self._ns, self._waiter = nc, ns, waiter
        self._resend_for, self._attempt_timeout = resend_for, attempt_timeout
        self._visible_within = visible_within

    async def send(
        self, service: str, name: str, command: msgspec.Struct, correlation_id: str | None = None,
        *, attempt_timeout: float | None = None,
    ) -> CommandAccepted:
        """Send until a replica answers; raise `CommandRefused` if it says no.

        `attempt_timeout` overrides the default wait for one reply, for commands whose
        handler is slow on purpose (a language model writing a script while the client waits).
        """
        return await self._answer(CommandAccepted, service, name, command, correlation_id,
                                  attempt_timeout)

    async def query(
        self, service: str, name: str, query: msgspec.Struct, correlation_id: str | None = None,
        *, attempt_timeout: float | None = None,
    ) -> QueryAnswered:
        """Ask a query (it changes nothing, so resending it is always safe); its answer."""
        return await self._answer(QueryAnswered, service, name, query, correlation_id,
                                  attempt_timeout)

    async def _answer(
        self, kind: type[Answer], service: str, name: str, message: msgspec.Struct,
        correlation_id: str | None, attempt_timeout: float | None,
    ) -> Answer:
        correlation_id = correlation_id or current_correlation_id() or new_correlation_id()
        reply = await self._exchange(service, name, message, correlation_id, attempt_timeout)
        if isinstance(reply, kind):
            return reply
        if isinstance(reply, CommandRejected):
            raise CommandRefused(reply)
        # A query sent as a command, or the reverse: a caller's bug, not a reason to resend.
        wrong = "a query" if kind is CommandAccepted else "not a query"
        raise CommandRefused(
            CommandRejected(code="invalid", message=f"{service}.{name} is {wrong}")
        )

    async def _exchange(
        self, service: str, name: str, message: msgspec.Struct, correlation_id: str,
        attempt_timeout: float | None,
    ) -> CommandReply:
        """Send until a replica answers anything but a passing `unavailable`; that answer."""
        payload = msgspec.json.encode(message)
        per_attempt = attempt_timeout or self._attempt_timeout
        deadline = time.monotonic() + max(self._resend_for, per_attempt)
        backoff = FIRST_BACKOFF
        unavailable = 0
        while True:
            if not self._nc.is_connected:
                # Refused, not queued: nats-py would buffer the request in memory until it
                # reconnects, and the client would wait for an answer that may never come.
                raise ServiceUnavailable(service, name, "NATS is not connected")
            left = deadline - time.monotonic()
            try:
                reply = await send_command(
                    self._nc, self._ns, service, name, payload,
                    correlation_id=correlation_id,
                    timeout=max(0.05, min(per_attempt, left)),
                )
            except ServiceUnavailable as error:
                if time.monotonic() + backoff >= deadline:
                    raise
                log.info("command.resend", command=name, reason=error.reason)
            else:
                if not isinstance(reply, CommandRejected) or reply.code != "unavailable":
                    return reply
                if unavailable >= UNAVAILABLE_RETRIES:
                    return reply
                unavailable += 1
                log.warning("command.resend", command=name, reason=reply.message)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)

    async def send_and_wait(
        self, service: str, name: str, command: msgspec.Struct, correlation_id: str | None = None,
        *, attempt_timeout: float | None = None,
    ) -> CommandAccepted:
        """`send`, then wait (bounded) until the read models have applied its events."""
        accepted = await self.send(
            service, name, command, correlation_id, attempt_timeout=attempt_timeout
        )
        visible = await self._waiter.wait_for(
            accepted.stream_id, accepted.stream_version, self._visible_within
        )
        if not visible:  # answer anyway: the write is durable; only the read models are late
            log.warning("readmodel.late", stream_id=accepted.stream_id,
                        version=accepted.stream_version)
        return accepted
