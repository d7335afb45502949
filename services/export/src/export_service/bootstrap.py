"""Composition root: builds the export service from Settings (and, in tests, fakes).

`export_app` wires the application on whichever store, renderer and blobs it is given
(Postgres and ffmpeg here, the in-memory store and fakes in unit tests).
`start_export_service` opens the shared plumbing (videogen_runtime.service) and enters the
service's own parts after it, so the stack closes them first, which is the graceful-shutdown
order: the work queues stop first (renders, exports, Manim combines: an encode in progress
is killed and its job handed back to the stream for another replica), then the command
server (in-flight commands finish and reply), the relay (it publishes what the workers
recorded last), NATS, and the pool.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass

from videogen_bus.jobs import JobQueue
from videogen_bus.rpc import NatsCommandSender
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.export.events import SERVICE
from videogen_contracts.project.production import production_id_of, stopped_subjects
from videogen_eventstore.api import EventStore
from videogen_runtime.service import Plumbing, open_plumbing
from videogen_runtime.settings import Settings

from export_service.app.handlers import ExportHandler, RenderHandler
from export_service.app.ports import BlobStore, CutRenderer, Renderer
from export_service.config import ExportConfig
from export_service.entrypoints.manim_queue import start_manim_combines
from export_service.entrypoints.rpc import command_handlers
from export_service.workers.export import ExportJob, export_queue_config
from export_service.workers.manim_combine import ManimCombineJob, SceneJoiner
from export_service.workers.render import RenderJob, production_of, render_queue_config


@dataclass(frozen=True)
class ExportApp:
    """The application: the render_timeline and export_timeline handlers and their jobs."""

    handler: RenderHandler
    job: RenderJob
    exports: ExportHandler
    export_job: ExportJob


def export_app(
    store: EventStore,
    renderer: Renderer,
    blobs: BlobStore,
    cut_renderer: CutRenderer,
    config: ExportConfig | None = None,
) -> ExportApp:
    config = config or ExportConfig()
    handler, exports = RenderHandler(store), ExportHandler(store)
    export_job = ExportJob(
        exports, handler, cut_renderer, blobs, production_wait_s=config.production_wait
    )
    return ExportApp(handler, RenderJob(handler, renderer, blobs), exports, export_job)


@dataclass(frozen=True)
class ExportService:
    """The running parts, exposed for tests."""

    plumbing: Plumbing
    handler: RenderHandler
    queue: JobQueue
    exports: ExportHandler
    export_queue: JobQueue
    manim_queue: JobQueue


def stopped_production(event: RecordedEvent) -> str:
    """The render job key (see `production_of`) of the production a project event stops."""
    return str(production_id_of(event.data))


async def start_export_service(
    settings: Settings,
    stack: AsyncExitStack,
    *,
    renderer: Renderer | None = None,
    blobs: BlobStore | None = None,
    cut_renderer: CutRenderer | None = None,
    scene_joiner: SceneJoiner | None = None,
    config: ExportConfig | None = None,
) -> ExportService:
    """Start everything; `renderer`, `cut_renderer`, `scene_joiner` and `blobs` replace
    ffmpeg and the blob directory."""
    config = config or ExportConfig.from_env()
    if renderer is None or blobs is None or cut_renderer is None or scene_joiner is None:
        # Imported here so that tests with fakes never load ffmpeg bindings.
        from videogen_media.ffmpeg_path import ffmpeg_executable

        from export_service.adapters.cut_media import FfmpegCutRenderer
        from export_service.adapters.media import media_blobs, media_renderer
        from export_service.adapters.scene_join import FfmpegSceneJoiner

        renderer = renderer or media_renderer()
        blobs = blobs or media_blobs(settings)
        cut_renderer = cut_renderer or FfmpegCutRenderer(ffmpeg_executable())
        scene_joiner = scene_joiner or FfmpegSceneJoiner(ffmpeg_executable())
    base = await open_plumbing(SERVICE, settings, stack)
    app = export_app(base.store, renderer, blobs, cut_renderer, config)
    await base.serve(command_handlers(app.handler, app.exports), concurrency=config.concurrency)
    queue = await base.run_work_queue(
        render_queue_config(base.namespace, config), app.job, job_key=production_of
    )
    # The editor's exports: a queue of their own, so an export never waits behind a
    # production's render (whose video a production export may be waiting for).
    export_queue = await base.run_work_queue(
        export_queue_config(base.namespace, config), app.export_job
    )
    # A cancelled (or failed) production's render stops at once, in whichever replica:
    # ffmpeg's process group is killed, the scratch file removed, and the job acked.
    await base.abandon_jobs_on(stopped_subjects(base.namespace), stopped_production, queue)
    # Manim combines (doc 003): requested on the script stream, answered to the script
    # service; a queue of their own, so a combine never waits behind a long export.
    manim_job = ManimCombineJob(NatsCommandSender(base.nc, base.namespace), blobs, scene_joiner)
    manim_queue = await start_manim_combines(base, manim_job, config)
    return ExportService(base, app.handler, queue, app.exports, export_queue, manim_queue)
