"""The Manim combine job: one CombineRequested of the SCRIPT stream, joined to its keys.

The request names the rendered version of each scene (its video and SRT keys); the job
joins them in one ffmpeg pass (SceneJoiner), stores the video and the merged subtitles at
`combined_blob_keys(session, job)`, and answers `manim_record_combine` on the script
service, whose session log is the whole story of the combine (contracts/script/manim.py).
A scene whose blob is missing is an answer naming it, never a combine without it.

Idempotent by construction. The inputs are immutable (a scene version's keys are never
rewritten) and the outputs are the job's own keys, each written to a scratch file and
moved in whole; so a redelivered job (a crash before its answer, a lost ack) simply joins
again (seconds of work) and overwrites its keys with the same content. Its answers carry
the job's command ids, and the session records one start and one outcome per job: a
repeat, or an answer for a job already finished or cancelled, changes nothing there. A job
whose start the session refuses (cancelled before it began) is let go without a combine.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import msgspec
import structlog
from videogen_bus.consumer import PoisonMessage
from videogen_bus.jobs import Delivery, QueueConfig
from videogen_bus.manim_answers import ManimJobAnswers
from videogen_bus.rpc import CommandSender, ServiceUnavailable
from videogen_contracts.envelope import RecordedEvent, event_type_name
from videogen_contracts.export.events import SERVICE
from videogen_contracts.script.events import SERVICE as SCRIPT
from videogen_contracts.script.manim import (
    CombinedScene,
    CombineRequested,
    RecordCombine,
    StartManimJob,
    combined_blob_keys,
)
from videogen_contracts.subjects import Namespace
from videogen_runtime.outages import hand_back

from export_service.app.ports import BlobStore, EncodeFailed, MissingInput

log = structlog.get_logger("export_service.manim_combine")

REQUESTED = event_type_name(CombineRequested)
_request_decoder = msgspec.json.Decoder(CombineRequested)


class ScenesMissing(Exception):
    """A scene's video or SRT is not in the blob store: the combine can never succeed."""


@dataclass(frozen=True, slots=True)
class SceneFiles:
    scene_number: int
    video: Path
    srt: str | None  # the scene's subtitles (SRT text), None when it has none


@dataclass(frozen=True, slots=True)
class JoinedVideo:
    duration_s: float
    srt: str | None  # the scenes' subtitles merged, None when no scene has a cue


class SceneJoiner(Protocol):
    async def join(self, scenes: list[SceneFiles], output: Path) -> JoinedVideo:
        """Join `scenes` in order into the mp4 `output` in one pass, and merge their SRTs.

        Raises EncodeFailed (naming the scene where it can) for what no retry can fix.
        """
        ...


def manim_combine_queue_config(ns: Namespace, *, ack_wait: float, max_attempts: int) -> QueueConfig:
    return QueueConfig(
        stream=ns.stream_name(SCRIPT), durable=ns.durable(SERVICE, "manim-combines"),
        filter_subject=ns.event_subject(SCRIPT, "*", REQUESTED), concurrency=1,
        ack_wait=ack_wait, max_attempts=max_attempts, idle_wait=1.0,
    )  # fmt: skip


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ManimCombineJob:
    """The queue's job runner: what one delivery of a combine request does."""

    sender: CommandSender
    blobs: BlobStore
    joiner: SceneJoiner
    clock: Callable[[], datetime] = utc_now

    async def __call__(self, recorded: RecordedEvent, delivery: Delivery) -> None:
        if recorded.type != REQUESTED:
            return  # the queue's filter lets only CombineRequested through; be safe anyway
        try:
            request = _request_decoder.decode(recorded.data)
        except msgspec.DecodeError as error:
            raise PoisonMessage(f"{recorded.type} {recorded.event_id}: {error}") from error
        await _Combine(self, request, recorded).run(delivery)


class _Combine:
    """One delivery of one combine job."""

    def __init__(self, job: ManimCombineJob, request: CombineRequested, event: RecordedEvent):
        self.job = job
        self.request = request
        answers = ManimJobAnswers(job.sender, "manim-combine", request, event, job.clock)
        self._ids, self._send = answers.ids, answers.send
        self.video_key, self.srt_key = combined_blob_keys(request.session_id, request.job_id)

    async def run(self, delivery: Delivery) -> None:
        job_id, attempt = str(self.request.job_id), delivery.attempt
        log.info("manim_combine.started", job_id=job_id, attempt=attempt,
                 scenes=[s.scene_number for s in self.request.scenes])  # fmt: skip
        if not await self._send("manim_start_job", StartManimJob(**self._ids("start"))):
            return
        try:
            answer = await self._combine()
        except (ScenesMissing, EncodeFailed) as error:
            answer = self._failed(str(error))
        except Exception as error:
            # Worker boundary: retried until the last delivery we allow, which answers
            # with the error so the task does not wait forever; an outage (the database,
            # NATS, the script service away) is retried however long it lasts.
            if hand_back(error, delivery) or isinstance(error, ServiceUnavailable):
                raise
            log.exception("manim_combine.gave_up", job_id=job_id, attempt=attempt)
            answer = self._failed(f"combine failed after {attempt} attempts: {error!r}")
        await self._send("manim_record_combine", answer)

    async def _combine(self) -> RecordCombine:
        scenes = await asyncio.to_thread(self._scene_files)
        blobs = self.job.blobs
        scratch = await asyncio.to_thread(blobs.scratch_path, ".mp4")
        try:
            joined = await self.job.joiner.join(scenes, scratch)
            srt_key = None
            if joined.srt is not None:
                srt_key = self.srt_key
                await asyncio.to_thread(self._publish_text, joined.srt, srt_key)
            await asyncio.to_thread(blobs.publish, scratch, self.video_key)
        finally:
            scratch.unlink(missing_ok=True)
        log.info("manim_combine.combined", job_id=str(self.request.job_id),
                 duration_s=joined.duration_s, key=self.video_key)  # fmt: skip
        return RecordCombine(
            **self._ids("record"), output_key=self.video_key, srt_key=srt_key,
            duration_s=joined.duration_s,
        )  # fmt: skip

    def _scene_files(self) -> list[SceneFiles]:
        """Each scene's video as a file and its SRT's text; ScenesMissing names every scene
        whose blob is gone (blocking: run in a thread)."""
        files, missing = [], []
        for scene in self.request.scenes:
            try:
                video = self.job.blobs.local_path(scene.video_key)
                srt = self._text(scene.srt_key) if scene.srt_key is not None else None
            except MissingInput as error:
                missing.append(f"{_scene_name(scene)}: {error}")
                continue
            files.append(SceneFiles(scene.scene_number, video, srt))
        if missing:
            raise ScenesMissing("; ".join(missing))
        if not files:
            raise EncodeFailed("the combine names no scene")
        return files

    def _text(self, key: str) -> str:
        return self.job.blobs.local_path(key).read_text(encoding="utf-8", errors="replace")

    def _publish_text(self, text: str, key: str) -> None:
        scratch = self.job.blobs.scratch_path(".srt")
        try:
            scratch.write_text(text, encoding="utf-8")
            self.job.blobs.publish(scratch, key)
        finally:
            scratch.unlink(missing_ok=True)

    def _failed(self, error: str) -> RecordCombine:
        log.warning("manim_combine.failed", job_id=str(self.request.job_id), error=error)
        return RecordCombine(**self._ids("record"), error=error)


def _scene_name(scene: CombinedScene) -> str:
    return f"scene {scene.scene_number} (version {scene.version})"
