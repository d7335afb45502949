"""The media preparation job: narration → captions → visuals, for one production.

Run by the `JobQueue` for each `MediaPreparationRequested`. Every step starts from the
stored state, so a job redelivered after a kill -9 resumes instead of starting over:
- a sentence whose event is stored is skipped; one whose WAV blob exists (the worker died
  between storing the audio and recording it) is measured and recorded, not re-spoken;
- narrations are keyed by content (workers/narration_cache.py), so that same check reuses
  the audio of an earlier production of the project: a re-render after an edit speaks
  only the changed sentences, and says so (`SentenceNarrated.reused`);
- each step's events have deterministic ids (see app/handlers.py), so a step repeated by
  a resumed job, or by a twin still alive after a redelivery, is stored once.
The job returns only after its last event is stored; the queue acks the message then.
"""

from __future__ import annotations

import asyncio
import itertools
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypedDict
from uuid import UUID

import structlog
from videogen_bus.jobs import Delivery
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.media.events import (
    MediaPreparationRequested,
    MediaPreparationResumed,
    PreparationStage,
    SentenceText,
)
from videogen_runtime.outages import is_outage

from media_service.app.handlers import PreparationHandler, decode_media_event
from media_service.domain.commands import (
    ChooseVisuals,
    CompleteCaptions,
    CompleteNarration,
    FailPreparation,
    MediaCommand,
    RecordNarration,
)
from media_service.domain.preparation import Preparation
from media_service.workers.keys import captions_keys, narration_key
from media_service.workers.narration_cache import KeyedLocks, narration_digest
from media_service.workers.ports import (
    AudioProbe,
    Blobs,
    Captioner,
    Narrator,
    StageFailed,
    TimedSentence,
    VisualChooser,
)

log = structlog.get_logger("media_service.preparation")


class _Ids(TypedDict):
    production_id: UUID
    project_id: UUID
    now: datetime


@dataclass(frozen=True, slots=True)
class Toolkit:
    """What a job works with; built once per process by the bootstrap."""

    narrator: Narrator
    probe: AudioProbe
    blobs: Blobs
    captioner: Captioner
    visuals: VisualChooser
    clock: Callable[[], datetime]


class PreparationJob:
    def __init__(self, handler: PreparationHandler, tools: Toolkit) -> None:
        self._handler = handler
        self._tools = tools
        # Shared by every job of this process: one synthesis per narration key at a time.
        self._narrations = KeyedLocks()

    async def __call__(self, event: RecordedEvent, delivery: Delivery) -> None:
        trigger = decode_media_event(event)
        request: MediaPreparationRequested | None = None
        if isinstance(trigger, MediaPreparationRequested):
            request = trigger
        elif isinstance(trigger, MediaPreparationResumed):
            request = await self._handler.request_of(trigger.production_id)
        if request is None:
            return  # the consumer's filter lets only these through; be safe anyway
        run = _Run(self._handler, self._tools, request, event, self._narrations)
        state = await self._handler.load(request.production_id)
        run.attempt = state.attempt
        try:
            await run.resume(state)
        except StageFailed as failure:
            await run.fail(failure.reason)
        except Exception as error:
            # Not the work's fault as far as we know (the database, NATS, a full disk):
            # retry through the queue, unless this was the last delivery we allow.
            # An outage (videogen_runtime.outages) is retried however long it lasts.
            if not delivery.last or is_outage(error):
                raise
            log.exception("preparation.gave_up", attempt=delivery.attempt)
            await run.fail(f"gave up after {delivery.attempt} attempts: {error!r}")


class _Run:
    """One delivery of one job: the request, and which stage it is in."""

    def __init__(
        self, handler: PreparationHandler, tools: Toolkit, request: MediaPreparationRequested,
        event: RecordedEvent, narrations: KeyedLocks,
    ) -> None:
        self.handler = handler
        self.tools = tools
        self.request = request
        self.narrations = narrations
        self.correlation_id = event.metadata.correlation_id
        self.causation_id = str(event.event_id)
        self.stage: PreparationStage = "narration"
        self.attempt = 1

    async def resume(self, state: Preparation) -> None:
        if state.closed:
            return
        if state.stage == "narrating":
            await self.narrate(state)
            state = await self.handler.load(self.request.production_id)
        if state.stage == "captioning":
            self.stage = "captions"
            await self.caption(state)
        if state.stage in ("captioning", "choosing_visuals"):
            self.stage = "visuals"
            await self.choose_visuals()

    async def send(self, command: MediaCommand) -> None:
        await self.handler.handle(
            command, correlation_id=self.correlation_id, causation_id=self.causation_id
        )

    def ids(self) -> _Ids:
        """What every worker command carries: the production, its project, the time."""
        request = self.request
        return _Ids(
            production_id=request.production_id, project_id=request.project_id,
            now=self.tools.clock(),
        )

    async def fail(self, reason: str) -> None:
        log.warning("preparation.failed", stage=self.stage, reason=reason)
        await self.send(
            FailPreparation(**self.ids(), stage=self.stage, reason=reason, attempt=self.attempt)
        )

    # --- narration ------------------------------------------------------------------------

    async def narrate(self, state: Preparation) -> None:
        self.stage = "narration"
        pending = [s for s in self.request.sentences if s.sentence_id not in state.narrated]
        # A TaskGroup: the first sentence that fails cancels its siblings. The narrator
        # bounds how many actually run at once (one per core, across all jobs).
        try:
            async with asyncio.TaskGroup() as group:
                for sentence in pending:
                    group.create_task(self.narrate_one(sentence))
        except ExceptionGroup as failures:
            # The first failure speaks for the step (StageFailed, or an infrastructure
            # error to retry); the siblings it cancelled have nothing to add.
            raise failures.exceptions[0] from None
        await self.send(CompleteNarration(**self.ids()))

    async def narrate_one(self, sentence: SentenceText) -> None:
        request, blobs = self.request, self.tools.blobs
        speaker = self.tools.narrator.speaker(request.voice, request.language)
        if speaker is None:  # H8b: such a sentence gets tts.unvoiced (silence), reported
            raise StageFailed(f"no installed voice speaks {request.language!r}")
        digest = narration_digest(sentence.text, request.voice, request.language, speaker)
        key = narration_key(request.project_id, digest)
        async with self.narrations.hold(key):
            # An existing blob is whole (puts are atomic): an earlier production of this
            # project spoke this text with this voice, or an earlier line of this script
            # did, or this job did before it was killed. Reuse it.
            reused = await blobs.exists(key)
            if not reused:
                await self.synthesize(sentence.text, key)
        duration = await self.tools.probe.duration_s(blobs.path_of(key))
        await self.send(
            RecordNarration(
                **self.ids(), sentence_id=sentence.sentence_id, key=key,
                duration_s=round(duration, 6), synthesizer=speaker, reused=reused,
            )
        )

    async def synthesize(self, text: str, key: str) -> None:
        with tempfile.TemporaryDirectory(prefix="vg-narration-") as tmp:
            out = Path(tmp) / "sentence.wav"
            await self.tools.narrator.narrate(text, self.request.voice, self.request.language, out)
            # Audio already made is kept even if the job is cancelled now (a sibling failed,
            # the production was cancelled): storing it takes milliseconds, and a retry then
            # finds it instead of speaking the sentence again. Only then may the temporary
            # directory go.
            stored = asyncio.ensure_future(self.tools.blobs.put_file(key, out))
            try:
                await asyncio.shield(stored)
            except asyncio.CancelledError:
                await stored
                raise

    # --- captions and visuals -------------------------------------------------------------

    async def caption(self, state: Preparation) -> None:
        timed = timeline(self.request.sentences, state)
        files = await asyncio.to_thread(
            self.tools.captioner.build, timed, self.request.render, self.request.language
        )
        ass_key, srt_key = captions_keys(self.request.production_id)
        await self.tools.blobs.put_bytes(ass_key, files.ass.encode("utf-8"))
        await self.tools.blobs.put_bytes(srt_key, files.srt.encode("utf-8"))
        await self.send(
            CompleteCaptions(**self.ids(), ass_key=ass_key, srt_key=srt_key, cues=files.cues)
        )

    async def choose_visuals(self) -> None:
        visuals = await self.tools.visuals.choose(
            self.request.project_id, self.request.sentences, self.request.render
        )
        await self.send(ChooseVisuals(**self.ids(), visuals=visuals))


def timeline(sentences: list[SentenceText], state: Preparation) -> list[TimedSentence]:
    """Each sentence's window: the narrations laid end to end, in script order.

    The renderer lays the clips out the same way (the pause is inside each clip), so a
    caption timed here falls inside its sentence's audio in the final video.
    """
    durations = [state.narrated[s.sentence_id].duration_s for s in sentences]
    starts = [0.0, *itertools.accumulate(durations)]
    return [
        TimedSentence(sentence_id=s.sentence_id, text=s.text, start_s=start, end_s=end)
        for s, start, end in zip(sentences, starts, starts[1:], strict=False)
    ]

