"""NATS header names and the helpers that write and read them.

Correlation and causation ids travel in headers (not only in event metadata) so that a
command, which has no envelope, carries them too, and so that tools that route on headers
(the NATS CLI, a tracing sidecar) see them without decoding the body. So does the actor a
command acts for (videogen_bus.actor): the service that handles it binds it from there.
"""

from __future__ import annotations

from collections.abc import Mapping

from videogen_contracts.envelope import RecordedEvent

from videogen_bus.actor import actor_headers, current_actor, owner_actor

CORRELATION = "Vg-Correlation-Id"
CAUSATION = "Vg-Causation-Id"
EVENT_TYPE = "Vg-Event-Type"
# JetStream drops a second message with the same id inside the stream's duplicate window;
# the relay sets it to the event_id, which makes at-least-once publishing effectively once.
MSG_ID = "Nats-Msg-Id"


def command_headers(correlation_id: str, causation_id: str | None = None) -> dict[str, str]:
    """The headers of a command sent now: its ids, and the actor bound in this context."""
    headers = {CORRELATION: correlation_id, **actor_headers(current_actor())}
    if causation_id:
        headers[CAUSATION] = causation_id
    return headers


def event_headers(event: RecordedEvent) -> dict[str, str]:
    """Headers of the JetStream message that carries a recorded event."""
    headers = {
        MSG_ID: str(event.event_id), EVENT_TYPE: event.type,
        CORRELATION: event.metadata.correlation_id,
        # For tools only: a consumer takes the owner from the metadata, which it decodes.
        **actor_headers(owner_actor(event.metadata.owner)),
    }
    if event.metadata.causation_id:
        headers[CAUSATION] = event.metadata.causation_id
    return headers


def correlation_of(headers: Mapping[str, str] | None) -> str | None:
    return headers.get(CORRELATION) if headers else None


def causation_of(headers: Mapping[str, str] | None) -> str | None:
    return headers.get(CAUSATION) if headers else None
