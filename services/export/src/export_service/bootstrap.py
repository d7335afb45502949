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

from videogen_bus.jobs import JobQueue
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.export.events import SERVICE
from videogen_contracts.project.production import production_id_of, stopped_subjects
from videogen_eventstore.api import EventStore
from videogen_runtime.service import Plumbing, open_plumbing
from videogen_runtime.settings import Settings

from export_service.app.handlers import RenderHandler
from export_service.app.ports import BlobStore, Renderer
from export_service.config import ExportConfig
from export_service.entrypoints.rpc import command_handlers
from export_service.workers.render import RenderJob, production_of, render_queue_config


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
    """The running parts, exposed for tests."""

    plumbing: Plumbing
    handler: RenderHandler
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
    app = export_app(base.store, renderer, blobs)
    await base.serve(command_handlers(app.handler), concurrency=config.concurrency)
    queue = await base.run_work_queue(
        render_queue_config(base.namespace, config), app.job, job_key=production_of
    )
    # A cancelled (or failed) production's render stops at once, in whichever replica:
    # ffmpeg's process group is killed, the scratch file removed, and the job acked.
    await base.abandon_jobs_on(stopped_subjects(base.namespace), stopped_production, queue)
    return ExportService(base, app.handler, queue)
