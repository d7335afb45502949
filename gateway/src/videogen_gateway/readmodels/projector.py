"""The projections of the services' streams (project, script) into the gateway's read models.

Each event is applied in ONE transaction together with
- its tracking row (a redelivered event finds the row and changes nothing),
- `stream_positions[stream_id] = stream_version`, which orders events per stream, and
- `pg_notify('<schema>_positions', '<stream_id>:<version>')`, which wakes the HTTP
  requests waiting to read their own write (delivered only when the transaction commits).

Ordering: replicas of the gateway share one durable consumer, and a nak'ed or redelivered
message can overtake a later one, so an event may arrive before its predecessor. Versions
in a stream have no gaps, so `stream_version <= stored` means "already applied" and
`stream_version > stored + 1` means "an earlier event is still on its way": that one is
handed back for a short while, until the earlier one has landed.
"""

from __future__ import annotations

import enum

import asyncpg
import msgspec
from asyncpg.pool import PoolConnectionProxy
from nats.aio.msg import Msg
from videogen_bus.consumer import PoisonMessage, TransientError
from videogen_contracts.envelope import RecordedEvent, event_type_name
from videogen_contracts.project.events import (
    EVENT_TYPES,
    ProjectEvent,
    event_decoder,
)
from videogen_contracts.project.production import ProductionEvent
from videogen_contracts.project.production import event_decoder as production_decoder
from videogen_eventstore.migrations import check_schema_name, quote_ident
from videogen_eventstore.tracking import track_once
from videogen_gateway.readmodels.aura_jobs.readmodel import apply_aura_event
from videogen_gateway.readmodels.migrations import positions_channel
from videogen_gateway.readmodels.productions.readmodel import (
    PRODUCTION_EVENT_TYPES,
    apply_production_event,
)
from videogen_gateway.readmodels.projects.projection import apply_project_event

PROJECT_EVENT_TYPES = frozenset(event_type_name(t) for t in EVENT_TYPES)

Connection = asyncpg.Connection | PoolConnectionProxy


class Outcome(enum.Enum):
    APPLIED = "applied"
    ALREADY_APPLIED = "already_applied"


class OutOfOrder(TransientError):
    def __init__(self, stream_id: str, version: int, stored: int) -> None:
        super().__init__(f"{stream_id}: got version {version}, read model is at {stored}")
        self.stream_id = stream_id
        self.version = version
        self.stored = stored


def out_of_order_delay(attempt: int) -> float:
    """Short: the missing event is normally a few milliseconds behind."""
    return float(min(0.02 * 2 ** max(0, attempt - 1), 2.0))


class StreamProjector:
    """One source service's stream into the read models; subclasses say what an event does."""

    def __init__(self, pool: asyncpg.Pool, schema: str, consumer: str) -> None:
        self.pool = pool
        self.schema = check_schema_name(schema)
        self.consumer = consumer
        q = quote_ident(schema)
        self._q = q
        self._stored = f"SELECT version FROM {q}.stream_positions WHERE stream_id = $1"
        self._advance = (
            f"WITH moved AS (INSERT INTO {q}.stream_positions (stream_id, version)"
            " VALUES ($1, $2) ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version)"
            " SELECT pg_notify($3, $4)"
        )
        self._channel = positions_channel(schema)

    async def apply(self, recorded: RecordedEvent) -> Outcome:
        """Apply one recorded event exactly once, in stream order (see the module doc)."""
        async with self.pool.acquire() as conn, conn.transaction():
            stored = await conn.fetchval(self._stored, recorded.stream_id) or 0
            if recorded.stream_version <= stored:
                return Outcome.ALREADY_APPLIED
            if recorded.stream_version > stored + 1:
                raise OutOfOrder(recorded.stream_id, recorded.stream_version, stored)
            if not await track_once(conn, self.schema, self.consumer, recorded.event_id):
                return Outcome.ALREADY_APPLIED
            await self.apply_event(conn, recorded)
            # Events this projection does not show still move the stream's position, or
            # every later event of the stream would wait for them forever.
            await conn.execute(
                self._advance,
                recorded.stream_id,
                recorded.stream_version,
                self._channel,
                f"{recorded.stream_id}:{recorded.stream_version}",
            )
        return Outcome.APPLIED

    async def handle(self, recorded: RecordedEvent, msg: Msg) -> None:
        """The consumer loop's handler: an early event is nak'ed with a short delay."""
        try:
            await self.apply(recorded)
        except OutOfOrder:
            await msg.nak(delay=out_of_order_delay(msg.metadata.num_delivered or 1))

    async def apply_event(self, conn: Connection, recorded: RecordedEvent) -> None:
        """Change the read models for one event (inside `apply`'s transaction)."""
        raise NotImplementedError


class ProjectProjector(StreamProjector):
    """The project service's stream: projects, their cast, and productions."""

    async def apply_event(self, conn: Connection, recorded: RecordedEvent) -> None:
        if recorded.type in PROJECT_EVENT_TYPES:
            event = _decode(recorded)
            await apply_project_event(conn, self._q, event, recorded.stream_version)
        elif recorded.type in PRODUCTION_EVENT_TYPES:
            production = _decode_production(recorded)
            await apply_production_event(conn, self._q, production)
            await apply_aura_event(conn, self._q, recorded, production)


def _decode(recorded: RecordedEvent) -> ProjectEvent:
    try:
        event: ProjectEvent = event_decoder.decode(recorded.data)
    except msgspec.DecodeError as error:
        # It will never decode, however often it is redelivered: dead-letter it.
        raise PoisonMessage(f"{recorded.type} {recorded.event_id}: {error}") from error
    return event


def _decode_production(recorded: RecordedEvent) -> ProductionEvent:
    try:
        event: ProductionEvent = production_decoder.decode(recorded.data)
    except msgspec.DecodeError as error:
        raise PoisonMessage(f"{recorded.type} {recorded.event_id}: {error}") from error
    return event
