"""The process manager's durable consumers: one per watched stream, all named
`<ns>-project-production-pm`, shared by every replica of the project service.

Each stream is ensured first (same configuration as its owner's, so this is a no-op when
the owner is up, and lets the project service start before the others).
"""

from __future__ import annotations

import asyncio

from nats.aio.msg import Msg
from nats.js.client import JetStreamContext
from videogen_bus.consumer import DeadLetterSink, run_consumer
from videogen_bus.streams import ensure_stream
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.subjects import Namespace

from project_service.app.production_policy import CONSUMER, ProductionPolicy
from project_service.app.production_reactions import WATCHED


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
                    idle_wait=1.0,
                ),
                name=f"production-pm-{service}",
            )
        )
    return tasks
