"""The projections of the services' streams (project, script, media, export) into read models.

A projector only says which read model an event changes; event types it does not know (a
newer service's) still advance their stream's position.

Each event is applied in ONE transaction together with
- its tracking row (a redelivered event finds the row and changes nothing),
- the owner of every resource it names (`resource_owners`, owners.py),
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

import asyncio
import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import asyncpg
import msgspec
from nats.aio.msg import Msg
from nats.js.client import JetStreamContext
from videogen_bus.consumer import PoisonMessage, TransientError, run_consumer
from videogen_contracts.envelope import RecordedEvent, event_type_name
from videogen_contracts.export.exports import EXPORT_EVENT_TYPES, export_event_decoder
from videogen_contracts.media.ai_edits import AI_EDIT_EVENT_TYPES, ai_edit_event_decoder
from videogen_contracts.media.editing import (
    ASSET_EVENT_TYPES,
    TIMELINE_EVENT_TYPES,
    asset_event_decoder,
    timeline_event_decoder,
)
from videogen_contracts.project import api_keys, production
from videogen_contracts.project import events as project_events
from videogen_contracts.script import events as script_events
from videogen_contracts.script.generation import GENERATION_EVENT_TYPES, generation_event_decoder
from videogen_contracts.script.manim import (
    MANIM_SESSION_EVENT_TYPES,
    MANIM_TASK_EVENT_TYPES,
    manim_session_event_decoder,
    manim_task_event_decoder,
)
from videogen_contracts.script.outline import OUTLINE_EVENT_TYPES, outline_event_decoder
from videogen_contracts.subjects import Namespace
from videogen_eventstore.deadletters import PostgresDeadLetters
from videogen_eventstore.migrations import check_schema_name, quote_ident
from videogen_eventstore.tracking import track_once
from videogen_gateway.readmodels.ai_edits.projection import apply_ai_edit_event
from videogen_gateway.readmodels.ai_timeline.projection import (
    apply_ai_timeline_media_event,
    apply_ai_timeline_script_event,
)
from videogen_gateway.readmodels.api_keys.projection import apply_api_key_event
from videogen_gateway.readmodels.aura_jobs.readmodel import apply_aura_event
from videogen_gateway.readmodels.editor.projection import apply_asset_event, apply_timeline_event
from videogen_gateway.readmodels.exports.readmodel import apply_export_event
from videogen_gateway.readmodels.generations.readmodel import apply_generation_event
from videogen_gateway.readmodels.manim.feed import Feed
from videogen_gateway.readmodels.manim.session_projection import apply_manim_session_event
from videogen_gateway.readmodels.manim.task_projection import apply_manim_task_event
from videogen_gateway.readmodels.migrations import positions_channel
from videogen_gateway.readmodels.outlines.readmodel import apply_outline_event
from videogen_gateway.readmodels.owners import record_owners
from videogen_gateway.readmodels.productions.readmodel import apply_production_event
from videogen_gateway.readmodels.projects.projection import apply_project_event
from videogen_gateway.readmodels.scripts.projection import apply_script_event

if TYPE_CHECKING:
    from videogen_eventstore.db import Conn


def _tags(types: Iterable[type[msgspec.Struct]]) -> frozenset[str]:
    return frozenset(map(event_type_name, types))


PROJECT_TYPES = _tags(project_events.EVENT_TYPES)
PRODUCTION_TYPES = _tags(production.EVENT_TYPES)
API_KEY_TYPES = _tags(api_keys.EVENT_TYPES)
SCRIPT_TYPES = _tags(script_events.EVENT_TYPES)
OUTLINE_TYPES = _tags(OUTLINE_EVENT_TYPES)
GENERATION_TYPES = _tags(GENERATION_EVENT_TYPES)
EXPORT_TYPES = _tags(EXPORT_EVENT_TYPES)
ASSET_TYPES = _tags(ASSET_EVENT_TYPES)
TIMELINE_TYPES = _tags(TIMELINE_EVENT_TYPES)
AI_EDIT_TYPES = _tags(AI_EDIT_EVENT_TYPES)
MANIM_SESSION_TYPES = _tags(MANIM_SESSION_EVENT_TYPES)
MANIM_TASK_TYPES = _tags(MANIM_TASK_EVENT_TYPES)


class Outcome(enum.Enum):
    APPLIED = "applied"
    ALREADY_APPLIED = "already_applied"


class OutOfOrder(TransientError):
    def __init__(self, stream_id: str, version: int, stored: int) -> None:
        super().__init__(f"{stream_id}: got version {version}, read model is at {stored}")


def out_of_order_delay(attempt: int) -> float:
    """Short: the missing event is normally a few milliseconds behind."""
    return float(min(0.02 * 2 ** max(0, attempt - 1), 2.0))


def _decode(decoder: msgspec.json.Decoder[Any], recorded: RecordedEvent) -> Any:
    try:
        return decoder.decode(recorded.data)
    except msgspec.DecodeError as error:
        # It will never decode, however often it is redelivered: dead-letter it.
        raise PoisonMessage(f"{recorded.type} {recorded.event_id}: {error}") from error


class StreamProjector:
    """One source service's stream into the read models; subclasses say what an event does."""

    def __init__(self, pool: asyncpg.Pool, schema: str, consumer: str) -> None:
        self.pool = pool
        self.schema = check_schema_name(schema)
        self.consumer = consumer
        self._q = q = quote_ident(schema)
        self._stored = f"SELECT version FROM {q}.stream_positions WHERE stream_id = $1"
        self._advance = (
            f"WITH moved AS (INSERT INTO {q}.stream_positions (stream_id, version)"
            " VALUES ($1, $2) ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version)"
            " SELECT pg_notify($3, $4)"
        )
        self._channel = positions_channel(schema)

    async def apply(self, recorded: RecordedEvent) -> Outcome:
        """Apply one recorded event exactly once, in stream order (see the module doc)."""
        stream_id, version = recorded.stream_id, recorded.stream_version
        async with self.pool.acquire() as conn, conn.transaction():
            stored = await conn.fetchval(self._stored, stream_id) or 0
            if version <= stored:
                return Outcome.ALREADY_APPLIED
            if version > stored + 1:
                raise OutOfOrder(stream_id, version, stored)
            if not await track_once(conn, self.schema, self.consumer, recorded.event_id):
                return Outcome.ALREADY_APPLIED
            await self.apply_event(conn, recorded)
            # Every event, whichever projection shows it: a resource and its owner become
            # visible together (owners.py).
            await record_owners(conn, self._q, recorded)
            # Events this projection does not show still move the stream's position, or
            # every later event of the stream would wait for them forever.
            await conn.execute(self._advance, stream_id, version, self._channel,
                               f"{stream_id}:{version}")
        return Outcome.APPLIED

    async def handle(self, recorded: RecordedEvent, msg: Msg) -> None:
        """The consumer loop's handler: an early event is nak'ed with a short delay."""
        try:
            await self.apply(recorded)
        except OutOfOrder:
            await msg.nak(delay=out_of_order_delay(msg.metadata.num_delivered or 1))

    async def run(self, js: JetStreamContext, stream: str, stop: asyncio.Event,
                  idle_wait: float) -> None:
        """Consume `stream` into the read models with this projection's durable, until `stop`."""
        await run_consumer(
            js, stream=stream, durable=self.consumer, filter_subjects=None, handle=self.handle,
            dead_letters=PostgresDeadLetters(self.pool, self.schema), stop=stop,
            idle_wait=idle_wait,
        )

    async def apply_event(self, conn: Conn, recorded: RecordedEvent) -> None:
        """Change the read models for one event (inside `apply`'s transaction)."""
        raise NotImplementedError


class ProjectProjector(StreamProjector):
    """The project service's stream: projects, their cast, productions, Aura jobs, API keys."""

    async def apply_event(self, conn: Conn, recorded: RecordedEvent) -> None:
        if recorded.type in PROJECT_TYPES:
            event = _decode(project_events.event_decoder, recorded)
            await apply_project_event(conn, self._q, event, recorded.stream_version)
        elif recorded.type in PRODUCTION_TYPES:
            made = _decode(production.event_decoder, recorded)
            await apply_production_event(conn, self._q, made)
            await apply_aura_event(conn, self._q, recorded, made)
        elif recorded.type in API_KEY_TYPES:
            await apply_api_key_event(conn, self._q, _decode(api_keys.event_decoder, recorded))


class ScriptProjector(StreamProjector):
    """The script service's stream: scripts, outlines, generation runs and Manim (doc 003)."""

    async def apply_event(self, conn: Conn, recorded: RecordedEvent) -> None:
        kind, q = recorded.type, self._q
        if kind in SCRIPT_TYPES:
            await apply_script_event(conn, q, _decode(script_events.event_decoder, recorded))
        elif kind in OUTLINE_TYPES:
            await apply_outline_event(conn, q, _decode(outline_event_decoder, recorded))
        elif kind in GENERATION_TYPES:
            event = _decode(generation_event_decoder, recorded)
            await apply_generation_event(conn, q, self._channel, event)
            await apply_ai_timeline_script_event(conn, q, event)
        elif kind in MANIM_SESSION_TYPES:
            session = _decode(manim_session_event_decoder, recorded)
            await apply_manim_session_event(conn, Feed(q, self._channel), session)
        elif kind in MANIM_TASK_TYPES:
            task = _decode(manim_task_event_decoder, recorded)
            await apply_manim_task_event(conn, Feed(q, self._channel), task)


class ExportProjector(StreamProjector):
    """The export service's stream: the editor's exports (a Render's events pass by)."""

    async def apply_event(self, conn: Conn, recorded: RecordedEvent) -> None:
        if recorded.type in EXPORT_TYPES:
            await apply_export_event(conn, self._q, _decode(export_event_decoder, recorded))


class MediaProjector(StreamProjector):
    """The media service's stream: the editor's assets, timelines and AI jobs (doc 002)."""

    async def apply_event(self, conn: Conn, recorded: RecordedEvent) -> None:
        q, event_id = self._q, recorded.event_id
        if recorded.type in ASSET_TYPES:
            await apply_asset_event(conn, q, _decode(asset_event_decoder, recorded))
        elif recorded.type in TIMELINE_TYPES:
            edit = _decode(timeline_event_decoder, recorded)
            await apply_timeline_event(conn, q, edit)
            await apply_ai_timeline_media_event(conn, q, event_id, edit)
        elif recorded.type in AI_EDIT_TYPES:
            ai_edit = _decode(ai_edit_event_decoder, recorded)
            await apply_ai_edit_event(conn, q, ai_edit)
            await apply_ai_timeline_media_event(conn, q, event_id, ai_edit)


def projectors(pool: asyncpg.Pool, schema: str, ns: Namespace) -> list[tuple[str, StreamProjector]]:
    """Every service whose stream the read models come from, with its projection."""
    return [
        ("project", ProjectProjector(pool, schema, ns.durable("gateway", "projects"))),
        ("script", ScriptProjector(pool, schema, ns.durable("gateway", "scripts"))),
        ("export", ExportProjector(pool, schema, ns.durable("gateway", "exports"))),
        ("media", MediaProjector(pool, schema, ns.durable("gateway", "media"))),
    ]
