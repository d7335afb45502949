"""The media preparation job: narration → captions → visuals, for one production.

Run by the `JobQueue` for each `MediaPreparationRequested`. With a `Pictures` port in the
toolkit (the service's own), the job is a pipeline (workers/picture.py): the scenes are
designed up front, the sentences narrated concurrently as before, and each planned
segment of the picture is encoded, captions burnt in, as soon as its prefix of the script
is narrated, while the rest is still spoken. After the narration come the whole-timeline
captions (.ass, .srt, and .vtt with word timings), then the visuals are recorded with the
segments and the media half of the quality report. Without it (unit tests' fakes), the
visuals are chosen after the captions and the export renders everything in one pass.

Every step starts from the stored state, so a job redelivered after a kill -9 resumes
instead of starting over:
- a sentence whose event is stored is skipped; one whose WAV blob exists (the worker died
  between storing the audio and recording it) is measured and recorded, not re-spoken;
- narrations are keyed by content (workers/narration_cache.py), so that same check reuses
  the audio of an earlier production of the project: a re-render after an edit speaks
  only the changed sentences, and says so (`SentenceNarrated.reused`);
- each step's events have deterministic ids (see app/handlers.py), so a step repeated by
  a resumed job, or by a twin still alive after a redelivery, is stored once;
- picture segments and scene stills are keyed by their content (workers/picture.py): a
  resumed job re-designs the scenes (deterministic) and encodes only what is not stored.
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

import msgspec
import structlog
from videogen_bus.jobs import Delivery
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.media.events import (
    ChosenVisual,
    MediaPreparationRequested,
    MediaPreparationResumed,
    PictureSegment,
    PreparationStage,
    SentenceText,
)
from videogen_media.quality import encode_report
from videogen_providers.tts.language import sentence_language
from videogen_providers.tts.unvoiced import write_unvoiced
from videogen_runtime.outages import hand_back
from videogen_text.words import SentenceWords, WordTiming, decode_words, encode_words

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
from media_service.workers.keys import (
    captions_keys,
    captions_vtt_key,
    media_report_key,
    narration_key,
    words_key,
)
from media_service.workers.narration_cache import KeyedLocks, narration_digest
from media_service.workers.picture import Narrated, PicturePipeline, presentation_of
from media_service.workers.picture_ports import CaptionSet, Pictures
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
    # Scene design, word captions and segment encodes: the pipelined preparation. None
    # keeps the older one (captions by sentence, visuals chosen, the export encodes).
    pictures: Pictures | None = None


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
            if hand_back(error, delivery):
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
        self.picture: PicturePipeline | None = None

    async def resume(self, state: Preparation) -> None:
        if state.closed:
            return
        if self.tools.pictures is None:
            await self.resume_one_pass(state)
            return
        with tempfile.TemporaryDirectory(prefix="vg-picture-") as scratch:
            self.picture = PicturePipeline(
                self.tools.pictures, self.tools.blobs, self.request, Path(scratch)
            )
            try:
                await self.pipelined(state, self.picture)
            except ExceptionGroup as failures:
                # The first failure speaks for the job (StageFailed, or an infrastructure
                # error to retry); the tasks it cancelled have nothing to add.
                raise _first(failures) from None

    async def resume_one_pass(self, state: Preparation) -> None:
        if state.stage == "narrating":
            await self.narrate(state)
            state = await self.handler.load(self.request.production_id)
        if state.stage == "captioning":
            self.stage = "captions"
            await self.caption(state)
        if state.stage in ("captioning", "choosing_visuals"):
            self.stage = "visuals"
            await self.choose_visuals()

    async def pipelined(self, state: Preparation, picture: PicturePipeline) -> None:
        """Narration and picture side by side; captions, then the visuals, at the end.

        One TaskGroup: a failed narration cancels the encodes (and the other way round),
        and the job fails or retries as one. Narrations already recorded (a resumed job)
        feed the picture at once, from their stored audio and word timings.
        """
        await self.feed_recorded(state, picture)
        async with asyncio.TaskGroup() as group:
            encoded = group.create_task(self.encode_picture(picture))
            if state.stage == "narrating":
                await self.narrate(state)
                state = await self.handler.load(self.request.production_id)
            picture.narration_done()
            if state.stage == "captioning":
                self.stage = "captions"
                await self.caption_words(picture)
            segments = await encoded
        state = await self.handler.load(self.request.production_id)
        if state.stage in ("captioning", "choosing_visuals"):
            self.stage = "visuals"
            await self.record_picture(picture, segments)

    async def encode_picture(self, picture: PicturePipeline) -> list[PictureSegment]:
        # Stock clips (Pexels, when configured) are searched first: a scene shows one as
        # its background. The offline chooser answers at once (its picks are not used).
        stock = await self.tools.visuals.choose(
            self.request.project_id, self.request.sentences, self.request.render
        )
        return await picture.run(stock)

    async def feed_recorded(self, state: Preparation, picture: PicturePipeline) -> None:
        for index, sentence in enumerate(self.request.sentences):
            event = state.spoken.get(sentence.sentence_id)
            narrated = state.narrated.get(sentence.sentence_id)
            if event is None or narrated is None:
                continue
            words = await self.stored_words(
                narrated.key, sentence.text, event.language or self.request.language
            )
            if words is None:  # only without a Pictures port, which has no pipeline
                continue
            picture.narrated(index, Narrated(
                duration_s=narrated.duration_s, words=words,
                language=event.language or words.language or self.request.language,
                voice=event.synthesizer, unvoiced=event.unvoiced,
            ))

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
        pending = [
            (i, s) for i, s in enumerate(self.request.sentences)
            if s.sentence_id not in state.narrated
        ]
        # A TaskGroup: the first sentence that fails cancels its siblings. The narrator
        # bounds how many actually run at once (one per core, across all jobs).
        try:
            async with asyncio.TaskGroup() as group:
                for index, sentence in pending:
                    group.create_task(self.narrate_one(index, sentence))
        except ExceptionGroup as failures:
            # The first failure speaks for the step (StageFailed, or an infrastructure
            # error to retry); the siblings it cancelled have nothing to add.
            raise _first(failures) from None
        pauses = self.picture.pauses if self.picture is not None else []
        await self.send(CompleteNarration(**self.ids(), pauses=pauses))

    async def narrate_one(self, index: int, sentence: SentenceText) -> None:
        request, blobs = self.request, self.tools.blobs
        # Each sentence in its own language: a Japanese line in a mostly English text
        # gets a voice that reads Japanese, or none (silence of its reading time,
        # reported), never the English voice spelling it out.
        language = sentence_language(sentence.text, request.language)
        speaker = self.tools.narrator.speaker(request.voice, language)
        synthesizer = speaker if speaker is not None else "none"
        digest = narration_digest(sentence.text, request.voice, language, synthesizer)
        key = narration_key(request.project_id, digest)
        async with self.narrations.hold(key):
            # An existing blob is whole (puts are atomic): an earlier production of this
            # project spoke this text with this voice, or an earlier line of this script
            # did, or this job did before it was killed. Reuse it.
            reused = await blobs.exists(key)
            if reused:
                words = await self.stored_words(key, sentence.text, language)
            else:
                words = await self.synthesize(sentence.text, key, language, speaker)
        duration = round(await self.tools.probe.duration_s(blobs.path_of(key)), 6)
        await self.send(
            RecordNarration(
                **self.ids(), sentence_id=sentence.sentence_id, key=key,
                duration_s=duration, synthesizer=synthesizer, reused=reused,
                language=language, words_key=words_key(key) if words else None,
                timing=words.source if words else "", unvoiced=speaker is None,
            )
        )
        if self.picture is not None and words is not None:
            self.picture.narrated(index, Narrated(
                duration_s=duration, words=words, language=language, voice=synthesizer,
                unvoiced=speaker is None,
            ))

    async def synthesize(
        self, text: str, key: str, language: str, speaker: str | None
    ) -> SentenceWords | None:
        with tempfile.TemporaryDirectory(prefix="vg-narration-") as tmp:
            out = Path(tmp) / "sentence.wav"
            if speaker is None:
                words: SentenceWords | None = await asyncio.to_thread(
                    write_unvoiced, text, language, out
                )
            else:
                spoken = await self.tools.narrator.narrate(
                    text, self.request.voice, language, out
                )
                words = spoken if isinstance(spoken, SentenceWords) else None
                if words is None and self.tools.pictures is not None:
                    # A narrator that gives no timings of its own: measure them.
                    words = await asyncio.to_thread(
                        self.tools.pictures.words_of, out, text, language
                    )
            # Audio already made is kept even if the job is cancelled now (a sibling failed,
            # the production was cancelled): storing it takes milliseconds, and a retry then
            # finds it instead of speaking the sentence again. Only then may the temporary
            # directory go. The word timings first: a stored WAV means its words are too.
            stored = asyncio.ensure_future(self.store_narration(key, out, words))
            try:
                await asyncio.shield(stored)
            except asyncio.CancelledError:
                await stored
                raise
            return words

    async def store_narration(self, key: str, wav: Path, words: SentenceWords | None) -> None:
        if words is not None:
            await self.tools.blobs.put_bytes(words_key(key), encode_words(plain_floats(words)))
        await self.tools.blobs.put_file(key, wav)

    async def stored_words(self, key: str, text: str, language: str) -> SentenceWords | None:
        """The word timings stored beside a narration; measured on its audio when an older
        narration has none (and stored, so the next reuse finds them)."""
        if self.tools.pictures is None:
            return None
        blobs, sidecar = self.tools.blobs, words_key(key)
        if await blobs.exists(sidecar):
            raw = await asyncio.to_thread(blobs.path_of(sidecar).read_bytes)
            return decode_words(raw)
        words = await asyncio.to_thread(
            self.tools.pictures.words_of, blobs.path_of(key), text, language
        )
        await blobs.put_bytes(sidecar, encode_words(words))
        return words

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

    async def caption_words(self, picture: PicturePipeline) -> CaptionSet:
        """The whole timeline's captions, word-timed: the .ass for reference (the picture
        has them burnt in), the .srt and the .vtt for download."""
        files = await self.whole_captions(picture)
        production = self.request.production_id
        ass_key, srt_key = captions_keys(production)
        vtt_key = captions_vtt_key(production)
        blobs = self.tools.blobs
        await blobs.put_bytes(ass_key, files.ass.encode("utf-8"))
        await blobs.put_bytes(srt_key, files.srt.encode("utf-8"))
        await blobs.put_bytes(vtt_key, files.vtt.encode("utf-8"))
        await self.send(
            CompleteCaptions(
                **self.ids(), ass_key=ass_key, srt_key=srt_key, cues=files.cues, vtt_key=vtt_key
            )
        )
        return files

    async def whole_captions(self, picture: PicturePipeline) -> CaptionSet:
        pictures = self.tools.pictures
        assert pictures is not None  # only the pipelined path gets here
        presentation = presentation_of(self.request)
        return await asyncio.to_thread(
            pictures.captions, picture.spoken(len(self.request.sentences)),
            self.request.render, presentation.captions, presentation.style,
        )

    async def record_picture(
        self, picture: PicturePipeline, segments: list[PictureSegment]
    ) -> None:
        # The captions' checks, for the report (rebuilt: a resumed job may have recorded
        # the captions in an earlier delivery; building them is milliseconds).
        files = await self.whole_captions(picture)
        report_key = media_report_key(self.request.production_id)
        await self.tools.blobs.put_bytes(report_key, encode_report(picture.report(files)))
        await self.send(
            ChooseVisuals(
                **self.ids(), visuals=picture.visuals(), segments=segments,
                report_key=report_key,
            )
        )

    async def choose_visuals(self) -> None:
        visuals: list[ChosenVisual] = await self.tools.visuals.choose(
            self.request.project_id, self.request.sentences, self.request.render
        )
        await self.send(ChooseVisuals(**self.ids(), visuals=visuals))


def plain_floats(words: SentenceWords) -> SentenceWords:
    """The timings as Python floats: an engine or aligner may hand back numpy scalars,
    which the JSON sidecar cannot hold."""
    timed = [WordTiming(w.word, float(w.start), float(w.end)) for w in words.words]
    return msgspec.structs.replace(words, words=timed)


def _first(failures: BaseExceptionGroup[BaseException]) -> BaseException:
    """The first failure that is not itself a group (TaskGroups nest)."""
    first = failures.exceptions[0]
    while isinstance(first, BaseExceptionGroup):
        first = first.exceptions[0]
    return first


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

