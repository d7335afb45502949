"""The process manager's durable consumers: one per watched stream, all named
`<ns>-project-production-pm`, shared by every replica of the project service.

Each stream is ensured first (same configuration as its owner's, so this is a no-op when
the owner is up, and lets the project service start before the others).
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import asyncpg
import structlog
from nats.aio.msg import Msg
from nats.js.client import JetStreamContext
from videogen_bus.consumer import DeadLetterSink, run_consumer
from videogen_bus.streams import ensure_stream
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.subjects import Namespace
from videogen_eventstore.deadletters import PostgresDeadLetters

from project_service.app.production.policy import CONSUMER, ProductionPolicy
from project_service.app.production.reactions import WATCHED

log = structlog.get_logger("project_service.production_consumers")


def filter_subjects(ns: Namespace, service: str) -> list[str]:
    return [ns.event_subject(service, "*", event_type) for event_type in WATCHED[service]]


async def start_production_consumers(
    js: JetStreamContext,
    ns: Namespace,
    policy: ProductionPolicy,
    dead_letters: DeadLetterSink,
    stop: asyncio.Event,
) -> list[asyncio.Task[None]]:
    async def handle(event: RecordedEvent, msg: Msg) -> None:
        await policy.on_event(event)

    tasks = []
    for service in WATCHED:
        await ensure_stream(js, ns, service)
        tasks.append(
            asyncio.create_task(
                run_consumer(
                    js,
                    stream=ns.stream_name(service),
                    durable=ns.durable("project", CONSUMER),
                    filter_subjects=filter_subjects(ns, service),
                    handle=handle,
                    dead_letters=dead_letters,
                    stop=stop,
                ),
                name=f"production-pm-{service}",
            )
        )
    return tasks


async def start_production_manager(
    stack: AsyncExitStack,
    js: JetStreamContext,
    ns: Namespace,
    policy: ProductionPolicy,
    pool: asyncpg.Pool,
    schema: str,
) -> None:
    """Run the process manager's consumers until the stack closes (they stop first)."""
    stop = asyncio.Event()
    dead_letters = PostgresDeadLetters(pool, schema)
    tasks = await start_production_consumers(js, ns, policy, dead_letters, stop)

    async def stop_consumers() -> None:
        # Each loop finishes the message in hand (and acks it) before returning.
        stop.set()
        for result in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(result, BaseException):
                log.error("production_pm.consumer_crashed", exc_info=result)

    stack.push_async_callback(stop_consumers)
