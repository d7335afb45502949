"""Deciding on several aggregates and appending the result as one transaction.

Each part names an aggregate, its key and the commands to decide on it in order (each
decided on the state the previous one left). Every stream is appended at the version it
was read at, so any concurrent write fails the whole unit and it is decided again. Event
ids come from the one command id, numbered across the unit: a repeated unit is a no-op.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from videogen_contracts.envelope import EventMetadata
from videogen_eventstore.api import WrongExpectedVersion
from videogen_eventstore.multi_stream import Append, AtomicAppender

from script_service.app.aggregates import Aggregate, Streams, handled_by, new_events, version_of

ATTEMPTS = 10


@dataclass(frozen=True)
class Part:
    aggregate: Aggregate[Any, Any, Any]
    key: UUID
    commands: Sequence[Any]


async def run_together(
    streams: Streams,
    appender: AtomicAppender,
    parts: Sequence[Part],
    *,
    command_id: str,
    metadata: EventMetadata,
) -> bool:
    """Decide and append every part at once; False when there was nothing (left) to do."""
    for attempt in range(ATTEMPTS):
        appends: list[Append] = []
        numbered = 0
        for part in parts:
            state, recorded = await streams.load(part.aggregate, part.key)
            if handled_by(recorded, command_id) is not None:
                return False  # this unit was appended before (a resumed job)
            events = []
            for command in part.commands:
                decided = list(part.aggregate.decide(command, state))
                for event in decided:
                    state = part.aggregate.evolve(state, event)
                events.extend(decided)
            if events:
                appends.append(
                    (
                        part.aggregate.stream_of(part.key),
                        new_events(events, command_id, metadata, first=numbered),
                        version_of(recorded),
                    )
                )
                numbered += len(events)
        if not appends:
            return False
        try:
            await appender.append_all(appends)
            return True
        except WrongExpectedVersion:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover
