"""The Manim render job: one `SceneRenderRequested` of the script service's log → a scene
video, its subtitles and its code under deterministic keys, answered to the script service.

Run by the `JobQueue` on the SCRIPT stream (entrypoints/manim_queue.py), keyed by job id.
The request carries everything (code, size, narration), so a job redelivered after a
kill -9 does the same work again, and nothing it did is done twice:
- the narration's sentences are stored by content (adapters/manim_narration.py) and found
  again;
- the scene's outputs go to `scene_blob_keys(session, scene, version)`, moved in only when
  whole, the video last: a video under its key is a finished render (the worker died
  before answering), which is measured and answered, not rendered again;
- the answers have deterministic command ids, and the session answers a job once (a Record
  for a finished or cancelled job is a no-op), so a twin still alive after a redelivery
  changes nothing.
Generated code runs only in the sandbox (`render_scene`). A `SandboxFailed` is the
render's answer (`error` = its reason and the tail of its stderr), not a retry; so is
narration that cannot be spoken. Anything else is retried by the queue (an outage however
long it lasts), and answered as a failure on the last delivery.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

import structlog
from videogen_bus.jobs import Delivery
from videogen_bus.manim_answers import ManimJobAnswers
from videogen_bus.rpc import CommandSender, ServiceUnavailable
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.media.manim_status import ManimStatus
from videogen_contracts.script.manim import (
    RecordSceneRender,
    SceneRenderRequested,
    StartManimJob,
    manim_session_event_decoder,
    scene_blob_keys,
    scene_class_of,
)
from videogen_media.blobs import LocalBlobStore
from videogen_media.ffmpeg import run_ffmpeg
from videogen_media.manim.sandbox import SandboxFailed, SandboxLimits
from videogen_media.manim.scene_render import render_scene
from videogen_media.probe import probe_async
from videogen_runtime.outages import hand_back

from media_service.adapters.manim_narration import ManimNarration, SceneNarration, scene_mux_argv
from media_service.workers.ports import StageFailed

log = structlog.get_logger("media_service.manim_render")

# The stderr kept in a failed render's answer (the writer's fix reads it, so does a client).
ERROR_TAIL_CHARS = 4000
# Cancelled jobs remembered by this process, so a job cancelled while still waiting in
# the stream is not rendered for nothing when its turn comes.
_CANCELLED_KEPT = 10_000


class ManimRenderJob:
    def __init__(
        self, sender: CommandSender, narration: ManimNarration, blobs: LocalBlobStore,
        clock: Callable[[], datetime], status: Callable[[], Awaitable[ManimStatus]],
        limits: SandboxLimits | None = None,
    ) -> None:
        self.sender = sender
        self.narration = narration
        self.blobs = blobs
        self.clock = clock
        # The sandbox a finished render found after a restart ran in (this process's).
        self.status = status
        self.limits = limits
        self._cancelled: OrderedDict[str, None] = OrderedDict()

    def cancelled(self, job_id: str) -> None:
        """A cancellation heard for `job_id` (the queue stops it if it runs here)."""
        self._cancelled[job_id] = None
        while len(self._cancelled) > _CANCELLED_KEPT:
            self._cancelled.popitem(last=False)

    async def __call__(self, event: RecordedEvent, delivery: Delivery) -> None:
        request = manim_session_event_decoder.decode(event.data)
        if not isinstance(request, SceneRenderRequested):
            return  # the queue's filter lets only requests through; be safe anyway
        if str(request.job_id) in self._cancelled:
            log.info("manim_render.skipped_cancelled", job_id=str(request.job_id))
            return
        run = _Run(self, request, event)
        if not await run.send("manim_start_job", StartManimJob(**run.ids("start"))):
            return
        try:
            answer = await run.render()
        except (SandboxFailed, StageFailed) as failure:
            answer = run.failed(_error_text(failure))
        except Exception as error:
            # Not the scene's fault as far as we know (the database, NATS, the script
            # service away, a full disk): retry through the queue, unless this was the
            # last delivery we allow.
            if hand_back(error, delivery) or isinstance(error, ServiceUnavailable):
                raise
            log.exception("manim_render.gave_up", attempt=delivery.attempt)
            answer = run.failed(f"gave up after {delivery.attempt} attempts: {error!r}")
        await run.send("manim_record_scene_render", answer)


def _error_text(failure: SandboxFailed | StageFailed) -> str:
    if isinstance(failure, StageFailed):
        return f"narration failed: {failure.reason}"
    detail = failure.detail[-ERROR_TAIL_CHARS:].strip()
    return f"{failure.reason}\n{detail}" if detail else failure.reason


class _Run:
    """One delivery of one render job."""

    def __init__(self, job: ManimRenderJob, request: SceneRenderRequested, event: RecordedEvent):
        self.job = job
        self.request = request
        self.answers = ManimJobAnswers(job.sender, "manim-render", request, event, job.clock)
        self.ids, self.send = self.answers.ids, self.answers.send
        self.video_key, self.srt_key, self.code_key = scene_blob_keys(
            request.session_id, request.scene_number, request.version
        )

    def failed(self, error: str) -> RecordSceneRender:
        log.warning("manim_render.failed", job_id=str(self.request.job_id), error=error[:300])
        return RecordSceneRender(
            **self.ids("record"), scene_number=self.request.scene_number,
            version=self.request.version, error=error, code_key=self.code_key,
        )

    async def render(self) -> RecordSceneRender:
        blobs, r = self.job.blobs, self.request
        await blobs.put_bytes(self.code_key, r.code.encode("utf-8"))
        if await blobs.exists(self.video_key):
            # Rendered by a delivery that died before answering: measure it, answer it.
            log.info("manim_render.found_rendered", key=self.video_key)
            sandbox = (await self.job.status()).sandbox or ""
            return await self.rendered(sandbox)
        narration = None
        if r.narration:
            narration = await self.job.narration.narrate(
                r.session_id, r.narration, r.voice, width=r.width, height=r.height
            )
        log.info("manim_render.started", job_id=str(r.job_id), scene=r.scene_number,
                 version=r.version)
        with tempfile.TemporaryDirectory(prefix="vg-manim-") as workdir:
            output = await render_scene(
                r.code, scene_class_of(r.scene_number), Path(workdir), width=r.width,
                height=r.height, fps=r.fps, max_duration_s=r.max_duration_s,
                limits=self.job.limits,
            )
            await self.store(output.video, output.duration_s, narration)
        return await self.rendered(output.sandbox)

    async def store(
        self, video: Path, video_s: float, narration: SceneNarration | None
    ) -> None:
        """The scene with its narration, under its keys: the SRT first, the video last."""
        blobs, r = self.job.blobs, self.request
        audio_s = narration.duration_s if narration else 0.0
        # The scene lasts until its narration ends (and at least its minimum: an edit that
        # keeps its timing), but never past its limit.
        duration = min(max(video_s, audio_s, r.min_duration_s), r.max_duration_s)
        target = blobs.scratch_path(".mp4")
        try:
            await run_ffmpeg(scene_mux_argv(
                video, narration.wavs if narration else [], target, video_s=video_s,
                duration_s=duration,
            ))
            if narration is not None:
                await blobs.put_bytes(self.srt_key, narration.srt.encode("utf-8"))
            await asyncio.to_thread(blobs.move_in, self.video_key, target)
        finally:
            target.unlink(missing_ok=True)

    async def rendered(self, sandbox: str) -> RecordSceneRender:
        blobs, r = self.job.blobs, self.request
        info = await probe_async(blobs.path_of(self.video_key))
        has_srt = await blobs.exists(self.srt_key)
        log.info("manim_render.rendered", key=self.video_key, duration=info.duration)
        return RecordSceneRender(
            **self.ids("record"), scene_number=r.scene_number, version=r.version,
            video_key=self.video_key, srt_key=self.srt_key if has_srt else None,
            code_key=self.code_key, duration_s=round(info.duration, 6),
            has_audio=info.audio is not None, sandbox=sandbox,
        )
