"""Composition root: builds the export service from Settings (and, in tests, fakes).

`start_export_service` enters every resource on an AsyncExitStack in start order, so the
stack closes them in reverse, which is the graceful-shutdown order: the render workers
stop first (an encode in progress is killed and its job handed back to the stream for
another replica), then the command server (in-flight commands finish and reply), the relay
(it publishes what the workers recorded last), NATS, and the pool.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from dataclasses import dataclass

import asyncpg
import structlog
from videogen_bus.broadcast import hear_stopped_productions
from videogen_bus.connection import connect, drain
from videogen_bus.rpc import CommandServer
from videogen_bus.streams import ensure_stream
from videogen_contracts.export.events import SERVICE
from videogen_contracts.subjects import Namespace
from videogen_eventstore.deadletters import PostgresDeadLetters
from videogen_eventstore.migrations import migrate
from videogen_eventstore.pool import create_pool
from videogen_eventstore.postgres import PostgresEventStore
from videogen_eventstore.relay import Relay
from videogen_runtime.settings import Settings

from export_service.app.handlers import RenderHandler
from export_service.app.ports import BlobStore, Renderer
from export_service.entrypoints.rpc import serve_export_commands
from export_service.workers.render import RenderWorker, WorkerSettings, run_render_workers

log = structlog.get_logger("export_service.bootstrap")


@dataclass(frozen=True)
class ExportService:
    """The running parts, exposed for tests and health checks."""

    namespace: Namespace
    schema: str
    pool: asyncpg.Pool
    store: PostgresEventStore
    handler: RenderHandler
    server: CommandServer
    worker: RenderWorker


async def start_export_service(
    settings: Settings,
    stack: AsyncExitStack,
    *,
    renderer: Renderer | None = None,
    blobs: BlobStore | None = None,
    worker_settings: WorkerSettings | None = None,
) -> ExportService:
    ns = Namespace(settings.namespace)
    schema = settings.schema_for(SERVICE)
    if renderer is None or blobs is None:
        # Imported here so that tests with fakes never load ffmpeg bindings.
        from export_service.adapters.media import media_blobs, media_renderer

        renderer = renderer or media_renderer()
        blobs = blobs or media_blobs(settings)
    pool = await create_pool(settings.database_url, min_size=2, max_size=10)
    stack.push_async_callback(pool.close)
    applied = await migrate(pool, schema)
    log.info("schema.ready", schema=schema, applied=applied)

    nc = await connect(settings.nats_url, name=f"{SERVICE}-service")
    stack.push_async_callback(drain, nc)
    js = nc.jetstream()
    await ensure_stream(js, ns, SERVICE)
    await _start_relay(Relay(pool, schema, SERVICE, js, ns), stack)

    store = PostgresEventStore(pool, schema, SERVICE)
    handler = RenderHandler(store)
    server = await serve_export_commands(nc, ns, handler)
    stack.push_async_callback(server.close)

    stop = asyncio.Event()
    worker = RenderWorker(
        handler, renderer, blobs, stop, worker_settings or WorkerSettings.from_env()
    )
    task = asyncio.create_task(
        run_render_workers(js, ns, worker, PostgresDeadLetters(pool, schema)),
        name="export-render-workers",
    )

    async def stop_workers() -> None:
        stop.set()
        await task

    stack.push_async_callback(stop_workers)
    # A cancelled (or failed) production's render stops at once, in whichever replica.
    for subscription in await hear_stopped_productions(nc, ns, worker.abandon):
        stack.push_async_callback(subscription.unsubscribe)
    log.info("export.serving", namespace=ns.name, concurrency=worker.settings.concurrency)
    return ExportService(ns, schema, pool, store, handler, server, worker)


async def _start_relay(relay: Relay, stack: AsyncExitStack) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop), name="export-relay")

    async def stop_relay() -> None:
        # The relay checks `stop` between batches: a batch in flight is published and
        # checkpointed first; whatever is left is published by the next start.
        stop.set()
        await task

    stack.push_async_callback(stop_relay)
