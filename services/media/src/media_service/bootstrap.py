"""Composition root: builds the media service from Settings and nothing else.

`media_app` wires the application on whichever store and tools it is given (Postgres and
real TTS here, the in-memory store and fakes in unit tests). `start_media_service` opens
the shared plumbing (videogen_runtime.service) and enters the service's own parts after
it, so the stack closes them first, which is the graceful-shutdown order: stop taking jobs
(jobs in hand are handed back to the stream at once, their finished steps kept), stop the
deletion consumer, stop serving commands, let the relay publish its batch, drain NATS,
close the pool.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass

from videogen_bus.jobs import JobQueue
from videogen_bus.rpc import NatsCommandSender
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.media.events import SERVICE, stream_id_for
from videogen_contracts.project.production import production_id_of, stopped_subjects
from videogen_eventstore.api import EventStore
from videogen_eventstore.multi_stream import AtomicAppender, PostgresAtomicAppender
from videogen_media.blobs import LocalBlobStore
from videogen_media.manim.sandbox import SandboxLimits
from videogen_providers.config import ProviderConfig
from videogen_providers.video.selection import HOSTED
from videogen_providers.vision.base import VisionScorer
from videogen_providers.vision.openai_vision import OpenAIVisionScorer
from videogen_providers.vision.settings import vision_settings
from videogen_runtime.service import Plumbing, open_plumbing
from videogen_runtime.settings import Settings

from media_service.adapters.manim_narration import ManimNarration
from media_service.adapters.region_renderer import OfflineRegionRenderer
from media_service.adapters.toolkit import build_toolkit
from media_service.adapters.video_models import HostedVariantRenderer
from media_service.app.ai_edits import AiEditHandlers
from media_service.app.editing import EditingHandlers
from media_service.app.handlers import PreparationHandler
from media_service.app.manim_status import ManimStatusQuery
from media_service.app.previews import Previews
from media_service.app.scoring import VariantScoring
from media_service.config import MediaConfig
from media_service.entrypoints.ai_queue import ai_edit_queue_config
from media_service.entrypoints.ai_rpc import ai_edit_handlers
from media_service.entrypoints.consumers import preparation_queue_config, start_project_deletions
from media_service.entrypoints.editing_rpc import editing_handlers
from media_service.entrypoints.manim_queue import start_manim_renders
from media_service.entrypoints.preview_rpc import preview_queries
from media_service.entrypoints.proxy_queue import proxy_queue_config
from media_service.entrypoints.rpc import command_handlers, manim_status_queries
from media_service.entrypoints.score_rpc import score_handlers
from media_service.workers.ai_edits import AiEditJob, VariantRenderer
from media_service.workers.manim_render import ManimRenderJob
from media_service.workers.preparation import PreparationJob, Toolkit
from media_service.workers.proxies import ProxyJob


@dataclass(frozen=True)
class MediaApp:
    """The application: the prepare_media handler, the preparation job, the editor's commands
    and its AI edits."""

    handler: PreparationHandler
    job: PreparationJob
    editing: EditingHandlers
    ai_edits: AiEditHandlers


def media_app(store: EventStore, appender: AtomicAppender, tools: Toolkit) -> MediaApp:
    handler = PreparationHandler(store)
    return MediaApp(
        handler, PreparationJob(handler, tools), EditingHandlers(store, appender, tools.blobs),
        AiEditHandlers(store),
    )


@dataclass(frozen=True)
class MediaService:
    """The running parts, exposed for tests."""

    plumbing: Plumbing
    queue: JobQueue
    tools: Toolkit
    manim_renders: JobQueue


async def vision_scorer(stack: AsyncExitStack) -> VisionScorer | None:
    """The vision model that scores variants, when settings name one (else offline only)."""
    chosen = vision_settings()
    if chosen is None:
        return None
    scorer = OpenAIVisionScorer(chosen)
    stack.push_async_callback(scorer.aclose)
    return scorer


def preparation_of(event: RecordedEvent) -> str:
    """The preparation job of the production a project event is about (its stream)."""
    return stream_id_for(production_id_of(event.data))


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
    base = await open_plumbing(SERVICE, settings, stack)
    app = media_app(base.store, PostgresAtomicAppender(base.pool, base.schema), tools)
    # The editor's previews read and write the same blob directory as everything else.
    editor_blobs = LocalBlobStore(settings.data_dir / "blobs")
    scoring = VariantScoring(app.ai_edits, editor_blobs, await vision_scorer(stack))
    manim_status = ManimStatusQuery()
    manim_status.warm()
    await base.serve(
        {**command_handlers(app.handler), **editing_handlers(app.editing),
         **preview_queries(Previews(editor_blobs)), **ai_edit_handlers(app.ai_edits),
         **score_handlers(scoring), **manim_status_queries(manim_status)},
        concurrency=config.concurrency, narrator=tools.narrator.name,
    )
    await start_project_deletions(base, tools.blobs)
    queue = await base.run_work_queue(preparation_queue_config(base.namespace, config), app.job)
    await base.run_work_queue(
        proxy_queue_config(
            base.namespace, ack_wait=config.ack_wait, max_attempts=config.max_attempts
        ),
        ProxyJob(editor_blobs),
    )
    # AI variants, rendered by provider: the offline region editor, or a hosted model.
    hosted = HostedVariantRenderer.from_config(ProviderConfig.from_env())
    stack.push_async_callback(hosted.aclose)
    renderers: dict[str, VariantRenderer] = {"offline": OfflineRegionRenderer(), HOSTED: hosted}
    await base.run_work_queue(
        ai_edit_queue_config(
            base.namespace, ack_wait=config.ack_wait, max_attempts=config.max_attempts
        ),
        AiEditJob(app.ai_edits, editor_blobs, renderers, tools.clock),
    )
    # A cancelled (or failed) production's preparation stops at once wherever it runs: the
    # sentences in synthesis stop at their next piece (their temporary directories are
    # removed), and the job's message is acked. Sentences already narrated stay recorded,
    # so a retry resumes from there.
    await base.abandon_jobs_on(stopped_subjects(base.namespace), preparation_of, queue)
    manim_renders = await start_manim_renders(
        base, manim_render_job(base, tools, editor_blobs, manim_status),
        ack_wait=config.ack_wait, max_attempts=config.max_attempts,
    )
    return MediaService(base, queue, tools, manim_renders)


def manim_render_job(
    base: Plumbing, tools: Toolkit, blobs: LocalBlobStore, status: ManimStatusQuery
) -> ManimRenderJob:
    """Manim scenes in the sandbox, narrated by the service's own voices, answered to the
    script service, whose session asked for them."""
    narration = ManimNarration(tools.narrator, tools.probe, tools.captioner, blobs)
    return ManimRenderJob(
        NatsCommandSender(base.nc, base.namespace), narration, blobs, tools.clock,
        status.status, SandboxLimits.from_env(),
    )
