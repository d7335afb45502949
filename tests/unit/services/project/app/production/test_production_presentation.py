"""The look and the pipelined picture travel through the production, pure functions only:
StartProduction.presentation → ProductionQueued → PrepareMedia; the media events' new fields
→ the *Attached events → RenderTimeline; RenderCompleted's report → ProductionCompleted.

Each test runs the real chain (the reaction turns a foreign event into a step, the decider
records it, `gather` reads the history, the builder makes the next request), so a field
dropped anywhere on the way fails it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from msgspec import UNSET
from project_service.app.production import requests
from project_service.app.production.reactions import step_for
from project_service.domain.production.commands import AttachScript
from project_service.domain.production.decider import INITIAL as NO_PRODUCTION
from project_service.domain.production.decider import decide, fold
from project_service.domain.production.start import decide_start
from project_service.domain.project import INITIAL as NO_PROJECT
from videogen_contracts.envelope import EventMetadata, RecordedEvent, to_raw
from videogen_contracts.errors import Invalid
from videogen_contracts.export.events import RenderCompleted
from videogen_contracts.media.events import (
    CaptionOptions,
    CaptionsCompleted,
    ChosenVisual,
    NarratedSentence,
    NarrationCompleted,
    PictureSegment,
    Presentation,
    SoundOptions,
    VisualsChosen,
)
from videogen_contracts.project.production import (
    ProductionAdvanced,
    ProductionCompleted,
    ProductionEvent,
    ProductionQueued,
    ProductionScriptAttached,
    ProductionSentence,
    StartProduction,
)

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
JOB = UUID("00000000-0000-4000-8000-000000000001")
SECTION = UUID(int=10)
SENTENCES = [UUID(int=11), UUID(int=12), UUID(int=13)]
LOOK = Presentation(
    style="playful",
    captions=CaptionOptions(style="karaoke", position="center", size=1.5, color="#ffffff",
                            highlight_color="#ff00aa", outline=3, max_words=4),
    sound=SoundOptions(loudness_lufs=-16.0, music="procedural", music_mood="bright"),
)
SEGMENTS = [
    PictureSegment(key=f"segments/{JOB}/a.mp4", first=0, count=2, frames=120),
    PictureSegment(key=f"segments/{JOB}/b.mp4", first=2, count=1, frames=45),
]


def start(**fields: Any) -> StartProduction:
    defaults: dict[str, Any] = {
        "command_id": "c1", "now": NOW, "production_id": JOB, "project_id": JOB,
        "text": "Bees dance. The sun shines. Flowers open.",
    }
    return StartProduction(**(defaults | fields))


def recorded(service: str, event: Any) -> RecordedEvent:
    return RecordedEvent(
        service=service, global_position=1, transaction_id=1, stream_id=f"{service}-{JOB}",
        stream_version=1, event_id=uuid4(), type=type(event).__name__, schema_version=1,
        data=to_raw(event), metadata=EventMetadata(correlation_id="corr"), recorded_at=NOW,
    )


class Journey:
    """A production's history, grown by deciding each step as the process manager would."""

    def __init__(self, command: StartProduction) -> None:
        self.history: list[ProductionEvent] = decide_start(command, NO_PROJECT, NO_PRODUCTION)[1]

    def extend(self, events: list[ProductionEvent]) -> list[ProductionEvent]:
        self.history.extend(events)
        return events

    def react(self, service: str, event: Any) -> list[ProductionEvent]:
        step = step_for(recorded(service, event), "cmd-" + type(event).__name__, NOW)
        assert step is not None
        assert not isinstance(step, ProductionAdvanced)
        return self.extend(decide(step, fold(self.history)))

    def to_rendering(self, *, segments: bool = True) -> None:
        """Queued → rendering: the production's own reactions and the media's events."""
        self.react("project", self.history[0])  # ProductionQueued → BeginScripting
        self.extend(decide(AttachScript(command_id="s", now=NOW, production_id=JOB,
                                        script_id=JOB, sentences=sentences()),
                           fold(self.history)))
        self.react("media", narrated())
        self.react("media", captioned())
        self.react("media", visuals(segments=segments))
        assert fold(self.history).stage == "rendering"

    @property
    def inputs(self) -> requests.ProductionInputs:
        return requests.gather(self.history)


def sentences() -> list[ProductionSentence]:
    return [ProductionSentence(sentence_id=s, section_id=SECTION, text=f"Sentence {i}.")
            for i, s in enumerate(SENTENCES)]


def narrated() -> NarrationCompleted:
    items = [NarratedSentence(sentence_id=s, key=f"narration/{s}.wav", duration_s=1.5,
                              pause_s=0.25 if i < 2 else 0.6)
             for i, s in enumerate(SENTENCES)]
    return NarrationCompleted(production_id=JOB, project_id=JOB, items=items,
                              total_duration_s=4.5, completed_at=NOW)


def captioned() -> CaptionsCompleted:
    return CaptionsCompleted(production_id=JOB, project_id=JOB, ass_key="captions/j.ass",
                             srt_key="captions/j.srt", cues=[], completed_at=NOW,
                             vtt_key="captions/j.vtt")


def visuals(*, segments: bool = True) -> VisualsChosen:
    chosen = [ChosenVisual(sentence_id=s, keywords=["bee"], kind="designed",
                           key=f"scenes/{s}.png", layout="icon", icons=["bee"])
              for s in SENTENCES]
    if not segments:
        return VisualsChosen(production_id=JOB, project_id=JOB, visuals=chosen, chosen_at=NOW)
    return VisualsChosen(production_id=JOB, project_id=JOB, visuals=chosen, chosen_at=NOW,
                         segments=SEGMENTS, report_key=f"reports/{JOB}.media.json")


def test_the_presentation_is_queued_and_reaches_the_media_preparation() -> None:
    journey = Journey(start(presentation=LOOK))
    queued = journey.history[0]
    assert isinstance(queued, ProductionQueued)
    assert queued.presentation == LOOK
    journey.extend([ProductionScriptAttached(production_id=JOB, script_id=JOB, at=NOW,
                                             sentences=sentences())])
    prepare = requests.prepare_media(journey.inputs, "p", NOW)
    assert prepare.presentation == LOOK


def test_no_presentation_queues_as_before_and_prepares_the_default_look() -> None:
    journey = Journey(start())
    queued = journey.history[0]
    assert isinstance(queued, ProductionQueued)
    assert queued.presentation is UNSET
    # Recorded exactly as before looks existed: no `presentation` key in the event's JSON.
    assert b"presentation" not in bytes(to_raw(queued))
    journey.extend([ProductionScriptAttached(production_id=JOB, script_id=JOB, at=NOW,
                                             sentences=sentences())])
    assert requests.prepare_media(journey.inputs, "p", NOW).presentation == Presentation()


def test_the_media_events_new_fields_reach_the_attached_events() -> None:
    journey = Journey(start(presentation=LOOK))
    journey.to_rendering()
    inputs = journey.inputs
    assert [c.pause_s for c in inputs.clips] == [0.25, 0.25, 0.6]
    assert inputs.captions is not None
    assert inputs.captions.vtt_key == "captions/j.vtt"
    assert inputs.segments == tuple(SEGMENTS)
    assert inputs.media_report_key == f"reports/{JOB}.media.json"
    assert [v.layout for v in inputs.visuals] == ["icon"] * 3


def test_the_render_gets_segments_sound_pauses_and_the_media_report() -> None:
    journey = Journey(start(presentation=LOOK))
    journey.to_rendering()
    render = requests.render_timeline(journey.inputs, "r", NOW)
    assert render.segments == SEGMENTS
    assert render.sound == LOOK.sound
    assert render.media_report_key == f"reports/{JOB}.media.json"
    assert [c.pause_s for c in render.clips] == [0.25, 0.25, 0.6]
    assert render.captions.vtt_key == "captions/j.vtt"
    assert render.captions.srt_key == "captions/j.srt"


def test_a_preparation_without_segments_renders_in_one_pass() -> None:
    journey = Journey(start())
    journey.to_rendering(segments=False)
    render = requests.render_timeline(journey.inputs, "r", NOW)
    assert (render.segments, render.media_report_key) == ([], None)
    # No mood named: the music follows the look (the default look, clean).
    assert render.sound == SoundOptions(music_mood="clean")


def test_the_music_mood_follows_the_look_unless_named() -> None:
    unnamed = Presentation(style="playful", sound=SoundOptions(music="procedural"))
    assert requests.sound_of(unnamed).music_mood == "playful"
    named = Presentation(style="playful", sound=SoundOptions(music_mood="reflective"))
    assert requests.sound_of(named).music_mood == "reflective"


@pytest.mark.parametrize("segments", [
    [PictureSegment(key="a", first=0, count=2, frames=60)],  # the last sentence uncovered
    [PictureSegment(key="a", first=0, count=1, frames=30),
     PictureSegment(key="b", first=2, count=1, frames=30)],  # a gap
    [PictureSegment(key="a", first=0, count=2, frames=60),
     PictureSegment(key="b", first=1, count=2, frames=60)],  # an overlap
])
def test_segments_that_do_not_cover_the_timeline_are_refused(
    segments: list[PictureSegment],
) -> None:
    journey = Journey(start())
    journey.to_rendering()
    inputs = requests.gather(journey.history)
    broken = requests.ProductionInputs(**{**_fields(inputs), "segments": tuple(segments)})
    with pytest.raises(requests.IncompleteInputs, match="segments"):
        requests.render_timeline(broken, "r", NOW)


def _fields(inputs: requests.ProductionInputs) -> dict[str, Any]:
    return {name: getattr(inputs, name) for name in inputs.__dataclass_fields__}


def test_the_render_report_and_vtt_complete_the_production() -> None:
    journey = Journey(start(presentation=LOOK))
    journey.to_rendering()
    completed = RenderCompleted(
        render_id=JOB, project_id=JOB, production_id=JOB, video_key=f"videos/{JOB}.mp4",
        subtitle_key=f"videos/{JOB}.srt", duration_s=4.5, size_bytes=999, completed_at=NOW,
        report_key=f"reports/{JOB}.json", vtt_key=f"videos/{JOB}.vtt",
    )
    events = journey.react("export", completed)
    done = next(e for e in events if isinstance(e, ProductionCompleted))
    assert (done.report_key, done.vtt_key) == (f"reports/{JOB}.json", f"videos/{JOB}.vtt")
    assert fold(journey.history).stage == "completed"


def test_a_render_without_a_report_completes_as_before() -> None:
    journey = Journey(start())
    journey.to_rendering(segments=False)
    completed = RenderCompleted(
        render_id=JOB, project_id=JOB, production_id=JOB, video_key="v.mp4", subtitle_key=None,
        duration_s=1.0, size_bytes=1, completed_at=NOW,
    )
    done = next(e for e in journey.react("export", completed)
                if isinstance(e, ProductionCompleted))
    assert (done.report_key, done.vtt_key) == (UNSET, UNSET)
    assert b"report_key" not in bytes(to_raw(done))


@pytest.mark.parametrize(("presentation", "field"), [
    (Presentation(captions=CaptionOptions(size=3.0)), "presentation.captions.size"),
    (Presentation(captions=CaptionOptions(outline=9)), "presentation.captions.outline"),
    (Presentation(captions=CaptionOptions(max_words=0)), "presentation.captions.max_words"),
    (Presentation(captions=CaptionOptions(color="red")), "presentation.captions.color"),
    (Presentation(captions=CaptionOptions(highlight_color="#12345")),
     "presentation.captions.highlight_color"),
    (Presentation(sound=SoundOptions(loudness_lufs=-30.0)), "presentation.sound.loudness_lufs"),
    (Presentation(sound=SoundOptions(loudness_lufs=float("nan"))),
     "presentation.sound.loudness_lufs"),
    (Presentation(sound=SoundOptions(music="upload")), "presentation.sound.music_key"),
])
def test_a_presentation_out_of_range_is_invalid_and_named(
    presentation: Presentation, field: str
) -> None:
    with pytest.raises(Invalid) as refused:
        decide_start(start(presentation=presentation), NO_PROJECT, NO_PRODUCTION)
    assert refused.value.field == field


def test_the_limits_themselves_are_accepted() -> None:
    look = Presentation(
        captions=CaptionOptions(size=0.5, outline=8, max_words=12, color="#A0b1C2"),
        sound=SoundOptions(loudness_lufs=-23.0, music="upload", music_key="assets/x.m4a"),
    )
    queued = decide_start(start(presentation=look), NO_PROJECT, NO_PRODUCTION)[1][0]
    assert isinstance(queued, ProductionQueued)
    assert queued.presentation == look
