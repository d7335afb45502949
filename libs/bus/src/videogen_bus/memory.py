"""An in-memory bus for unit tests of policies: same shapes as the NATS one, no server.

Delivery is synchronous and in order: `publish` returns after every matching handler has
run, and a handler's exception propagates to the publisher, so a test sees failures where
they happen instead of in a log.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

import msgspec
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply
from videogen_contracts.subjects import Namespace

from videogen_bus.actor import acting_as, actor_of, owner_actor
from videogen_bus.correlation import correlation_scope
from videogen_bus.headers import command_headers
from videogen_bus.publish import subject_of
from videogen_bus.rpc import PING, CommandHandler, ServiceUnavailable

EventCallback = Callable[[RecordedEvent], Awaitable[None]]

_encoder = msgspec.json.Encoder()


def subject_matches(pattern: str, subject: str) -> bool:
    """NATS wildcard matching: `*` is one token, a final `>` is one or more tokens."""
    want, have = pattern.split("."), subject.split(".")
    for index, token in enumerate(want):
        if token == ">":
            return len(have) > index
        if index >= len(have) or (token != "*" and token != have[index]):
            return False
    return len(want) == len(have)


@dataclass(frozen=True)
class SentCommand:
    service: str
    command: str
    payload: bytes
    headers: Mapping[str, str]


@dataclass(frozen=True)
class DeadLetter:
    consumer: str
    subject: str
    payload: bytes
    error: str


@dataclass
class InMemoryDeadLetters:
    """A `DeadLetterSink` that keeps what it is given, for assertions."""

    letters: list[DeadLetter] = field(default_factory=list)

    async def record(self, consumer: str, subject: str, payload: bytes, error: str) -> None:
        self.letters.append(DeadLetter(consumer, subject, payload, error))


class InMemoryBus:
    """Events by subject to subscribers, commands to registered handlers; all recorded."""

    def __init__(self, ns: Namespace | None = None) -> None:
        self.ns = ns or Namespace()
        self.published: list[tuple[str, RecordedEvent]] = []
        self.sent: list[SentCommand] = []
        self._subscribers: list[tuple[str, EventCallback]] = []
        self._handlers: dict[str, CommandHandler] = {}

    # --- events ---

    def subscribe(self, pattern: str, callback: EventCallback) -> None:
        self._subscribers.append((pattern, callback))

    async def publish(self, subject: str, event: RecordedEvent) -> None:
        self.published.append((subject, event))
        for pattern, callback in list(self._subscribers):
            if subject_matches(pattern, subject):
                # As the consumer loops do: a reaction acts for the stream's owner.
                with (
                    correlation_scope(event.metadata.correlation_id),
                    acting_as(owner_actor(event.metadata.owner)),
                ):
                    await callback(event)

    async def publish_event(self, event: RecordedEvent) -> None:
        """Publish on the subject the relay would use for `event`."""
        await self.publish(subject_of(self.ns, event), event)

    # --- commands ---

    def serve_commands(
        self, service: str, handlers: Mapping[str, CommandHandler]
    ) -> InMemoryCommandServer:
        subjects = []
        for command, handler in {PING: _pong, **handlers}.items():
            subject = self.ns.command_subject(service, command)
            self._handlers[subject] = handler
            subjects.append(subject)
        return InMemoryCommandServer(self._handlers, subjects)

    async def send_command(
        self, service: str, command: str, payload: msgspec.Struct | bytes, *, correlation_id: str,
        causation_id: str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 (the NATS request's own deadline)
    ) -> CommandReply:
        data = payload if isinstance(payload, bytes) else _encoder.encode(payload)
        headers = command_headers(correlation_id, causation_id)
        self.sent.append(SentCommand(service, command, data, headers))
        handler = self._handlers.get(self.ns.command_subject(service, command))
        if handler is None:
            raise ServiceUnavailable(service, command, "no responders")
        # As rpc._answer does: the handler acts for the actor the headers carry.
        with correlation_scope(correlation_id), acting_as(actor_of(headers)):
            try:
                return await handler(data, headers)
            except msgspec.DecodeError as error:
                # Same mapping as the NATS server side (rpc._run_handler).
                return CommandRejected(code="invalid", message=str(error))


@dataclass
class InMemoryCommandServer:
    """What `InMemoryBus.serve_commands` returns; `close()` unregisters, like the real one."""

    _handlers: dict[str, CommandHandler]
    _subjects: list[str]

    async def close(self) -> None:
        for subject in self._subjects:
            self._handlers.pop(subject, None)


async def _pong(data: bytes, headers: Mapping[str, str]) -> CommandReply:
    return CommandAccepted(stream_id="$ping", stream_version=0, global_position=0)
