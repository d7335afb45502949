"""The AI edit job: render each variant of one requested job, then complete it.

Run by the `JobQueue` for each `AiEditRequested` (entrypoints/ai_queue.py), a durable work
queue shared by every replica. Everything it needs is in the request (the source window,
the box, the parsed edit, each variant's parameters), so a job redelivered after a kill -9
resumes instead of starting over:
- a variant whose `VariantRendered` is stored is skipped;
- outputs go to deterministic keys (`variant_keys`) and are moved in only when whole, the
  preview before the clip, so a clip that exists is a variant rendered (the worker died
  before recording it): it is measured and recorded, not rendered again;
- each step's events have deterministic ids (domain/ai_commands.py), so a step repeated by
  a resumed job, or by a twin still alive after a redelivery, is stored once.
A render the renderer refuses (`VariantRenderFailed`) fails the job with its reason; any
other error is retried by the queue, and recorded as the failure on the last delivery.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Protocol, TypedDict
from uuid import UUID

import structlog
from videogen_bus.jobs import Delivery
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.media.ai_edits import (
    AiEditRequested,
    RenderedVariant,
    VariantSpec,
    ai_edit_event_decoder,
)
from videogen_contracts.media.editing import editor_prefix
from videogen_media.blobs import LocalBlobStore
from videogen_media.probe import probe_async
from videogen_runtime.outages import hand_back

from media_service.app.ai_edits import AiEditHandlers
from media_service.domain.ai_commands import (
    CompleteAiEdit,
    FailAiEdit,
    RecordRenderedVariant,
    StartAiEdit,
    WorkerStep,
)
from media_service.domain.ai_edit import FINISHED, AiEdit

log = structlog.get_logger("media_service.ai_edits")


class _Ids(TypedDict):
    job_id: UUID
    project_id: UUID
    now: datetime


class VariantRenderFailed(Exception):
    """The renderer cannot make this variant (the reason is for the job's client)."""


class VariantRenderer(Protocol):
    """Renders one variant: the edited range only, as an mp4, and a JPEG of its middle
    frame; returns the clip's duration in seconds."""

    async def render(
        self, source: Path, request: AiEditRequested, spec: VariantSpec, video_out: Path,
        preview_out: Path,
    ) -> float: ...


def variant_keys(project_id: UUID, job_id: UUID, variant_id: UUID) -> tuple[str, str]:
    """(clip, preview): under the project's editor prefix, so deleted with the project."""
    base = f"{editor_prefix(project_id)}ai/{job_id}/{variant_id}"
    return f"{base}.mp4", f"{base}.jpg"


class AiEditJob:
    def __init__(
        self, handlers: AiEditHandlers, blobs: LocalBlobStore,
        renderers: Mapping[str, VariantRenderer], clock: Callable[[], datetime],
    ) -> None:
        self.handlers = handlers
        self.blobs = blobs
        # By `VariantSpec.provider`: "offline" (the ffmpeg region editor) or a hosted model.
        self.renderers = renderers
        self.clock = clock

    async def __call__(self, event: RecordedEvent, delivery: Delivery) -> None:
        request = ai_edit_event_decoder.decode(event.data)
        if not isinstance(request, AiEditRequested):
            return  # the queue's filter lets only requests through; be safe anyway
        state = await self.handlers.load(request.job_id)
        if state.status in FINISHED:
            return
        run = _Run(self, request, event)
        try:
            await run.resume(state)
        except VariantRenderFailed as failure:
            await run.fail(str(failure))
        except Exception as error:
            # Not the job's fault as far as we know (the database, NATS, a full disk):
            # retry through the queue, unless this was the last delivery we allow.
            if hand_back(error, delivery):
                raise
            log.exception("ai_edit.gave_up", attempt=delivery.attempt)
            await run.fail(f"gave up after {delivery.attempt} attempts: {error!r}")


class _Run:
    """One delivery of one job."""

    def __init__(self, job: AiEditJob, request: AiEditRequested, event: RecordedEvent) -> None:
        self.job = job
        self.request = request
        self.correlation_id = event.metadata.correlation_id
        self.causation_id = str(event.event_id)

    def ids(self) -> _Ids:
        """What every step carries: the job, its project, the time."""
        return _Ids(job_id=self.request.job_id, project_id=self.request.project_id,
                    now=self.job.clock())

    async def send(self, command: WorkerStep) -> None:
        await self.job.handlers.record(
            command, correlation_id=self.correlation_id, causation_id=self.causation_id
        )

    async def fail(self, reason: str) -> None:
        log.warning("ai_edit.failed", job_id=str(self.request.job_id), reason=reason)
        await self.send(FailAiEdit(**self.ids(), reason=reason))

    async def resume(self, state: AiEdit) -> None:
        await self.send(StartAiEdit(**self.ids()))
        source = self.job.blobs.path_of(self.request.media_key)
        # Variants one after the other: each ffmpeg pass already uses every core.
        for spec in self.request.variants:
            if spec.variant_id in state.rendered:
                continue
            if not await asyncio.to_thread(source.is_file):
                raise VariantRenderFailed("the source media is gone (the project was deleted)")
            variant = await self.render(source, spec)
            await self.send(RecordRenderedVariant(**self.ids(), variant=variant))
        await self.send(CompleteAiEdit(**self.ids()))

    async def render(self, source: Path, spec: VariantSpec) -> RenderedVariant:
        blobs, request = self.job.blobs, self.request
        video_key, preview_key = variant_keys(request.project_id, request.job_id, spec.variant_id)
        if await blobs.exists(video_key) and await blobs.exists(preview_key):
            duration = (await probe_async(blobs.path_of(video_key))).duration
        else:
            renderer = self.job.renderers.get(spec.provider)
            if renderer is None:
                raise VariantRenderFailed(f"no renderer for provider {spec.provider!r}")
            video, preview = blobs.scratch_path(".mp4"), blobs.scratch_path(".jpg")
            try:
                duration = await renderer.render(source, request, spec, video, preview)
                # The preview first: the clip's key is the mark of a finished variant.
                await asyncio.to_thread(blobs.move_in, preview_key, preview)
                await asyncio.to_thread(blobs.move_in, video_key, video)
            finally:
                video.unlink(missing_ok=True)
                preview.unlink(missing_ok=True)
        log.info("ai_edit.variant_rendered", variant_id=str(spec.variant_id), key=video_key)
        return RenderedVariant(variant_id=spec.variant_id, video_key=video_key,
                               preview_key=preview_key, duration_s=round(duration, 6))
