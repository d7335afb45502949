"""The stall watchdog: a consumer that keeps the activity table, and a loop that reads it.

Both run in every replica. The consumer is one durable shared by the replicas (each event
is recorded once, in any replica); the loop runs everywhere and may find the same idle
production twice, which is harmless: its commands have ids derived from the production
and its last movement (app/production/stall_watch.py), so the second one appends nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

import asyncpg
import msgspec
import structlog
from nats.aio.msg import Msg
from videogen_bus.consumer import PoisonMessage
from videogen_bus.correlation import correlation_scope
from videogen_contracts.envelope import EventMetadata, RecordedEvent, event_type_name
from videogen_contracts.errors import DomainError
from videogen_contracts.project.production import EVENT_TYPES, event_decoder
from videogen_runtime.lifecycle import run_until_closed
from videogen_runtime.service import Plumbing

from project_service.adapters.activity import ActivityTable
from project_service.app.production.handlers import ProductionHandlers
from project_service.app.production.stall_watch import StallLimits, due

log = structlog.get_logger("project_service.production_watch")

CONSUMER = "production-watch"


async def start_stall_watch(base: Plumbing, handlers: ProductionHandlers) -> None:
    """Keep the activity table and act on idle productions until the stack closes."""
    limits = StallLimits.from_env()
    table = ActivityTable(base.pool, base.schema)
    await table.create()

    async def record(recorded: RecordedEvent, _: Msg) -> None:
        try:
            event = event_decoder.decode(recorded.data)
        except msgspec.DecodeError as error:
            raise PoisonMessage(f"{recorded.type} {recorded.event_id}: {error}") from error
        await table.record(recorded, event)

    subjects = [base.namespace.event_subject("project", "*", event_type_name(t))
                for t in EVENT_TYPES]
    await base.consume("project", CONSUMER, subjects, record, idle_wait=1.0)

    async def watch(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await check_once(table, handlers, limits, datetime.now(UTC))
            except (OSError, asyncpg.PostgresError) as error:
                # The database is away for a moment: look again at the next tick.
                log.warning("stall_watch.check_failed", error=repr(error))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=limits.tick_s)

    await run_until_closed(base.stack, watch, "stall-watchdog")
    log.info("stall_watch.started", warn_s=limits.warn_s, fail_s=limits.fail_s)


async def check_once(
    table: ActivityTable, handlers: ProductionHandlers, limits: StallLimits, now: datetime
) -> int:
    """Warn or fail every production idle past a limit; returns how many were acted on."""
    acted = 0
    for idle in await table.idle_since(now - timedelta(seconds=limits.warn_s)):
        command = due(idle, now, limits)
        if command is None:
            continue
        with correlation_scope(idle.correlation_id):
            log.warning("production.stalled", production_id=str(idle.production_id),
                        stage=idle.stage, action=type(command).__name__)
            try:
                await handlers.step(
                    command, idle.project_id,
                    EventMetadata(correlation_id=idle.correlation_id, causation_id=None),
                )
            except DomainError as error:
                # It moved on (or ended) since we read the table: nothing to do.
                log.info("production.stall_moot", production_id=str(idle.production_id),
                         error=str(error))
                continue
        acted += 1
    return acted
