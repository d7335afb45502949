"""Deciding on several streams and appending to them as one unit (a production and its
project; a generation run, its project's script and its outline).

`decide_across` reads every stream, makes one decision over all their states and appends
through an `AtomicAppender`, each stream at the version it was read at, so a concurrent
write to any one of them makes the whole unit be decided again (as `Streams.run` does for
one stream). Event ids come from the one command id, numbered across the unit: a repeated
unit finds its events and returns its first result.

Postgres: one transaction on one connection, so either every stream gets its events or
none does (a crash between two separate appends would leave a project without the
production it was created for). The relay's NOTIFY is sent inside the transaction and so
fires at commit. In memory, for unit tests: every expected version is checked before the
first append, so a conflict leaves every stream as it was, as the rollback does.

Ownership (ownership.py): the unit is refused if the actor may not see any one of its
streams; a new stream of the unit belongs to the owner of the unit's existing streams (a
production made for alice's project is alice's, whoever decided it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import asyncpg
import msgspec
from videogen_contracts.envelope import EventMetadata, NewEvent, RecordedEvent
from videogen_contracts.replies import CommandAccepted

from .api import AppendResult, EventStore, WrongExpectedVersion
from .appending import append_to_stream
from .decider import (
    AnyAggregate,
    Streams,
    earlier_result,
    kept_changing,
    new_events,
    unchanged,
    version_of,
)
from .ownership import owner_of, refuse_unless_visible, stamped, visible

Append = tuple[str, Sequence[NewEvent], int | None]


class AtomicAppender(Protocol):
    async def append_all(self, appends: Sequence[Append]) -> list[AppendResult]:
        """Every append or none; `WrongExpectedVersion` from any one rolls all back."""
        ...


class PostgresAtomicAppender:
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self._pool = pool
        self._schema = schema

    async def append_all(self, appends: Sequence[Append]) -> list[AppendResult]:
        async with self._pool.acquire() as conn, conn.transaction():
            # append_events reports a version conflict as an outcome rather than an SQL
            # error, so the WrongExpectedVersion raised here rolls the whole unit back.
            return [
                await append_to_stream(conn, self._schema, stream_id, events, expected)
                for stream_id, events, expected in appends
            ]


class InMemoryAtomicAppender:
    def __init__(self, store: EventStore) -> None:
        self._store = store

    async def append_all(self, appends: Sequence[Append]) -> list[AppendResult]:
        for stream_id, events, expected in appends:
            await self._check(stream_id, events, expected)
        return [await self._store.append(s, events, expected) for s, events, expected in appends]

    async def _check(
        self, stream_id: str, events: Sequence[NewEvent], expected: int | None
    ) -> None:
        recorded = await self._store.read_stream(stream_id)
        if expected is None or any(r.event_id == events[0].event_id for r in recorded):
            return  # no check asked for, or a repeat: the store answers it as a no-op
        actual = recorded[-1].stream_version if recorded else 0
        if actual != expected:
            raise WrongExpectedVersion(stream_id, expected, actual)


Decision = Callable[[list[Any]], Sequence[Sequence[msgspec.Struct]]]


async def decide_across(
    streams: Streams, appender: AtomicAppender, targets: Sequence[tuple[AnyAggregate, Any]],
    decide: Decision, *, command_id: str, metadata: EventMetadata, reply_to: int = 0,
) -> CommandAccepted:
    """`decide` gets the state of every (aggregate, key), in order, and returns the
    events for each; the reply names the stream of `targets[reply_to]`."""
    stream_ids = [aggregate.stream_of(key) for aggregate, key in targets]
    retries = max(aggregate.max_retries for aggregate, _ in targets)
    for _ in range(retries + 1):
        logs = [await streams.store.read_stream(s) for s in stream_ids]
        _refuse_unless_visible(targets, stream_ids, logs, decide)
        earlier = _earlier_in_unit(stream_ids, logs, command_id, reply_to)
        if earlier is not None:
            return earlier
        states = [agg.fold(log) for (agg, _), log in zip(targets, logs, strict=True)]
        stamped_metadata = _stamped(targets, logs, metadata)
        appends = _unit(stream_ids, logs, decide(states), command_id, stamped_metadata)
        if not appends:
            return unchanged(stream_ids[reply_to], logs[reply_to])
        try:
            results = await appender.append_all(appends)
        except WrongExpectedVersion:
            continue
        return _unit_reply(stream_ids[reply_to], logs[reply_to], appends, results)
    raise kept_changing(stream_ids[reply_to], retries)


@dataclass(frozen=True)
class Part:
    """Commands for one aggregate of a multi-stream unit, decided in turn on its state."""

    aggregate: AnyAggregate
    key: Any
    commands: Sequence[Any]


async def run_together(
    streams: Streams, appender: AtomicAppender, parts: Sequence[Part], *, command_id: str,
    metadata: EventMetadata,
) -> CommandAccepted:
    """Decide every part and append them all as one unit; the reply names the first part."""

    def decide(states: list[Any]) -> list[list[Any]]:
        return [
            part.aggregate.decide_in_turn(part.commands, state)
            for part, state in zip(parts, states, strict=True)
        ]

    return await decide_across(
        streams, appender, [(p.aggregate, p.key) for p in parts], decide, command_id=command_id,
        metadata=metadata,
    )


def _earlier_in_unit(
    stream_ids: Sequence[str], logs: Sequence[Sequence[RecordedEvent]], command_id: str,
    reply_to: int,
) -> CommandAccepted | None:
    """A unit is appended whole or not at all: its command in any stream means it ran."""
    order = [reply_to, *(i for i in range(len(stream_ids)) if i != reply_to)]
    for i in order:
        earlier = earlier_result(stream_ids[i], logs[i], command_id)
        if earlier is not None:
            return earlier
    return None


def _refuse_unless_visible(
    targets: Sequence[tuple[AnyAggregate, Any]], stream_ids: Sequence[str],
    logs: Sequence[Sequence[RecordedEvent]], decide: Decision,
) -> None:
    """Refuse the unit for the first stream the actor may not see, deciding it on the states
    the actor sees (such streams initial) for the domain's own not-found wording."""

    def decide_unseen() -> object:
        return decide([
            agg.fold(visible(log, agg.owned)) for (agg, _), log in zip(targets, logs, strict=True)
        ])

    for (aggregate, _), stream_id, log in zip(targets, stream_ids, logs, strict=True):
        refuse_unless_visible(stream_id, log, decide_unseen, aggregate.owned)


def _stamped(
    targets: Sequence[tuple[AnyAggregate, Any]], logs: Sequence[Sequence[RecordedEvent]],
    metadata: EventMetadata,
) -> list[EventMetadata]:
    """Each stream's metadata, with the owner its next events carry."""
    owned = [aggregate.owned for aggregate, _ in targets]
    unit_owner = next(
        (owner_of(log) for log, own in zip(logs, owned, strict=True) if own and owner_of(log)),
        None,
    )
    return [
        stamped(metadata, log, own, unit_owner) for log, own in zip(logs, owned, strict=True)
    ]


def _unit(
    stream_ids: Sequence[str], logs: Sequence[Sequence[RecordedEvent]],
    decided: Sequence[Sequence[msgspec.Struct]], command_id: str,
    metadata: Sequence[EventMetadata],
) -> list[Append]:
    appends: list[Append] = []
    numbered = 0
    for stream_id, log, events, meta in zip(stream_ids, logs, decided, metadata, strict=True):
        if events:
            new = new_events(events, command_id, meta, first=numbered)
            appends.append((stream_id, new, version_of(log)))
            numbered += len(events)
    return appends


def _unit_reply(
    stream_id: str, log: Sequence[RecordedEvent], appends: Sequence[Append],
    results: Sequence[AppendResult],
) -> CommandAccepted:
    by_stream = {append[0]: result for append, result in zip(appends, results, strict=True)}
    mine = by_stream.get(stream_id)
    return CommandAccepted(
        stream_id=stream_id, stream_version=mine.stream_version if mine else version_of(log),
        # The unit's last event: a reader that reached it sees every stream's change.
        global_position=max(r.global_position for r in results),
        duplicate=not any(r.written for r in results),
    )
