"""Composition root: builds the export service from Settings (and, in tests, fakes).

`export_app` wires the application on whichever store, renderer and blobs it is given
(Postgres and ffmpeg here, the in-memory store and fakes in unit tests).
`start_export_service` opens the shared plumbing (videogen_runtime.service) and enters the
service's own parts after it, so the stack closes them first, which is the graceful-shutdown
order: the render queue stops first (an encode in progress is killed and its job handed
back to the stream for another replica), then the command server (in-flight commands
finish and reply), the relay (it publishes what the workers recorded last), NATS, and the
pool.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass

import asyncpg
import structlog
from videogen_bus.jobs import JobQueue
from videogen_bus.rpc import CommandServer
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.export.events import SERVICE
from videogen_contracts.project.production import production_id_of, stopped_subjects
from videogen_contracts.subjects import Namespace
from videogen_eventstore.api import EventStore
from videogen_eventstore.postgres import PostgresEventStore
from videogen_runtime.service import open_plumbing
from videogen_runtime.settings import Settings

from export_service.app.handlers import RenderHandler
from export_service.app.ports import BlobStore, Renderer
from export_service.config import ExportConfig
from export_service.entrypoints.rpc import serve_export_commands
from export_service.workers.render import RenderJob, production_of, render_queue_config

log = structlog.get_logger("export_service.bootstrap")


@dataclass(frozen=True)
class ExportApp:
    """The application: the render_timeline handler and the render job."""

    handler: RenderHandler
    job: RenderJob


def export_app(store: EventStore, renderer: Renderer, blobs: BlobStore) -> ExportApp:
    handler = RenderHandler(store)
    return ExportApp(handler, RenderJob(handler, renderer, blobs))


@dataclass(frozen=True)
class ExportService:
    """The running parts, exposed for tests and health checks."""

    namespace: Namespace
    schema: str
    pool: asyncpg.Pool
    store: PostgresEventStore
    handler: RenderHandler
    server: CommandServer
    queue: JobQueue


def stopped_production(event: RecordedEvent) -> str:
    """The render job key (see `production_of`) of the production a project event stops."""
    return str(production_id_of(event.data))


async def start_export_service(
    settings: Settings,
    stack: AsyncExitStack,
    *,
    renderer: Renderer | None = None,
    blobs: BlobStore | None = None,
    config: ExportConfig | None = None,
) -> ExportService:
    """Start everything; `renderer` and `blobs` replace ffmpeg and the blob directory."""
    config = config or ExportConfig.from_env()
    if renderer is None or blobs is None:
        # Imported here so that tests with fakes never load ffmpeg bindings.
        from export_service.adapters.media import media_blobs, media_renderer

        renderer = renderer or media_renderer()
        blobs = blobs or media_blobs(settings)
    base = await open_plumbing(SERVICE, settings, stack)
    ns = base.namespace
    app = export_app(base.store, renderer, blobs)
    server = await serve_export_commands(base.nc, ns, app.handler)
    stack.push_async_callback(server.close)

    queue = await base.run_work_queue(
        render_queue_config(ns, config), app.job, job_key=production_of
    )
    # A cancelled (or failed) production's render stops at once, in whichever replica:
    # ffmpeg's process group is killed, the scratch file removed, and the job acked.
    await base.abandon_jobs_on(stopped_subjects(ns), stopped_production, queue)
    log.info("export.serving", namespace=ns.name, concurrency=config.concurrency)
    return ExportService(ns, base.schema, base.pool, base.store, app.handler, server, queue)
