"""The Production decider, given/when/then: the legal path, illegal transitions, progress
that never goes backwards, and final states that accept nothing."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

import pytest
from project_service.domain.production.commands import (
    AttachCaptions,
    AttachNarration,
    AttachScript,
    AttachVisuals,
    BeginScripting,
    CompleteProduction,
    FailProduction,
    ProductionStepCommand,
    ReportRenderProgress,
)
from project_service.domain.production.decider import (
    FINAL,
    ORDER,
    TRANSITIONS,
    IllegalTransition,
    Production,
    advance,
    decide,
    evolve,
    fold,
)
from videogen_contracts.errors import Conflict, DomainError, NotFound
from videogen_contracts.media.events import ChosenVisual, ProceduralSpec
from videogen_contracts.project.production import (
    RESUMABLE,
    CancelProduction,
    NarrationClip,
    ProductionAdvanced,
    ProductionCancelled,
    ProductionCompleted,
    ProductionEvent,
    ProductionFailed,
    ProductionQueued,
    ProductionScriptAttached,
    ProductionSentence,
    ProductionStage,
    ProductionStepLogged,
    RenderSettings,
    VoiceSettings,
)

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
DOCUMENTED = {0, 20, 40, 60, 80, 90, 100}  # doc 004's progress stages
PID = UUID("00000000-0000-4000-8000-000000000001")
SENTENCE = UUID("00000000-0000-4000-8000-0000000000a1")
SECTION = UUID("00000000-0000-4000-8000-0000000000b1")


@dataclass(frozen=True)
class When:
    history: tuple[ProductionEvent, ...]
    command: ProductionStepCommand

    def then(self, *expected: ProductionEvent) -> None:
        assert decide(self.command, fold(self.history)) == list(expected)

    def produces(self) -> list[ProductionEvent]:
        return decide(self.command, fold(self.history))

    def raises(self, error: type[DomainError]) -> DomainError:
        with pytest.raises(error) as caught:
            decide(self.command, fold(self.history))
        return caught.value


@dataclass(frozen=True)
class Given:
    history: tuple[ProductionEvent, ...]

    def when(self, command: ProductionStepCommand) -> When:
        return When(self.history, command)


def given(*events: ProductionEvent) -> Given:
    return Given(events)


def queued() -> ProductionQueued:
    return ProductionQueued(
        production_id=PID, project_id=PID, kind="text2video", text="Hello there.",
        render=RenderSettings(), voice=VoiceSettings(), queued_at=NOW,
    )


def moved(from_stage: ProductionStage, stage: ProductionStage, progress: int) -> ProductionAdvanced:
    return ProductionAdvanced(
        production_id=PID, from_stage=from_stage, stage=stage, progress=progress, message="m",
        at=NOW,
    )


def logged(line: str) -> ProductionStepLogged:
    return ProductionStepLogged(production_id=PID, line=line, at=NOW)


SENTENCES = [ProductionSentence(sentence_id=SENTENCE, section_id=SECTION, text="Hello there.")]
CLIPS = [NarrationClip(sentence_id=SENTENCE, key="narration/x/a.wav", duration_s=1.5)]
VISUALS = [
    ChosenVisual(
        sentence_id=SENTENCE, keywords=["hello"], kind="procedural",
        spec=ProceduralSpec(style="gradient", palette=["#000000", "#ffffff"]),
    )
]
COMMANDS: dict[str, ProductionStepCommand] = {
    "begin": BeginScripting(command_id="c", now=NOW, production_id=PID),
    "script": AttachScript(
        command_id="c", now=NOW, production_id=PID, script_id=PID, sentences=SENTENCES
    ),
    "narration": AttachNarration(
        command_id="c", now=NOW, production_id=PID, clips=CLIPS, total_duration_s=1.5
    ),
    "captions": AttachCaptions(
        command_id="c", now=NOW, production_id=PID, ass_key="c.ass", srt_key="c.srt"
    ),
    "visuals": AttachVisuals(command_id="c", now=NOW, production_id=PID, visuals=VISUALS),
    "progress": ReportRenderProgress(command_id="c", now=NOW, production_id=PID, percent=50),
    "complete": CompleteProduction(
        command_id="c", now=NOW, production_id=PID, video_key="videos/x.mp4",
        subtitle_key="videos/x.srt", duration_s=1.5, size_bytes=1000,
    ),
    "fail": FailProduction(command_id="c", now=NOW, production_id=PID, code="media_failed",
                           reason="boom"),
    "cancel": CancelProduction(command_id="c", now=NOW, production_id=PID),
}
# The stage each command moves the production into.
TARGET: dict[str, ProductionStage] = {
    "begin": "scripting", "script": "narrating", "narration": "captioning",
    "captions": "choosing_visuals", "visuals": "choosing_visuals", "progress": "rendering",
    "complete": "completed", "fail": "failed", "cancel": "cancelled",
}
# The stage each step belongs to (fail and cancel belong to every stage that is not final).
NEEDS: dict[str, ProductionStage] = {
    "begin": "queued", "script": "scripting", "narration": "narrating",
    "captions": "captioning", "visuals": "choosing_visuals", "progress": "rendering",
    "complete": "rendering",
}
HAPPY_PATH = ["begin", "script", "narration", "captions", "visuals", "progress", "complete"]


def history_at(stage: ProductionStage) -> tuple[ProductionEvent, ...]:
    """Events that bring a production to `stage` through the legal path."""
    # Failed and cancelled productions are stopped half-way, while narrating.
    on_the_way = "narrating" if stage in ("failed", "cancelled") else stage
    events: list[ProductionEvent] = [queued()]
    for name in HAPPY_PATH:
        if fold(events).stage == on_the_way:
            break
        events += decide(COMMANDS[name], fold(events))
    if stage in ("failed", "cancelled"):
        events += decide(COMMANDS["fail" if stage == "failed" else "cancel"], fold(events))
    assert fold(events).stage == stage
    return tuple(events)


def test_the_legal_path_reaches_completed_through_every_documented_stage() -> None:
    events: list[ProductionEvent] = [queued()]
    for name in HAPPY_PATH:
        events += decide(COMMANDS[name], fold(events))
    advanced = [(e.stage, e.progress) for e in events if isinstance(e, ProductionAdvanced)]
    assert advanced == [
        ("scripting", 0), ("narrating", 20), ("captioning", 40), ("choosing_visuals", 60),
        ("choosing_visuals", 80), ("rendering", 90), ("rendering", 90),
    ]
    assert {e.progress for e in events if isinstance(e, ProductionAdvanced)} <= DOCUMENTED
    state = fold(events)
    assert (state.exists, state.stage, state.progress, state.percent) == (
        True, "completed", 100, 50
    )
    assert isinstance(events[-1], ProductionCompleted)
    lines = [e.line for e in events if isinstance(e, ProductionStepLogged)]
    assert lines[:4] == [
        "Starting script generation...", "Script generation completed (1 sentences)",
        "Starting audio generation...", "Audio generation completed",
    ]


def test_attaching_the_script_records_it_then_moves_to_narrating() -> None:
    given(queued(), moved("queued", "scripting", 0)).when(COMMANDS["script"]).then(
        ProductionScriptAttached(production_id=PID, script_id=PID, sentences=SENTENCES, at=NOW),
        logged("Script generation completed (1 sentences)"),
        ProductionAdvanced(
            production_id=PID, from_stage="scripting", stage="narrating", progress=20,
            message="Generating audio...", at=NOW,
        ),
        logged("Starting audio generation..."),
    )


@pytest.mark.parametrize("stage", [s for s in ORDER if s not in FINAL])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_command_is_accepted_only_in_its_stage_and_along_the_table(
    stage: ProductionStage, name: str
) -> None:
    when = given(*history_at(stage)).when(COMMANDS[name])
    if name in ("fail", "cancel") or NEEDS[name] == stage:
        assert TARGET[name] in TRANSITIONS[stage]
        assert when.produces()
    else:
        error = when.raises(IllegalTransition)
        assert isinstance(error, IllegalTransition)
        assert error.current == stage


@pytest.mark.parametrize("stage", sorted(FINAL))
@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_final_state_accepts_no_command(stage: ProductionStage, name: str) -> None:
    if stage != "completed" and name in ARTEFACTS:
        # Work that was on its way is kept for a retry (test_production_retry.py), with no
        # stage change.
        produced = given(*history_at(stage)).when(COMMANDS[name]).produces()
        assert len(produced) == 1
        assert fold([*history_at(stage), *produced]).stage == stage
        return
    error = given(*history_at(stage)).when(COMMANDS[name]).raises(Conflict)
    assert isinstance(error, IllegalTransition)
    assert TRANSITIONS[stage] == (frozenset() if stage == "completed" else frozenset(RESUMABLE))


ARTEFACTS = ("script", "narration", "captions", "visuals")


def test_a_failure_records_the_stage_it_happened_in_and_keeps_the_progress() -> None:
    events = decide(COMMANDS["fail"], fold(history_at("captioning")))
    assert events[-1] == ProductionFailed(
        production_id=PID, stage="captioning", code="media_failed", reason="boom", at=NOW
    )
    state = fold([*history_at("captioning"), *events])
    assert (state.exists, state.stage, state.progress, state.percent) == (True, "failed", 40, 0)


def test_cancelling_records_the_stage() -> None:
    given(*history_at("narrating")).when(COMMANDS["cancel"]).then(
        ProductionCancelled(production_id=PID, stage="narrating", reason=None, at=NOW)
    )


def test_render_progress_stays_at_90_and_carries_the_render_percent() -> None:
    at_60 = ReportRenderProgress(command_id="c", now=NOW, production_id=PID, percent=60)
    given(*history_at("rendering")).when(at_60).then(
        ProductionAdvanced(
            production_id=PID, from_stage="rendering", stage="rendering", progress=90,
            message="Rendering video... 60%", at=NOW, percent=60,
        )
    )


def test_render_progress_that_does_not_move_forward_records_nothing() -> None:
    at_60 = ReportRenderProgress(command_id="c", now=NOW, production_id=PID, percent=60)
    history = (*history_at("rendering"), *decide(at_60, fold(history_at("rendering"))))
    assert fold(history).percent == 60
    for percent in (0, 30, 60):
        report = ReportRenderProgress(command_id="c", now=NOW, production_id=PID, percent=percent)
        given(*history).when(report).then()


def test_an_advance_that_would_lower_the_progress_is_refused() -> None:
    # A hand-made history at rendering 97: a later "90" must not be accepted.
    history = (*history_at("rendering"), moved("rendering", "rendering", 97))
    with pytest.raises(Conflict):
        advance(fold(history), PID, "rendering", 90, "x", NOW)


def test_progress_never_goes_backwards_under_any_order_of_commands() -> None:
    rng = random.Random(4)
    names = list(COMMANDS)
    for _ in range(300):
        state = evolve(Production(), queued())
        seen = [state.progress]
        for _ in range(12):
            command = COMMANDS[rng.choice(names)]
            if rng.random() < 0.5:
                command = ReportRenderProgress(
                    command_id="c", now=NOW, production_id=PID, percent=rng.randint(0, 100)
                )
            try:
                events = decide(command, state)
            except Conflict:
                continue
            for event in events:
                state = evolve(state, event)
                seen.append(state.progress)
        assert seen == sorted(seen)
        assert set(seen) <= DOCUMENTED


def test_a_production_that_does_not_exist_is_not_found() -> None:
    for command in COMMANDS.values():
        given().when(command).raises(NotFound)
