"""The MediaPreparation aggregate as a pure decider: `decide(command, state)`, `evolve`.

One preparation per production. Its steps happen in a fixed order — every sentence
narrated, then captions, then visuals — and each is recorded once: a step repeated by a
resumed worker decides nothing (an empty list), which is what makes a job that was killed
half-way and redelivered complete exactly once. After a failure, or once the visuals are
chosen, the preparation is closed and later steps change nothing.

A second request for the same production (its retry) resumes the preparation where it
stopped: after a failure, at the step that failed; after a job that was abandoned (the
production was cancelled), at the step it was in. What is recorded stays, so sentences
already narrated are not spoken again. A preparation that is done has nothing to resume.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal, assert_never
from uuid import UUID

import msgspec
from videogen_contracts.errors import Conflict, Invalid, NotFound
from videogen_contracts.media.commands import PrepareMedia
from videogen_contracts.media.events import (
    CaptionsCompleted,
    MediaEvent,
    MediaPreparationFailed,
    MediaPreparationRequested,
    MediaPreparationResumed,
    NarratedSentence,
    NarrationCompleted,
    Presentation,
    SentenceNarrated,
    VisualsChosen,
)

from media_service.domain.commands import (
    ChooseVisuals,
    CompleteCaptions,
    CompleteNarration,
    FailPreparation,
    MediaCommand,
    RecordNarration,
)
from media_service.domain.rules import check_request, check_segments, check_visuals

Stage = Literal["none", "narrating", "captioning", "choosing_visuals", "done", "failed"]
# The stage a failure in each step leaves to resume.
RESUMES_AT: dict[str, Stage] = {
    "narration": "narrating", "captions": "captioning", "visuals": "choosing_visuals"
}

_EMPTY: Mapping[UUID, NarratedSentence] = MappingProxyType({})
_NO_EVENTS: Mapping[UUID, SentenceNarrated] = MappingProxyType({})
_DEFAULT_PRESENTATION = Presentation()


@dataclass(frozen=True, slots=True)
class Preparation:
    stage: Stage = "none"
    project_id: UUID | None = None
    # Script order; what NarrationCompleted lists and what the visuals must cover.
    sentence_ids: tuple[UUID, ...] = ()
    narrated: Mapping[UUID, NarratedSentence] = field(default_factory=lambda: _EMPTY)
    # The same sentences' events as recorded: their language, voice and word timings
    # (what a resumed job's captions and quality report need).
    spoken: Mapping[UUID, SentenceNarrated] = field(default_factory=lambda: _NO_EVENTS)
    # Where a failed preparation resumes; which attempt this is (1, then 2 after a retry).
    resume_at: Stage = "narrating"
    attempt: int = 1

    @property
    def closed(self) -> bool:
        return self.stage in ("done", "failed")


INITIAL = Preparation()


def evolve(state: Preparation, event: MediaEvent) -> Preparation:
    match event:
        case MediaPreparationRequested():
            ids = tuple(s.sentence_id for s in event.sentences)
            return replace(state, stage="narrating", project_id=event.project_id, sentence_ids=ids)
        case SentenceNarrated():
            item = NarratedSentence(
                sentence_id=event.sentence_id, key=event.key, duration_s=event.duration_s
            )
            narrated = MappingProxyType({**state.narrated, event.sentence_id: item})
            spoken = MappingProxyType({**state.spoken, event.sentence_id: event})
            return replace(state, narrated=narrated, spoken=spoken)
        case NarrationCompleted():
            return replace(state, stage="captioning")
        case CaptionsCompleted():
            return replace(state, stage="choosing_visuals")
        case VisualsChosen():
            return replace(state, stage="done")
        case MediaPreparationFailed():
            return replace(state, stage="failed", resume_at=RESUMES_AT[event.stage])
        case MediaPreparationResumed():
            stage = state.resume_at if state.stage == "failed" else state.stage
            return replace(state, stage=stage, attempt=event.attempt)
        case _:
            assert_never(event)


def fold(events: Iterable[MediaEvent], state: Preparation = INITIAL) -> Preparation:
    for event in events:
        state = evolve(state, event)
    return state


def decide(command: MediaCommand, state: Preparation) -> list[MediaEvent]:
    """The events a command produces; raises NotFound / Conflict / Invalid instead."""
    match command:
        case PrepareMedia():
            return _prepare(command, state)
        case RecordNarration():
            return _record_narration(command, state)
        case CompleteNarration():
            return _complete_narration(command, state)
        case CompleteCaptions():
            return _complete_captions(command, state)
        case ChooseVisuals():
            return _choose_visuals(command, state)
        case FailPreparation():
            return _fail(command, state)
        case _:
            assert_never(command)


def _prepare(command: PrepareMedia, state: Preparation) -> list[MediaEvent]:
    if state.stage != "none":
        return _resume(command, state)
    check_request(command)
    return [
        MediaPreparationRequested(
            production_id=command.production_id, project_id=command.project_id,
            sentences=command.sentences, voice=command.voice, render=command.render,
            language=command.language, requested_at=command.now,
            # Left out at its default, so a request without one encodes as it always did.
            presentation=(
                msgspec.UNSET if command.presentation == _DEFAULT_PRESENTATION
                else command.presentation
            ),
        )
    ]


def _resume(command: PrepareMedia, state: Preparation) -> list[MediaEvent]:
    if tuple(s.sentence_id for s in command.sentences) != state.sentence_ids:
        raise Conflict(
            f"media preparation for production {command.production_id} exists"
            " with other sentences"
        )
    if state.stage == "done":
        return []
    return [
        MediaPreparationResumed(
            production_id=command.production_id,
            project_id=_project_of(command.production_id, state), attempt=state.attempt + 1,
            resumed_at=command.now,
        )
    ]


def _project_of(production_id: UUID, state: Preparation) -> UUID:
    if state.project_id is None:
        raise NotFound(f"no media preparation for production {production_id}")
    return state.project_id


def _record_narration(command: RecordNarration, state: Preparation) -> list[MediaEvent]:
    project_id = _project_of(command.production_id, state)
    if command.sentence_id not in state.sentence_ids:
        raise Invalid("sentence_id", f"sentence {command.sentence_id} is not in this request")
    # Already narrated, or past narration (closed included): a resumed worker's repeat.
    if command.sentence_id in state.narrated or state.stage != "narrating":
        return []
    if not command.duration_s > 0:
        raise Invalid("duration_s", f"narration must last a positive time: {command.duration_s}")
    return [
        SentenceNarrated(
            production_id=command.production_id, project_id=project_id,
            sentence_id=command.sentence_id, key=command.key, duration_s=command.duration_s,
            synthesizer=command.synthesizer, reused=command.reused, narrated_at=command.now,
            language=command.language, words_key=command.words_key, timing=command.timing,
            unvoiced=command.unvoiced,
        )
    ]


def _complete_narration(command: CompleteNarration, state: Preparation) -> list[MediaEvent]:
    project_id = _project_of(command.production_id, state)
    if state.stage != "narrating":
        return []
    missing = [s for s in state.sentence_ids if s not in state.narrated]
    if missing:
        raise Conflict(f"{len(missing)} sentence(s) not narrated yet, first {missing[0]}")
    items = [state.narrated[s] for s in state.sentence_ids]
    pauses = [0.0] * len(items)
    if command.pauses:
        if len(command.pauses) != len(items) or any(not 0 <= p <= 10 for p in command.pauses):
            raise Invalid("pauses", "one pause (0 to 10 s) per sentence, in script order")
        pauses = [round(p, 6) for p in command.pauses]
        items = [replace_struct(i, pause_s=p) for i, p in zip(items, pauses, strict=True)]
    # The timeline's length: every narration and the silence after it.
    total = sum(i.duration_s for i in items) + sum(pauses)
    return [
        NarrationCompleted(
            production_id=command.production_id, project_id=project_id, items=items,
            total_duration_s=round(total, 6), completed_at=command.now,
        )
    ]


def replace_struct(item: NarratedSentence, *, pause_s: float) -> NarratedSentence:
    return msgspec.structs.replace(item, pause_s=pause_s)


def _complete_captions(command: CompleteCaptions, state: Preparation) -> list[MediaEvent]:
    project_id = _project_of(command.production_id, state)
    if state.closed or state.stage == "choosing_visuals":
        return []
    if state.stage != "captioning":
        raise Conflict("captions come after the narration is complete")
    return [
        CaptionsCompleted(
            production_id=command.production_id, project_id=project_id, ass_key=command.ass_key,
            srt_key=command.srt_key, cues=command.cues, completed_at=command.now,
            vtt_key=command.vtt_key if command.vtt_key is not None else msgspec.UNSET,
        )
    ]


def _choose_visuals(command: ChooseVisuals, state: Preparation) -> list[MediaEvent]:
    project_id = _project_of(command.production_id, state)
    if state.closed:
        return []
    if state.stage != "choosing_visuals":
        raise Conflict("visuals are chosen after the captions are complete")
    check_visuals(command.visuals, state.sentence_ids)
    check_segments(command.segments, len(state.sentence_ids))
    return [
        VisualsChosen(
            production_id=command.production_id, project_id=project_id, visuals=command.visuals,
            chosen_at=command.now,
            segments=command.segments or msgspec.UNSET,
            report_key=command.report_key if command.report_key is not None else msgspec.UNSET,
        )
    ]


def _fail(command: FailPreparation, state: Preparation) -> list[MediaEvent]:
    project_id = _project_of(command.production_id, state)
    if state.closed:
        return []
    return [
        MediaPreparationFailed(
            production_id=command.production_id, project_id=project_id, stage=command.stage,
            reason=command.reason, failed_at=command.now,
        )
    ]
