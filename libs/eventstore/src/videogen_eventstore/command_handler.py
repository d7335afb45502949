"""The shared command handler: load → fold → decide → append(expected_version), retry.

Optimistic concurrency: the append demands the version we folded. If another writer got
there first, we reload and decide again on the new state (the command may now be rejected
by the decider, which is the point), at most `max_retries` times.

Idempotency by `command_id`: event ids are derived from it (`uuid5(command_id:index)`) and
the command id is stamped into each event's metadata. A command delivered twice (a client
retry, a redelivered NATS request, a lost reply) either finds its events already in the
stream and returns the earlier result without deciding again, or, racing its twin, makes
an append the store recognizes as a repeat (same event ids) and turns into a no-op.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from functools import reduce
from typing import TypeVar

import msgspec
from videogen_contracts.envelope import EventMetadata, NewEvent, RecordedEvent

from .api import NO_STREAM, AppendResult, EventStore, WrongExpectedVersion

C = TypeVar("C")
E = TypeVar("E")
S = TypeVar("S")

# Fixed forever: changing it would change the event ids of re-delivered commands.
EVENT_ID_NAMESPACE = uuid.UUID("6f1d2a4e-6c1b-4e55-9d55-7a0c2b9e0d11")


def event_id_for(command_id: str, index: int) -> uuid.UUID:
    """The id of the `index`-th event a command produces: the same on every retry."""
    return uuid.uuid5(EVENT_ID_NAMESPACE, f"{command_id}:{index}")


async def handle_command(
    store: EventStore,
    stream_id: str,
    command: C,
    *,
    decide: Callable[[C, S], Sequence[E]],
    evolve: Callable[[S, E], S],
    initial: S,
    decode: Callable[[RecordedEvent], E],
    encode_type: Callable[[E], tuple[str, msgspec.Raw]],
    metadata: EventMetadata,
    command_id: str,
    max_retries: int = 5,
) -> AppendResult:
    """Run `command` against the stream. Domain exceptions from `decide` propagate.

    Returns `written=False` when the command was already handled (nothing appended again)
    or when `decide` produced no events (nothing to do).
    """
    metadata = msgspec.structs.replace(metadata, command_id=command_id)
    for attempt in range(max_retries + 1):
        recorded = await store.read_stream(stream_id)
        earlier = _result_of_earlier_run(recorded, command_id)
        if earlier is not None:
            return earlier
        state = reduce(evolve, (decode(r) for r in recorded), initial)
        events = decide(command, state)
        version = recorded[-1].stream_version if recorded else NO_STREAM
        if not events:
            position = recorded[-1].global_position if recorded else 0
            return AppendResult(stream_version=version, global_position=position, written=False)
        new = [_new_event(e, i, command_id, metadata, encode_type) for i, e in enumerate(events)]
        try:
            return await store.append(stream_id, new, version)
        except WrongExpectedVersion:
            if attempt == max_retries:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _result_of_earlier_run(recorded: list[RecordedEvent], command_id: str) -> AppendResult | None:
    mine = [r for r in recorded if r.metadata.command_id == command_id]
    if not mine:
        return None
    last = mine[-1]
    return AppendResult(
        stream_version=last.stream_version, global_position=last.global_position, written=False
    )


def _new_event(
    event: E,
    index: int,
    command_id: str,
    metadata: EventMetadata,
    encode_type: Callable[[E], tuple[str, msgspec.Raw]],
) -> NewEvent:
    event_type, data = encode_type(event)
    return NewEvent(
        event_id=event_id_for(command_id, index),
        type=event_type,
        data=data,
        metadata=metadata,
    )
