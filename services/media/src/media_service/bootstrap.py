"""Composition root: builds the media service from Settings and nothing else.

`start_media_service` enters every resource on an AsyncExitStack in start order, so the
stack closes them in reverse, which is the graceful-shutdown order: stop taking jobs (jobs
in hand are handed back to the stream at once, their finished steps kept), stop the
deletion consumer, stop serving commands, let the relay publish its batch and stop, drain
NATS, close the pool.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from dataclasses import dataclass

import asyncpg
import structlog
from videogen_bus.connection import connect, drain
from videogen_bus.jobs import JobQueue
from videogen_bus.rpc import CommandServer
from videogen_bus.streams import ensure_stream
from videogen_contracts.media.events import SERVICE
from videogen_contracts.subjects import Namespace
from videogen_eventstore.deadletters import PostgresDeadLetters
from videogen_eventstore.migrations import migrate
from videogen_eventstore.postgres import PostgresEventStore
from videogen_eventstore.relay import Relay
from videogen_runtime.settings import Settings

from media_service.adapters.toolkit import build_toolkit
from media_service.app.handlers import PreparationHandler
from media_service.config import MediaConfig
from media_service.entrypoints.consumers import (
    start_preparation_worker,
    start_project_deletions,
    stop_jobs_of_stopped_productions,
)
from media_service.entrypoints.rpc import serve_media_commands
from media_service.workers.preparation import PreparationJob, Toolkit

log = structlog.get_logger("media_service.bootstrap")


@dataclass(frozen=True)
class MediaService:
    """The running parts, exposed for tests and health checks."""

    namespace: Namespace
    schema: str
    pool: asyncpg.Pool
    store: PostgresEventStore
    relay: Relay
    server: CommandServer
    queue: JobQueue
    tools: Toolkit


async def start_media_service(
    settings: Settings,
    stack: AsyncExitStack,
    *,
    config: MediaConfig | None = None,
    tools: Toolkit | None = None,
) -> MediaService:
    """Start everything; `tools` replaces the real TTS/captions/visuals (unit-style tests)."""
    config = config or MediaConfig.from_env()
    # First, so a missing font or voice refuses to start before anything is wired.
    tools = tools or await build_toolkit(settings, config, stack)
    ns = Namespace(settings.namespace)
    schema = settings.schema_for(SERVICE)
    pool = await asyncpg.create_pool(settings.database_url, min_size=2, max_size=10)
    stack.push_async_callback(pool.close)
    applied = await migrate(pool, schema)
    log.info("schema.ready", schema=schema, applied=applied)

    nc = await connect(settings.nats_url, name=f"{SERVICE}-service")
    stack.push_async_callback(drain, nc)
    js = nc.jetstream()
    await ensure_stream(js, ns, SERVICE)

    relay = Relay(pool, schema, SERVICE, js, ns)
    await _start_relay(relay, stack)

    store = PostgresEventStore(pool, schema, SERVICE)
    handler = PreparationHandler(store)
    server = await serve_media_commands(nc, ns, handler)
    stack.push_async_callback(server.close)

    dead_letters = PostgresDeadLetters(pool, schema)
    await start_project_deletions(stack, js, ns, pool, schema, tools.blobs, dead_letters)
    queue = await start_preparation_worker(
        stack, js, ns, config, PreparationJob(handler, tools), dead_letters
    )
    await stop_jobs_of_stopped_productions(stack, nc, ns, queue)
    log.info(
        "media.serving", namespace=ns.name, concurrency=config.concurrency,
        narrator=tools.narrator.name,
    )
    return MediaService(ns, schema, pool, store, relay, server, queue, tools)


async def _start_relay(relay: Relay, stack: AsyncExitStack) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop), name="media-relay")

    async def stop_relay() -> None:
        # The relay checks `stop` between batches: a batch in flight is published and
        # checkpointed first; whatever is left is published by the next start.
        stop.set()
        await task

    stack.push_async_callback(stop_relay)
