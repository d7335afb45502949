"""The plumbing every service starts before its own wiring, written once.

`open_plumbing` enters each part on the service's AsyncExitStack in start order: the pool
(its schema migrated), NATS (the service's stream ensured), the relay. The service then
enters its own parts on the same stack: command servers, consumers, work queues. The stack
closes in reverse, which is the graceful-shutdown order: the service's own parts stop
first (work queues hand their jobs back, command servers let in-flight commands finish and
reply), then the relay finishes the batch it holds and stops, NATS drains, the pool closes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass

import asyncpg
import structlog
from nats.aio.client import Client
from nats.js.client import JetStreamContext
from videogen_bus.broadcast import hear_events
from videogen_bus.connection import connect, drain
from videogen_bus.consumer import EventHandler, run_consumer
from videogen_bus.jobs import JobKey, JobQueue, JobRunner, QueueConfig, stream_of
from videogen_bus.rpc import CommandHandler, CommandServer, serve_commands
from videogen_bus.streams import ensure_stream
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.subjects import Namespace
from videogen_eventstore.deadletters import PostgresDeadLetters
from videogen_eventstore.migrations import migrate
from videogen_eventstore.pool import create_pool
from videogen_eventstore.postgres import PostgresEventStore
from videogen_eventstore.relay import Relay

from videogen_runtime.lifecycle import run_until_closed, run_until_signalled
from videogen_runtime.logs import configure_logging
from videogen_runtime.settings import Settings

log = structlog.get_logger("videogen_runtime.service")

StartService = Callable[[Settings, AsyncExitStack], Awaitable[object]]


@dataclass(frozen=True)
class Plumbing:
    """One service's own log and its bus, open until `stack` closes."""

    service: str
    namespace: Namespace
    schema: str
    pool: asyncpg.Pool
    nc: Client
    js: JetStreamContext
    relay: Relay
    store: PostgresEventStore
    dead_letters: PostgresDeadLetters
    stack: AsyncExitStack

    async def serve(
        self, handlers: Mapping[str, CommandHandler], **labels: object
    ) -> CommandServer:
        """Serve the service's commands until the stack closes (in-flight ones finish)."""
        server = await serve_commands(self.nc, self.namespace, self.service, handlers)
        self.stack.push_async_callback(server.close)
        log.info("commands.serving", service=self.service, namespace=self.namespace.name, **labels)
        return server

    async def run_work_queue(
        self, config: QueueConfig, job: JobRunner, *, job_key: JobKey = stream_of
    ) -> JobQueue:
        """Take jobs until the stack closes; the jobs in hand are handed back then."""
        queue = JobQueue(self.js, config, job, self.dead_letters, job_key=job_key)
        await run_until_closed(self.stack, queue.run, config.durable)
        return queue

    async def consume(
        self, owner: str, name: str, subjects: list[str], handle: EventHandler,
        idle_wait: float = 5.0,
    ) -> None:
        """Consume `subjects` of `owner`'s stream through the durable `name`, shared by every
        replica of this service, until the stack closes. The stream is ensured first, with
        its owner's configuration: a no-op when the owner is up, and lets this one start first.
        """
        ns = self.namespace
        await ensure_stream(self.js, ns, owner)

        async def consume(stop: asyncio.Event) -> None:
            await run_consumer(
                self.js, stream=ns.stream_name(owner), durable=ns.durable(self.service, name),
                filter_subjects=subjects, handle=handle, dead_letters=self.dead_letters,
                stop=stop, idle_wait=idle_wait,
            )

        await run_until_closed(self.stack, consume, f"{self.service}-{name}-{owner}")

    async def hear(self, subjects: Sequence[str], handle: Callable[[RecordedEvent], None]) -> None:
        """Hear events on `subjects` in this process (see videogen_bus.broadcast) until close."""
        for subscription in await hear_events(self.nc, subjects, handle):
            self.stack.push_async_callback(subscription.unsubscribe)

    async def abandon_jobs_on(
        self, subjects: Sequence[str], job_of: Callable[[RecordedEvent], str], queue: JobQueue
    ) -> None:
        """When an event on `subjects` is heard, abandon the job `job_of(event)` names.

        Every replica hears it (a core subscription); the one running the job cancels it
        (see JobQueue.abandon), so the work stops at once wherever it runs.
        """

        def on_event(event: RecordedEvent) -> None:
            job = job_of(event)
            if queue.abandon(job):
                log.info("job.abandoned_on_event", job=job, by=event.type)

        await self.hear(subjects, on_event)


async def open_plumbing(
    service: str, settings: Settings, stack: AsyncExitStack, *, min_connections: int = 2
) -> Plumbing:
    """Pool and migrations, NATS and the service's stream, and the relay, in that order."""
    ns = Namespace(settings.namespace)
    schema = settings.schema_for(service)
    pool = await create_pool(settings.database_url, min_size=min_connections, max_size=10)
    stack.push_async_callback(pool.close)
    applied = await migrate(pool, schema)
    log.info("schema.ready", schema=schema, applied=applied)

    nc = await connect(settings.nats_url, name=f"{service}-service")
    stack.push_async_callback(drain, nc)
    js = nc.jetstream()
    await ensure_stream(js, ns, service)

    relay = Relay(pool, schema, service, js, ns)
    # The relay checks its `stop` between batches: a batch in flight is published and
    # checkpointed first; whatever is left is published by the next start.
    await run_until_closed(stack, relay.run, f"{service}-relay")
    store = PostgresEventStore(pool, schema, service)
    dead_letters = PostgresDeadLetters(pool, schema)
    return Plumbing(service, ns, schema, pool, nc, js, relay, store, dead_letters, stack)


def run_service(service: str, start: StartService) -> None:
    """`python -m <service>_service`: settings from the environment, JSON logs, and `start`
    run until SIGINT/SIGTERM, then everything it entered on the stack closed in reverse."""
    settings = Settings.from_env()
    configure_logging(service, settings.log_level)

    asyncio.run(run_until_signalled(lambda stack: start(settings, stack)))
