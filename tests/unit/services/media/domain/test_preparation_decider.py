"""The MediaPreparation decider, given/when/then: past events, one command, what it decides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

import msgspec
import pytest
from media_service.domain.commands import (
    ChooseVisuals,
    CompleteCaptions,
    CompleteNarration,
    FailPreparation,
    MediaCommand,
    RecordNarration,
)
from media_service.domain.preparation import decide, fold
from videogen_contracts.errors import Conflict, DomainError, Invalid, NotFound
from videogen_contracts.media.commands import PrepareMedia
from videogen_contracts.media.events import (
    CaptionCue,
    CaptionsCompleted,
    ChosenVisual,
    FrameSettings,
    MediaEvent,
    MediaPreparationFailed,
    MediaPreparationRequested,
    NarratedSentence,
    NarrationCompleted,
    PictureSegment,
    PreparationStage,
    Presentation,
    ProceduralSpec,
    SentenceNarrated,
    SentenceText,
    VisualsChosen,
    VoiceSettings,
)

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
PROD = UUID("00000000-0000-4000-8000-00000000000a")
PROJ = UUID("00000000-0000-4000-8000-00000000000b")
S1 = UUID("00000000-0000-4000-8000-000000000001")
S2 = UUID("00000000-0000-4000-8000-000000000002")
SENTENCES = [SentenceText(sentence_id=S1, text="One."), SentenceText(sentence_id=S2, text="Two.")]


@dataclass(frozen=True)
class When:
    history: tuple[MediaEvent, ...]
    command: MediaCommand

    def then(self, *expected: MediaEvent) -> None:
        assert decide(self.command, fold(self.history)) == list(expected)

    def raises(self, error: type[DomainError], field: str | None = None) -> None:
        with pytest.raises(error) as caught:
            decide(self.command, fold(self.history))
        assert caught.value.field == field


@dataclass(frozen=True)
class Given:
    history: tuple[MediaEvent, ...]

    def when(self, command: MediaCommand) -> When:
        return When(self.history, command)


def given(*history: MediaEvent) -> Given:
    return Given(history)


def prepare(**overrides: object) -> PrepareMedia:
    fields: dict[str, object] = {
        "command_id": "c1", "now": NOW, "production_id": PROD, "project_id": PROJ,
        "sentences": SENTENCES,
    }
    return PrepareMedia(**(fields | overrides))  # type: ignore[arg-type]


REQUESTED = MediaPreparationRequested(
    production_id=PROD, project_id=PROJ, sentences=SENTENCES, voice=VoiceSettings(),
    render=FrameSettings(), language="en", requested_at=NOW,
)


def narrated(sentence_id: UUID, duration: float = 1.5) -> SentenceNarrated:
    return SentenceNarrated(
        production_id=PROD, project_id=PROJ, sentence_id=sentence_id,
        key=f"narration/{PROD}/{sentence_id}.wav", duration_s=duration, synthesizer="piper",
        narrated_at=NOW,
    )


def record(sentence_id: UUID, duration: float = 1.5) -> RecordNarration:
    return RecordNarration(
        production_id=PROD, project_id=PROJ, now=NOW, sentence_id=sentence_id,
        key=f"narration/{PROD}/{sentence_id}.wav", duration_s=duration, synthesizer="piper",
    )


def complete_narration() -> CompleteNarration:
    return CompleteNarration(production_id=PROD, project_id=PROJ, now=NOW)


def fail(*, stage: PreparationStage, reason: str) -> FailPreparation:
    return FailPreparation(production_id=PROD, project_id=PROJ, now=NOW, stage=stage, reason=reason)


def choose(*, visuals: list[ChosenVisual]) -> ChooseVisuals:
    return ChooseVisuals(production_id=PROD, project_id=PROJ, now=NOW, visuals=visuals)


ITEMS = [
    NarratedSentence(sentence_id=S1, key=f"narration/{PROD}/{S1}.wav", duration_s=1.5),
    NarratedSentence(sentence_id=S2, key=f"narration/{PROD}/{S2}.wav", duration_s=2.0),
]
NARRATION_DONE = NarrationCompleted(
    production_id=PROD, project_id=PROJ, items=ITEMS, total_duration_s=3.5, completed_at=NOW
)
CUES = [
    CaptionCue(sentence_id=S1, start_s=0.0, end_s=1.5, text="One."),
    CaptionCue(sentence_id=S2, start_s=1.5, end_s=3.5, text="Two."),
]
CAPTIONS = CompleteCaptions(
    production_id=PROD, project_id=PROJ, now=NOW, ass_key=f"captions/{PROD}.ass",
    srt_key=f"captions/{PROD}.srt", cues=CUES,
)
CAPTIONS_DONE = CaptionsCompleted(
    production_id=PROD, project_id=PROJ, ass_key=CAPTIONS.ass_key, srt_key=CAPTIONS.srt_key,
    cues=CUES, completed_at=NOW,
)
SPEC = ProceduralSpec(style="gradient", palette=["#000000", "#ffffff"], seed=1)
VISUALS = [
    ChosenVisual(sentence_id=S1, keywords=["one"], kind="procedural", spec=SPEC),
    ChosenVisual(sentence_id=S2, keywords=["two"], kind="procedural", spec=SPEC),
]
VISUALS_DONE = VisualsChosen(production_id=PROD, project_id=PROJ, visuals=VISUALS, chosen_at=NOW)
FAILED = MediaPreparationFailed(
    production_id=PROD, project_id=PROJ, stage="narration", reason="boom", failed_at=NOW
)
THROUGH_NARRATION = (REQUESTED, narrated(S1, 1.5), narrated(S2, 2.0), NARRATION_DONE)


# --- PrepareMedia ---------------------------------------------------------------------------


def test_prepare_media_records_the_request() -> None:
    given().when(prepare()).then(REQUESTED)


def test_prepare_media_again_with_other_sentences_is_a_conflict() -> None:
    # The same sentences again resume the preparation (a retried production:
    # test_production_retry.py).
    given(REQUESTED).when(prepare(command_id="c2", sentences=SENTENCES[:1])).raises(Conflict)


def test_prepare_media_needs_sentences() -> None:
    given().when(prepare(sentences=[])).raises(Invalid, "sentences")


def test_prepare_media_refuses_a_blank_sentence() -> None:
    blank = [SENTENCES[0], SentenceText(sentence_id=S2, text=" \n\t")]
    given().when(prepare(sentences=blank)).raises(Invalid, "sentences[1].text")


@pytest.mark.parametrize("text", ["... !!! ???", "😀👍🏽", "「」。"])
def test_prepare_media_refuses_a_sentence_with_nothing_to_speak(text: str) -> None:
    silent = [SENTENCES[0], SentenceText(sentence_id=S2, text=text)]
    given().when(prepare(sentences=silent)).raises(Invalid, "sentences[1].text")


def test_prepare_media_accepts_any_script() -> None:
    mixed = [
        SentenceText(sentence_id=S1, text="我们去北京。"),
        SentenceText(sentence_id=S2, text="مرحبا 😀"),
    ]
    events = decide(prepare(sentences=mixed), fold(()))
    assert len(events) == 1


def test_prepare_media_refuses_duplicate_sentence_ids() -> None:
    twice = [SENTENCES[0], SentenceText(sentence_id=S1, text="Again.")]
    given().when(prepare(sentences=twice)).raises(Invalid, "sentences[1].sentence_id")


@pytest.mark.parametrize(
    ("voice", "field"),
    [
        (VoiceSettings(rate=0.0), "voice.rate"),
        (VoiceSettings(pitch=3.0), "voice.pitch"),
        (VoiceSettings(pause_ms=-1), "voice.pause_ms"),
    ],
)
def test_prepare_media_checks_the_voice(voice: VoiceSettings, field: str) -> None:
    given().when(prepare(voice=voice)).raises(Invalid, field)


def test_prepare_media_refuses_an_odd_frame() -> None:
    frame = FrameSettings(width=1279, height=720)
    given().when(prepare(render=frame)).raises(Invalid, "render.width")


# --- narration ------------------------------------------------------------------------------


def test_a_narrated_sentence_is_recorded() -> None:
    given(REQUESTED).when(record(S1)).then(narrated(S1))


def test_a_sentence_narrated_again_is_a_no_op() -> None:
    given(REQUESTED, narrated(S1)).when(record(S1, 9.9)).then()


def test_narration_of_an_unknown_sentence_is_refused() -> None:
    given(REQUESTED).when(record(UUID(int=7))).raises(Invalid, "sentence_id")


def test_narration_without_a_request_is_not_found() -> None:
    given().when(record(S1)).raises(NotFound)


def test_narration_must_last() -> None:
    given(REQUESTED).when(record(S1, 0.0)).raises(Invalid, "duration_s")


def test_narration_completes_in_script_order_once_every_sentence_is_narrated() -> None:
    # Narrated out of order (in parallel); completed in the script's order.
    given(REQUESTED, narrated(S2, 2.0), narrated(S1, 1.5)).when(
        complete_narration()
    ).then(NARRATION_DONE)


def test_narration_cannot_complete_with_a_sentence_missing() -> None:
    given(REQUESTED, narrated(S1)).when(complete_narration()).raises(Conflict)


def test_narration_completes_once() -> None:
    given(*THROUGH_NARRATION).when(complete_narration()).then()


def test_a_late_narration_after_completion_is_a_no_op() -> None:
    given(*THROUGH_NARRATION).when(record(S1)).then()


# --- captions and visuals -------------------------------------------------------------------


def test_captions_follow_the_narration() -> None:
    given(*THROUGH_NARRATION).when(CAPTIONS).then(CAPTIONS_DONE)


def test_captions_before_the_narration_is_complete_conflict() -> None:
    given(REQUESTED, narrated(S1)).when(CAPTIONS).raises(Conflict)


def test_captions_complete_once() -> None:
    given(*THROUGH_NARRATION, CAPTIONS_DONE).when(CAPTIONS).then()


def test_visuals_close_the_preparation() -> None:
    command = choose(visuals=VISUALS)
    given(*THROUGH_NARRATION, CAPTIONS_DONE).when(command).then(VISUALS_DONE)


def test_visuals_before_captions_conflict() -> None:
    command = choose(visuals=VISUALS)
    given(*THROUGH_NARRATION).when(command).raises(Conflict)


def test_visuals_cover_every_sentence_in_order() -> None:
    command = choose(visuals=VISUALS[::-1])
    given(*THROUGH_NARRATION, CAPTIONS_DONE).when(command).raises(Invalid, "visuals")


def test_a_procedural_visual_needs_its_spec() -> None:
    bare = [VISUALS[0], ChosenVisual(sentence_id=S2, keywords=[], kind="procedural")]
    command = choose(visuals=bare)
    given(*THROUGH_NARRATION, CAPTIONS_DONE).when(command).raises(Invalid, "visuals[1].spec")


def test_visuals_chosen_twice_is_a_no_op() -> None:
    command = choose(visuals=VISUALS)
    given(*THROUGH_NARRATION, CAPTIONS_DONE, VISUALS_DONE).when(command).then()


# --- the pipelined preparation's additions ----------------------------------------------------


def test_a_presentation_is_recorded_and_the_default_left_out() -> None:
    styled = prepare(presentation=Presentation(style="bold"))
    bold = decide(styled, fold(()))[0]
    assert isinstance(bold, MediaPreparationRequested)
    assert bold.presentation == Presentation(style="bold")
    # The default is not encoded: a request without one reads back as it always did.
    given().when(prepare(presentation=Presentation())).then(REQUESTED)


def test_a_narration_records_its_language_words_and_voice() -> None:
    command = msgspec.structs.replace(
        record(S1), language="ja", words_key="narration/x.words.json", timing="none",
        unvoiced=True,
    )
    expected = msgspec.structs.replace(
        narrated(S1), language="ja", words_key="narration/x.words.json", timing="none",
        unvoiced=True,
    )
    given(REQUESTED).when(command).then(expected)


def test_narration_completes_with_its_pauses_on_the_timeline() -> None:
    command = msgspec.structs.replace(complete_narration(), pauses=[0.25, 0.6])
    items = [msgspec.structs.replace(ITEMS[0], pause_s=0.25),
             msgspec.structs.replace(ITEMS[1], pause_s=0.6)]
    done = msgspec.structs.replace(NARRATION_DONE, items=items, total_duration_s=4.35)
    given(REQUESTED, narrated(S1, 1.5), narrated(S2, 2.0)).when(command).then(done)


def test_pauses_must_match_the_sentences() -> None:
    command = msgspec.structs.replace(complete_narration(), pauses=[0.25])
    given(REQUESTED, narrated(S1), narrated(S2)).when(command).raises(Invalid, "pauses")


SEGMENTS = [
    PictureSegment(key="segments/a.mp4", first=0, count=1, frames=45),
    PictureSegment(key="segments/b.mp4", first=1, count=1, frames=60),
]
DESIGNED = [
    ChosenVisual(sentence_id=S1, keywords=["one"], kind="designed", key="visuals/p/1.png",
                 layout="title", icons=[]),
    ChosenVisual(sentence_id=S2, keywords=["two"], kind="designed", key="visuals/p/2.png",
                 layout="icon", icons=["bee"]),
]


def test_visuals_with_segments_and_a_report_close_the_preparation() -> None:
    command = msgspec.structs.replace(
        choose(visuals=DESIGNED), segments=SEGMENTS, report_key="reports/x.media.json"
    )
    done = msgspec.structs.replace(
        VISUALS_DONE, visuals=DESIGNED, segments=SEGMENTS, report_key="reports/x.media.json"
    )
    given(*THROUGH_NARRATION, CAPTIONS_DONE).when(command).then(done)


def test_segments_must_cover_the_script_in_order() -> None:
    gap = [SEGMENTS[1]]
    command = msgspec.structs.replace(choose(visuals=DESIGNED), segments=gap)
    given(*THROUGH_NARRATION, CAPTIONS_DONE).when(command).raises(Invalid, "segments[0]")
    short = [SEGMENTS[0]]
    command = msgspec.structs.replace(choose(visuals=DESIGNED), segments=short)
    given(*THROUGH_NARRATION, CAPTIONS_DONE).when(command).raises(Invalid, "segments")


def test_a_designed_visual_needs_its_still() -> None:
    bare = [DESIGNED[0], ChosenVisual(sentence_id=S2, keywords=[], kind="designed")]
    command = choose(visuals=bare)
    given(*THROUGH_NARRATION, CAPTIONS_DONE).when(command).raises(Invalid, "visuals[1].key")


def test_captions_record_their_webvtt() -> None:
    command = msgspec.structs.replace(CAPTIONS, vtt_key=f"captions/{PROD}.vtt")
    done = msgspec.structs.replace(CAPTIONS_DONE, vtt_key=f"captions/{PROD}.vtt")
    given(*THROUGH_NARRATION).when(command).then(done)


# --- failure --------------------------------------------------------------------------------


def test_a_failure_is_recorded_with_its_stage() -> None:
    command = fail(stage="narration", reason="boom")
    given(REQUESTED).when(command).then(FAILED)


def test_a_failed_preparation_takes_no_more_steps() -> None:
    given(REQUESTED, FAILED).when(record(S1)).then()
    given(REQUESTED, FAILED).when(fail(stage="captions", reason="again")).then()


def test_a_finished_preparation_cannot_fail() -> None:
    command = fail(stage="visuals", reason="late")
    given(*THROUGH_NARRATION, CAPTIONS_DONE, VISUALS_DONE).when(command).then()


def test_worker_command_ids_are_deterministic_per_step() -> None:
    assert record(S1).command_id == record(S1, 3.0).command_id == f"media/{PROD}/narrated/{S1}"
    assert record(S1).command_id != record(S2).command_id
    assert complete_narration().command_id.endswith("narration-completed")
