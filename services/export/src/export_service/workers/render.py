"""The render worker: consumes RenderRequested from a durable pull consumer and encodes.

Work queue. Every replica binds the same durable consumer, so each request is delivered
to one worker at a time; each replica runs `concurrency` fetch loops of one message each,
so at most that many encodes run per process and further requests wait in the stream.

Crash safety. The message is acked only after the outcome (RenderCompleted/RenderFailed)
is stored. While ffmpeg runs, `in_progress()` heartbeats keep JetStream from handing the
job to another worker; after a kill -9 they stop, `ack_wait` runs out, and the job is
redelivered and rendered again from scratch. That is safe because
- the output is written to a scratch file and renamed onto its key only when whole, so a
  reader never sees half a video and a re-run simply replaces it;
- the decider drops progress at or below what is recorded (a re-run starts from 0) and
  records one outcome; worker command ids are deterministic, so repeats append nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypedDict
from uuid import UUID

import msgspec
import nats.errors
import structlog
from nats.aio.msg import Msg
from nats.js.client import JetStreamContext
from videogen_bus.consumer import DeadLetterSink, PoisonMessage, run_consumer
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.export.events import (
    SERVICE,
    RenderFailureCode,
    RenderRequested,
    event_type_name,
)
from videogen_contracts.subjects import Namespace

from export_service.app.handlers import RenderHandler
from export_service.app.ports import BlobStore, EncodeFailed, MissingInput, RenderedFile, Renderer
from export_service.domain.commands import CompleteRender, FailRender, RecordProgress
from export_service.domain.render import PROGRESS_STEP

log = structlog.get_logger("export_service.render_worker")

REQUESTED = event_type_name(RenderRequested)
_request_decoder = msgspec.json.Decoder(RenderRequested)


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    # Encodes at once per process. ffmpeg's x264 already uses every core, so 1 is right
    # on a small machine; more replicas (or a larger value on a big one) scale out.
    concurrency: int = 1
    # How long JetStream waits for a sign of life before redelivering a job; heartbeats
    # go out three times per period, so only a dead worker loses its job.
    ack_wait: float = 30.0
    # Deliveries after which an unexpected error (a bug, not a bad input) fails the render
    # instead of retrying it again.
    max_attempts: int = 3

    @classmethod
    def from_env(cls) -> WorkerSettings:
        env = os.environ
        return cls(
            concurrency=max(1, int(env.get("VIDEOGEN_EXPORT_CONCURRENCY", "1"))),
            ack_wait=float(env.get("VIDEOGEN_EXPORT_ACK_WAIT", "30")),
            max_attempts=max(1, int(env.get("VIDEOGEN_EXPORT_MAX_ATTEMPTS", "3"))),
        )


def durable_name(ns: Namespace) -> str:
    return ns.durable(SERVICE, "render-worker")


class Interrupted(Exception):
    """The process is stopping: the job goes back to the stream for another worker."""


class Abandoned(Exception):
    """The job's production was cancelled (or failed): the work is no longer wanted."""


class RenderWorker:
    def __init__(
        self,
        handler: RenderHandler,
        renderer: Renderer,
        blobs: BlobStore,
        stop: asyncio.Event,
        settings: WorkerSettings,
    ) -> None:
        self.handler = handler
        self.renderer = renderer
        self.blobs = blobs
        self.stop = stop
        self.settings = settings
        # Set to abandon the render running for a production in this process.
        self._abandon: dict[UUID, asyncio.Event] = {}

    def abandon(self, production_id: UUID) -> bool:
        """Stop the render of `production_id` if it runs here: ffmpeg's process group is
        killed, the scratch file removed, and the job acked (nobody takes it up again)."""
        wanted = self._abandon.get(production_id)
        if wanted is None:
            return False
        wanted.set()
        return True

    async def handle(self, recorded: RecordedEvent, msg: Msg) -> None:
        """The consumer loop's handler: one job, settled here or acked by the loop."""
        if recorded.type != REQUESTED:
            return
        try:
            request = _request_decoder.decode(recorded.data)
        except msgspec.DecodeError as error:
            raise PoisonMessage(f"{recorded.type} {recorded.event_id}: {error}") from error
        job = _Job(self, request, recorded)
        state = await self.handler.load(request.render_id)
        if state.closed:
            log.info("render.already_done", render_id=str(request.render_id), stage=state.stage)
            return
        key = request.production_id or request.render_id
        self._abandon[key] = job.abandoned
        try:
            async with heartbeats(msg, self.settings.ack_wait / 3):
                await job.run(attempt=msg.metadata.num_delivered or 1, start=state.progress)
        except Interrupted:
            log.info("render.interrupted", render_id=str(request.render_id))
            await msg.nak()
        except Abandoned:
            # Acked by the consumer loop when we return: the render is not wanted any more.
            log.info("render.abandoned", render_id=str(request.render_id))
        finally:
            if self._abandon.get(key) is job.abandoned:
                del self._abandon[key]


class _Job:
    """One delivery of one render request."""

    def __init__(self, worker: RenderWorker, request: RenderRequested, recorded: RecordedEvent):
        self.w = worker
        self.request = request
        self.correlation_id = recorded.metadata.correlation_id
        self.causation_id = str(recorded.event_id)
        self.reported = 0
        self.abandoned = asyncio.Event()

    async def run(self, *, attempt: int, start: int) -> None:
        self.reported = start
        rid = str(self.request.render_id)
        log.info("render.started", render_id=rid, attempt=attempt, clips=len(self.request.clips))
        try:
            produced = await self._until_stopped(self._produce())
        except MissingInput as error:
            await self._fail("missing_input", str(error))
        except EncodeFailed as error:
            await self._fail("encoder_failed", str(error))
        except (Interrupted, Abandoned):
            raise
        except Exception as error:
            # Worker boundary: an unexpected failure is retried (redelivery with backoff)
            # until the last attempt, which turns it into a typed RenderFailed so the
            # production does not wait forever. Logged with the correlation id (bound by
            # the consumer loop).
            if attempt < self.w.settings.max_attempts:
                raise
            log.exception("render.gave_up", render_id=rid, attempt=attempt)
            await self._fail("internal", f"render failed after {attempt} attempts: {error!r}")
        else:
            await self._complete(produced)

    async def _until_stopped(self, work: Coroutine[Any, Any, RenderedFile]) -> RenderedFile:
        """Run the encode, but stop it as soon as the process is asked to stop (the job is
        given back) or the production is cancelled (the job is dropped)."""
        task = asyncio.ensure_future(work)
        stopping = asyncio.ensure_future(self.w.stop.wait())
        abandoning = asyncio.ensure_future(self.abandoned.wait())
        try:
            await asyncio.wait((task, stopping, abandoning), return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            abandoning.cancel()
        if not task.done():
            task.cancel()  # the runner kills ffmpeg's process group on cancellation
            with contextlib.suppress(asyncio.CancelledError):
                await task
            raise Abandoned if self.abandoned.is_set() else Interrupted
        return task.result()

    async def _produce(self) -> RenderedFile:
        request, blobs = self.request, self.w.blobs
        if await asyncio.to_thread(blobs.exists, request.output_key):
            # An earlier attempt published the video, then died before recording it:
            # the rename is atomic, so the file is whole; measure it instead of re-encoding.
            produced = await self.w.renderer.probe(blobs.local_path(request.output_key))
        else:
            produced = await self._encode()
        if request.subtitle_key and request.captions.srt_key:
            await asyncio.to_thread(blobs.copy, request.captions.srt_key, request.subtitle_key)
        return produced

    async def _encode(self) -> RenderedFile:
        blobs = self.w.blobs
        scratch = blobs.scratch_path(".mp4")
        try:
            await self.w.renderer.render(self.request, blobs, scratch, self._progress)
            produced = await self.w.renderer.probe(scratch)
            await asyncio.to_thread(blobs.publish, scratch, self.request.output_key)
            return produced
        finally:
            scratch.unlink(missing_ok=True)

    async def _progress(self, fraction: float) -> None:
        percent = int(max(0.0, min(fraction, 1.0)) * 100)
        # Throttled here as well as in the decider: no database round trip per ffmpeg line.
        if percent < self.reported + PROGRESS_STEP or percent >= 100:
            return
        self.reported = percent
        await self._send(
            RecordProgress(**self._ids(), now=_now(), percent=percent)
        )

    async def _complete(self, produced: RenderedFile) -> None:
        request = self.request
        await self._send(
            CompleteRender(
                **self._ids(), now=_now(), video_key=request.output_key,
                subtitle_key=request.subtitle_key if request.captions.srt_key else None,
                duration_s=produced.duration_s, size_bytes=produced.size_bytes,
            )
        )
        log.info("render.completed", render_id=str(request.render_id),
                 duration_s=produced.duration_s, size_bytes=produced.size_bytes)

    async def _fail(self, code: RenderFailureCode, reason: str) -> None:
        log.warning("render.failed", render_id=str(self.request.render_id), code=code,
                    reason=reason)
        await self._send(
            FailRender(**self._ids(), now=_now(), code=code, reason=reason)
        )

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


@contextlib.asynccontextmanager
async def heartbeats(msg: Msg, every: float) -> AsyncIterator[None]:
    """Tell JetStream the job is alive every `every` seconds while the body runs."""

    async def beat() -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await msg.in_progress()
            except nats.errors.Error as error:
                # Disconnected for a moment: the next beat (or a redelivery) will do.
                log.warning("render.heartbeat_failed", error=repr(error))

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def run_render_workers(
    js: JetStreamContext,
    ns: Namespace,
    worker: RenderWorker,
    dead_letters: DeadLetterSink,
) -> None:
    """`concurrency` fetch loops of one message each on the shared durable, until stop."""
    settings = worker.settings
    loops = [
        run_consumer(
            js,
            stream=ns.stream_name(SERVICE),
            durable=durable_name(ns),
            filter_subjects=[ns.event_subject(SERVICE, "*", REQUESTED)],
            handle=worker.handle,
            dead_letters=dead_letters,
            stop=worker.stop,
            batch=1,
            ack_wait=settings.ack_wait,
            idle_wait=1.0,
        )
        for _ in range(settings.concurrency)
    ]
    await asyncio.gather(*loops)
