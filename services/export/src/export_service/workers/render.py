"""The render job: one RenderRequested from the export work queue, encoded to its key.

Work queue (videogen_bus.jobs.JobQueue). Every replica takes jobs from the same durable
consumer, at most `concurrency` encodes per process; further requests wait in the stream.
While ffmpeg runs, the queue's `in_progress()` heartbeats keep JetStream from handing the
job to another worker. Stopping the process cancels the job (the renderer kills ffmpeg's
process group, the scratch file is removed) and hands its message back; a cancelled
production's render is cancelled the same way, and its message acked.

Crash safety. The message is acked only after the outcome (RenderCompleted/RenderFailed)
is stored. After a kill -9 the heartbeats stop, `ack_wait` runs out, and the job is
redelivered and rendered again from scratch. That is safe because
- the output is written to a scratch file and renamed onto its key only when whole, so a
  reader never sees half a video and a re-run simply replaces it;
- the decider drops progress at or below what is recorded (a re-run starts from 0) and
  records one outcome; worker command ids are deterministic, so repeats append nothing;
- the quality report and the copied captions are written (atomically) after the video
  and before the outcome: a re-run that finds the video published writes them again from
  the file (the report then lacks the timings of the assembly that died).

A request with picture segments is assembled (soundtrack + join by stream copy), which
takes a fraction of an encode; the renderer decides (adapters/media.py).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypedDict
from uuid import UUID

import msgspec
import structlog
from videogen_bus.consumer import PoisonMessage
from videogen_bus.jobs import Delivery, QueueConfig
from videogen_contracts.envelope import RecordedEvent, event_type_name
from videogen_contracts.export.events import (
    SERVICE,
    RenderFailureCode,
    RenderRequested,
)
from videogen_contracts.subjects import Namespace
from videogen_runtime.outages import hand_back

from export_service.app.handlers import RenderHandler
from export_service.app.ports import (
    BlobStore,
    EncodeFailed,
    MissingInput,
    RenderedFile,
    Renderer,
    RenderNotes,
)
from export_service.config import ExportConfig
from export_service.domain.commands import CompleteRender, FailRender, RecordProgress
from export_service.domain.render import PROGRESS_STEP

log = structlog.get_logger("export_service.render_worker")

REQUESTED = event_type_name(RenderRequested)
_request_decoder = msgspec.json.Decoder(RenderRequested)


def render_queue_config(ns: Namespace, config: ExportConfig) -> QueueConfig:
    return QueueConfig(
        stream=ns.stream_name(SERVICE), durable=ns.durable(SERVICE, "render-worker"),
        filter_subject=ns.event_subject(SERVICE, "*", REQUESTED), concurrency=config.concurrency,
        ack_wait=config.ack_wait, max_attempts=config.max_attempts, idle_wait=1.0,
    )


def production_of(recorded: RecordedEvent) -> str:
    """The key a render job is abandoned by: its production, else the render itself."""
    try:
        request = _request_decoder.decode(recorded.data)
    except msgspec.DecodeError:
        return recorded.stream_id  # the job itself dead-letters it
    return str(request.production_id or request.render_id)


def report_key_for(request: RenderRequested) -> str:
    """`reports/<production>.json` beside the media half (`reports/<production>.media.json`)."""
    if request.production_id is not None:
        return f"reports/{request.production_id}.json"
    return f"reports/render-{request.render_id}.json"


def wants_report(request: RenderRequested) -> bool:
    return bool(request.segments) or isinstance(request.media_report_key, str)


def vtt_copy_key(request: RenderRequested) -> str | None:
    """Where the WebVTT goes: beside the `.srt` copy (same name, `.vtt`)."""
    vtt = request.captions.vtt_key
    if not isinstance(vtt, str) or request.subtitle_key is None:
        return None
    stem, dot, _ = request.subtitle_key.rpartition(".")
    return f"{stem}.vtt" if dot else f"{request.subtitle_key}.vtt"


@dataclass(frozen=True, slots=True)
class Produced:
    file: RenderedFile
    report_key: str | None
    vtt_key: str | None


@dataclass(frozen=True)
class RenderJob:
    """The queue's job runner: what one delivery of a render request does."""

    handler: RenderHandler
    renderer: Renderer
    blobs: BlobStore

    async def __call__(self, recorded: RecordedEvent, delivery: Delivery) -> None:
        if recorded.type != REQUESTED:
            return  # the queue's filter lets only RenderRequested through; be safe anyway
        try:
            request = _request_decoder.decode(recorded.data)
        except msgspec.DecodeError as error:
            raise PoisonMessage(f"{recorded.type} {recorded.event_id}: {error}") from error
        state = await self.handler.load(request.render_id)
        if state.closed:
            log.info("render.already_done", render_id=str(request.render_id), stage=state.stage)
            return
        await _Render(self, request, recorded).run(delivery, start=state.progress)


class _Render:
    """One delivery of one render request."""

    def __init__(self, job: RenderJob, request: RenderRequested, recorded: RecordedEvent):
        self.w = job
        self.request = request
        self.correlation_id = recorded.metadata.correlation_id
        self.causation_id = str(recorded.event_id)
        self.reported = 0

    async def run(self, delivery: Delivery, *, start: int) -> None:
        self.reported = start
        rid, attempt = str(self.request.render_id), delivery.attempt
        log.info("render.started", render_id=rid, attempt=attempt, clips=len(self.request.clips))
        try:
            produced = await self._produce()
        except MissingInput as error:
            await self._fail("missing_input", str(error))
        except EncodeFailed as error:
            await self._fail("encoder_failed", str(error))
        except Exception as error:
            # Worker boundary: an unexpected failure is retried (redelivery with backoff)
            # until the last attempt, which turns it into a typed RenderFailed so the
            # production does not wait forever. Logged with the correlation id (bound by
            # the queue).
            # An outage (videogen_runtime.outages) is retried however long it lasts.
            if hand_back(error, delivery):
                raise
            log.exception("render.gave_up", render_id=rid, attempt=attempt)
            await self._fail("internal", f"render failed after {attempt} attempts: {error!r}")
        else:
            await self._complete(produced)

    async def _produce(self) -> Produced:
        request, blobs = self.request, self.w.blobs
        notes: RenderNotes | None = None
        if await asyncio.to_thread(blobs.exists, request.output_key):
            # An earlier attempt published the video, then died before recording it:
            # the rename is atomic, so the file is whole; measure it instead of re-encoding.
            produced = await self.w.renderer.probe(blobs.local_path(request.output_key))
        else:
            produced, notes = await self._encode()
        if request.subtitle_key and request.captions.srt_key:
            await asyncio.to_thread(blobs.copy, request.captions.srt_key, request.subtitle_key)
        vtt_key = vtt_copy_key(request)
        if vtt_key is not None and isinstance(request.captions.vtt_key, str):
            await asyncio.to_thread(blobs.copy, request.captions.vtt_key, vtt_key)
        report_key = await self._report(notes) if wants_report(request) else None
        return Produced(produced, report_key, vtt_key)

    async def _encode(self) -> tuple[RenderedFile, RenderNotes | None]:
        blobs = self.w.blobs
        scratch = blobs.scratch_path(".mp4")
        try:
            notes = await self.w.renderer.render(self.request, blobs, scratch, self._progress)
            produced = await self.w.renderer.probe(scratch)
            await asyncio.to_thread(blobs.publish, scratch, self.request.output_key)
            return produced, notes
        finally:
            scratch.unlink(missing_ok=True)

    async def _report(self, notes: RenderNotes | None) -> str:
        request, blobs = self.request, self.w.blobs
        key = report_key_for(request)
        if notes is None and await asyncio.to_thread(blobs.exists, key):
            return key  # written by the attempt that published the video
        video = blobs.local_path(request.output_key)
        data = await self.w.renderer.report(request, blobs, video, notes)
        scratch = blobs.scratch_path(".json")
        try:
            await asyncio.to_thread(scratch.write_bytes, data)
            await asyncio.to_thread(blobs.publish, scratch, key)
        finally:
            scratch.unlink(missing_ok=True)
        return key

    async def _progress(self, fraction: float) -> None:
        percent = int(max(0.0, min(fraction, 1.0)) * 100)
        # Throttled here as well as in the decider: no database round trip per ffmpeg line.
        if percent < self.reported + PROGRESS_STEP or percent >= 100:
            return
        self.reported = percent
        await self._send(RecordProgress(**self._ids(), now=_now(), percent=percent))

    async def _complete(self, result: Produced) -> None:
        request, produced = self.request, result.file
        await self._send(
            CompleteRender(
                **self._ids(), now=_now(), video_key=request.output_key,
                subtitle_key=request.subtitle_key if request.captions.srt_key else None,
                duration_s=produced.duration_s, size_bytes=produced.size_bytes,
                report_key=result.report_key, vtt_key=result.vtt_key,
            )
        )
        log.info("render.completed", render_id=str(request.render_id),
                 duration_s=produced.duration_s, size_bytes=produced.size_bytes)

    async def _fail(self, code: RenderFailureCode, reason: str) -> None:
        log.warning("render.failed", render_id=str(self.request.render_id), code=code,
                    reason=reason)
        await self._send(FailRender(**self._ids(), now=_now(), code=code, reason=reason))

    def _ids(self) -> _Ids:
        return _Ids(render_id=self.request.render_id, project_id=self.request.project_id)

    async def _send(self, command: RecordProgress | CompleteRender | FailRender) -> None:
        await self.w.handler.handle(
            command, correlation_id=self.correlation_id, causation_id=self.causation_id
        )


class _Ids(TypedDict):
    render_id: UUID
    project_id: UUID


def _now() -> datetime:
    return datetime.now(UTC)
