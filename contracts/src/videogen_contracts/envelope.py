"""The event envelope: what every service appends, stores and publishes.

Event payloads stay as raw JSON (`msgspec.Raw`) inside the envelope so that a relay or a
projection can route and store an event without knowing its schema; only the owner of the
aggregate (and consumers that care) decode `data` into the typed Struct.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec


class EventMetadata(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Who caused an event and why; travels in NATS headers and in the events table."""

    correlation_id: str
    causation_id: str | None = None
    command_id: str | None = None
    # The project this event belongs to; the subject builder routes on it so that
    # `vg.*.<project_id>.>` selects everything about one project across services.
    project_id: str | None = None
    # The user who owns the stream this event belongs to (identity.py): the actor of the
    # command that created the stream, copied onto every later event of it, so that a
    # worker reacting to the event acts for the same user and a projection can file every
    # resource under its owner. None: a stream made by the system, or before issue 13.
    owner: str | None = None


class NewEvent(msgspec.Struct, frozen=True, kw_only=True):
    """An event about to be appended. `event_id` is the idempotency key of the append."""

    event_id: UUID
    type: str
    data: msgspec.Raw
    metadata: EventMetadata
    schema_version: int = 1


class RecordedEvent(msgspec.Struct, frozen=True, kw_only=True):
    """An event as stored: also the body of every message on a `VG_<SERVICE>` stream."""

    service: str
    global_position: int
    transaction_id: int
    stream_id: str
    stream_version: int
    event_id: UUID
    type: str
    schema_version: int
    data: msgspec.Raw
    metadata: EventMetadata
    recorded_at: datetime


_encoder = msgspec.json.Encoder()
_recorded_decoder = msgspec.json.Decoder(RecordedEvent)


def encode_recorded(event: RecordedEvent) -> bytes:
    return _encoder.encode(event)


def decode_recorded(payload: bytes) -> RecordedEvent:
    return _recorded_decoder.decode(payload)


def to_raw(struct: msgspec.Struct) -> msgspec.Raw:
    """Encode a typed event payload for the envelope."""
    return msgspec.Raw(_encoder.encode(struct))


def event_type_name(event_type: type[msgspec.Struct]) -> str:
    """The tag stored in the envelope's `type` (the class name)."""
    return str(event_type.__struct_config__.tag)
