"""The export job: one ExportRequested from the export work queue, rendered to its key.

A work queue (videogen_bus.jobs.JobQueue) of its own, beside the render queue: every
replica takes jobs from the same durable consumer, `concurrency` at a time per process,
heartbeating while ffmpeg runs; stopping the process hands the job back.

Crash safety, as the render job's. The message is acked only after the outcome
(ExportCompleted/ExportFailed) is stored. After a kill -9 the heartbeats stop, `ack_wait`
runs out, and the job is redelivered and resumed:
- the output is encoded to a scratch file and moved onto its key only when whole, so a
  key that exists holds a whole video: a resumed job that finds it measures it instead of
  encoding again;
- the steps' command ids are deterministic and the decider ignores a repeated step, so a
  resumed job records one start and one outcome.

Rendered once. The key is a digest of the cuts and the format (domain.export), so an
export of an unchanged timeline finds the key written by an earlier export and completes
with `reused=true`, encoding nothing. It is told apart from a resumed job of its own by the
export's stage when the job began: a job that had already started wrote the file itself.

A production export (a studio project: a script, no uploads) waits for the production's
render (its first render has the production's id, in this service's own store), then takes
its video: copied for mp4, transcoded in one pass (one cut, the whole video) otherwise.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec
import structlog
from videogen_bus.consumer import PoisonMessage
from videogen_bus.jobs import Delivery, QueueConfig
from videogen_contracts.envelope import RecordedEvent, event_type_name
from videogen_contracts.export.events import SERVICE
from videogen_contracts.export.exports import (
    Cut,
    ExportFailureCode,
    ExportRequested,
)
from videogen_contracts.subjects import Namespace
from videogen_runtime.outages import hand_back

from export_service.app.handlers import ExportHandler, RenderHandler
from export_service.app.ports import (
    BlobStore,
    CutRenderer,
    EncodeFailed,
    MissingInput,
    RenderedFile,
)
from export_service.config import ExportConfig
from export_service.domain.export_commands import CompleteExport, FailExport, StartExport

log = structlog.get_logger("export_service.export_worker")

REQUESTED = event_type_name(ExportRequested)
_request_decoder = msgspec.json.Decoder(ExportRequested)


_Step = type[StartExport] | type[CompleteExport] | type[FailExport]


class ProductionFailed(Exception):
    """The production an export takes its video from failed, or never finished."""


def export_queue_config(ns: Namespace, config: ExportConfig) -> QueueConfig:
    return QueueConfig(
        stream=ns.stream_name(SERVICE), durable=ns.durable(SERVICE, "export-worker"),
        filter_subject=ns.event_subject(SERVICE, "*", REQUESTED), concurrency=config.concurrency,
        ack_wait=config.ack_wait, max_attempts=config.max_attempts, idle_wait=1.0,
    )  # fmt: skip


@dataclass(frozen=True)
class ExportJob:
    """The queue's job runner: what one delivery of an export request does."""

    exports: ExportHandler
    renders: RenderHandler
    renderer: CutRenderer
    blobs: BlobStore
    # How long a production export waits for the production's video, and how often it looks.
    production_wait_s: float = 1800.0
    poll_s: float = 1.0

    async def __call__(self, recorded: RecordedEvent, delivery: Delivery) -> None:
        if recorded.type != REQUESTED:
            return  # the queue's filter lets only ExportRequested through; be safe anyway
        try:
            request = _request_decoder.decode(recorded.data)
        except msgspec.DecodeError as error:
            raise PoisonMessage(f"{recorded.type} {recorded.event_id}: {error}") from error
        state = await self.exports.load(request.export_id)
        if state.closed:
            log.info("export.already_done", export_id=str(request.export_id), stage=state.stage)
            return
        await _Export(self, request, recorded, resumed=state.stage == "running").run(delivery)


class _Export:
    """One delivery of one export request."""

    def __init__(
        self, job: ExportJob, request: ExportRequested, recorded: RecordedEvent, *, resumed: bool
    ) -> None:
        self.w = job
        self.request = request
        self.resumed = resumed
        self.correlation_id = recorded.metadata.correlation_id
        self.causation_id = str(recorded.event_id)

    async def run(self, delivery: Delivery) -> None:
        eid, attempt = str(self.request.export_id), delivery.attempt
        log.info("export.started", export_id=eid, attempt=attempt, format=self.request.format,
                 cuts=len(self.request.cuts), resumed=self.resumed)  # fmt: skip
        await self._record(StartExport)
        try:
            produced, reused = await self._produce()
        except (MissingInput, ProductionFailed) as error:
            await self._fail("missing_input", str(error))
        except EncodeFailed as error:
            await self._fail("encoder_failed", str(error))
        except Exception as error:
            # Worker boundary, as the render job's: retried until the last attempt, which
            # records a typed ExportFailed so the client does not poll forever; an outage
            # is retried however long it lasts.
            if hand_back(error, delivery):
                raise
            log.exception("export.gave_up", export_id=eid, attempt=attempt)
            await self._fail("internal", f"export failed after {attempt} attempts: {error!r}")
        else:
            await self._complete(produced, reused)

    async def _produce(self) -> tuple[RenderedFile, bool]:
        request, blobs = self.request, self.w.blobs
        key = request.output_key
        if await asyncio.to_thread(blobs.exists, key):
            produced = await self.w.renderer.probe(blobs.local_path(key))
            return produced, not self.resumed
        cuts = request.cuts
        if request.production_id is not None:
            video_key, duration = await self._production_video(request.production_id)
            if request.format == "mp4":
                await asyncio.to_thread(blobs.copy, video_key, key)
                return await self.w.renderer.probe(blobs.local_path(key)), False
            cuts = [Cut(segment_id=request.production_id, media_key=video_key,
                        start_ts=0.0, end_ts=duration)]  # fmt: skip
        return await self._encode(cuts), False

    async def _encode(self, cuts: list[Cut]) -> RenderedFile:
        blobs = self.w.blobs
        scratch = blobs.scratch_path(f".{self.request.format}")
        try:
            await self.w.renderer.render_cuts(
                cuts, self.request.format, blobs, scratch, _no_progress
            )
            produced = await self.w.renderer.probe(scratch)
            await asyncio.to_thread(blobs.publish, scratch, self.request.output_key)
            return produced
        finally:
            scratch.unlink(missing_ok=True)

    async def _production_video(self, production_id: UUID) -> tuple[str, float]:
        """The production's finished video (key, seconds), once its render completes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.w.production_wait_s
        while True:
            render = await self.w.renders.load(production_id)
            if render.stage == "completed" and render.video_key is not None:
                return render.video_key, render.duration_s
            if render.stage == "failed":
                raise ProductionFailed(f"production {production_id}: its render failed")
            if loop.time() >= deadline:
                raise ProductionFailed(
                    f"production {production_id} made no video in {self.w.production_wait_s:.0f} s"
                )
            # The queue heartbeats this job while it waits, as while ffmpeg runs.
            await asyncio.sleep(self.w.poll_s)

    async def _complete(self, produced: RenderedFile, reused: bool) -> None:
        request = self.request
        await self._record(
            CompleteExport, video_key=request.output_key, duration_s=produced.duration_s,
            size_bytes=produced.size_bytes, reused=reused,
        )  # fmt: skip
        log.info("export.completed", export_id=str(request.export_id), reused=reused,
                 duration_s=produced.duration_s, size_bytes=produced.size_bytes)  # fmt: skip

    async def _fail(self, code: ExportFailureCode, reason: str) -> None:
        log.warning("export.failed", export_id=str(self.request.export_id), code=code,
                    reason=reason)  # fmt: skip
        await self._record(FailExport, code=code, reason=reason)

    async def _record(self, step: _Step, **fields: Any) -> None:
        """Record one step of this export (its command id is the step's: see ExportStep)."""
        command = step(export_id=self.request.export_id, project_id=self.request.project_id,
                       now=datetime.now(UTC), **fields)  # fmt: skip
        await self.w.exports.handle(
            command, correlation_id=self.correlation_id, causation_id=self.causation_id
        )


async def _no_progress(fraction: float) -> None:
    """Doc 002's export status has no percentage: the encode's progress is not recorded."""
