"""The Production aggregate as a pure decider, with an explicit state machine.

A production moves queued → scripting → narrating → captioning → choosing_visuals →
rendering → completed, or to failed | cancelled from any stage that is not final. Every
stage change is checked against `TRANSITIONS`; a same-stage `ProductionAdvanced` is a
progress update, allowed only where the table lists the stage as its own successor.
Progress never goes backwards. The three final stages accept nothing.

The state holds only what decisions need (stage and progress). The artefacts recorded by
the `*Attached` events matter to the process manager, which folds them separately.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import assert_never
from uuid import UUID

import msgspec
from videogen_contracts.project.production import (
    CancelProduction,
    ProductionAdvanced,
    ProductionCancelled,
    ProductionCaptionsAttached,
    ProductionCompleted,
    ProductionEvent,
    ProductionFailed,
    ProductionNarrationAttached,
    ProductionQueued,
    ProductionScriptAttached,
    ProductionStage,
    ProductionStepLogged,
    ProductionVisualsAttached,
)

from project_service.domain.errors import Conflict, NotFound
from project_service.domain.production_commands import (
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

FINAL: frozenset[ProductionStage] = frozenset({"completed", "failed", "cancelled"})


def _to(*stages: ProductionStage) -> frozenset[ProductionStage]:
    return frozenset(stages)


# stage → the stages it may move to. A stage listed as its own successor takes progress
# updates (60 → 80 while visuals are fetched; the render's percent at 90).
TRANSITIONS: dict[ProductionStage, frozenset[ProductionStage]] = {
    "queued": _to("scripting", "failed", "cancelled"),
    "scripting": _to("narrating", "failed", "cancelled"),
    "narrating": _to("captioning", "failed", "cancelled"),
    "captioning": _to("choosing_visuals", "failed", "cancelled"),
    "choosing_visuals": _to("choosing_visuals", "rendering", "failed", "cancelled"),
    "rendering": _to("rendering", "completed", "failed", "cancelled"),
    "completed": _to(),
    "failed": _to(),
    "cancelled": _to(),
}

# The order of the happy path; the process manager uses it to tell a stale event (the
# production is already past that step) from one that arrived early.
ORDER: tuple[ProductionStage, ...] = (
    "queued", "scripting", "narrating", "captioning", "choosing_visuals", "rendering", "completed"
)


class IllegalTransition(Conflict):
    """The production cannot move from its stage to the one a command asks for."""

    def __init__(self, production_id: UUID, current: ProductionStage, wanted: ProductionStage):
        super().__init__(f"production {production_id} is {current}; it cannot become {wanted}")
        self.current = current
        self.wanted = wanted


@dataclass(frozen=True, slots=True)
class Production:
    exists: bool = False
    stage: ProductionStage = "queued"
    progress: int = 0
    # The render's own percent (0..100) while rendering.
    render_percent: int = 0

    @property
    def final(self) -> bool:
        return self.stage in FINAL


INITIAL = Production()


def evolve(state: Production, event: ProductionEvent) -> Production:
    match event:
        case ProductionQueued():
            return Production(exists=True)
        case ProductionAdvanced():
            percent = state.render_percent if event.percent is None else event.percent
            return replace(
                state, stage=event.stage, progress=event.progress, render_percent=percent
            )
        case ProductionCompleted():
            return replace(state, stage="completed", progress=100)
        case ProductionFailed():
            return replace(state, stage="failed")
        case ProductionCancelled():
            return replace(state, stage="cancelled")
        case (
            ProductionStepLogged()
            | ProductionScriptAttached()
            | ProductionNarrationAttached()
            | ProductionCaptionsAttached()
            | ProductionVisualsAttached()
        ):
            return state
        case _:
            assert_never(event)


def fold(events: Iterable[ProductionEvent], state: Production = INITIAL) -> Production:
    for event in events:
        state = evolve(state, event)
    return state


def decide(command: ProductionStepCommand, state: Production) -> list[ProductionEvent]:
    """The events a step produces; raises NotFound, or IllegalTransition (a Conflict)."""
    if not state.exists:
        raise NotFound(f"production {command.production_id} not found")
    match command:
        case BeginScripting():
            return _begin_scripting(command, state)
        case AttachScript():
            return _attach_script(command, state)
        case AttachNarration():
            return _attach_narration(command, state)
        case AttachCaptions():
            return _attach_captions(command, state)
        case AttachVisuals():
            return _attach_visuals(command, state)
        case ReportRenderProgress():
            return _render_progress(command, state)
        case CompleteProduction():
            return _complete(command, state)
        case FailProduction():
            return _fail(command, state)
        case CancelProduction():
            return _cancel(command, state)
        case _:
            assert_never(command)


def require_stage(
    state: Production, pid: UUID, needed: ProductionStage, wanted: ProductionStage
) -> None:
    """A step belongs to one stage: visuals chosen while captioning are not a transition."""
    if state.stage != needed:
        raise IllegalTransition(pid, state.stage, wanted)


def check_transition(state: Production, pid: UUID, to: ProductionStage, progress: int) -> None:
    if to not in TRANSITIONS[state.stage]:
        raise IllegalTransition(pid, state.stage, to)
    if progress < state.progress:
        raise Conflict(f"production {pid}: progress {state.progress} cannot go back to {progress}")


def advance(
    state: Production, pid: UUID, to: ProductionStage, progress: int, message: str, at: datetime
) -> ProductionAdvanced:
    """A checked `ProductionAdvanced`: a legal transition, progress not going backwards."""
    check_transition(state, pid, to, progress)
    return ProductionAdvanced(
        production_id=pid, from_stage=state.stage, stage=to, progress=progress, message=message,
        at=at,
    )


def _log(pid: UUID, line: str, at: datetime) -> ProductionStepLogged:
    return ProductionStepLogged(production_id=pid, line=line, at=at)


def _begin_scripting(command: BeginScripting, state: Production) -> list[ProductionEvent]:
    pid, now = command.production_id, command.now
    require_stage(state, pid, "queued", "scripting")
    return [
        advance(state, pid, "scripting", 0, "Writing the script...", now),
        _log(pid, "Starting script generation...", now),
    ]


def _attach_script(command: AttachScript, state: Production) -> list[ProductionEvent]:
    pid, now = command.production_id, command.now
    require_stage(state, pid, "scripting", "narrating")
    moved = advance(state, pid, "narrating", 20, "Generating audio...", now)
    return [
        ProductionScriptAttached(
            production_id=pid, script_id=command.script_id, sentences=command.sentences, at=now
        ),
        _log(pid, f"Script generation completed ({len(command.sentences)} sentences)", now),
        moved,
        _log(pid, "Starting audio generation...", now),
    ]


def _attach_narration(command: AttachNarration, state: Production) -> list[ProductionEvent]:
    pid, now = command.production_id, command.now
    require_stage(state, pid, "narrating", "captioning")
    moved = advance(state, pid, "captioning", 40, "Generating captions...", now)
    return [
        ProductionNarrationAttached(
            production_id=pid, clips=command.clips, total_duration_s=command.total_duration_s,
            at=now,
        ),
        _log(pid, "Audio generation completed", now),
        moved,
        _log(pid, "Starting caption generation...", now),
    ]


def _attach_captions(command: AttachCaptions, state: Production) -> list[ProductionEvent]:
    pid, now = command.production_id, command.now
    require_stage(state, pid, "captioning", "choosing_visuals")
    moved = advance(state, pid, "choosing_visuals", 60, "Generating video search queries...", now)
    return [
        ProductionCaptionsAttached(
            production_id=pid, ass_key=command.ass_key, srt_key=command.srt_key, at=now
        ),
        _log(pid, "Caption generation completed", now),
        moved,
        _log(pid, "Starting search query generation...", now),
    ]


def _attach_visuals(command: AttachVisuals, state: Production) -> list[ProductionEvent]:
    """Visuals arrive chosen and fetched at once, so 80 (fetching) and 90 follow each other."""
    pid, now = command.production_id, command.now
    require_stage(state, pid, "choosing_visuals", "rendering")
    fetching = advance(state, pid, "choosing_visuals", 80, "Fetching background videos...", now)
    rendering = advance(evolve(state, fetching), pid, "rendering", 90, "Rendering video...", now)
    return [
        ProductionVisualsAttached(production_id=pid, visuals=command.visuals, at=now),
        _log(pid, "Search query generation completed", now),
        fetching,
        _log(pid, "Background video fetching completed", now),
        rendering,
        _log(pid, "Starting video rendering...", now),
    ]


def _render_progress(command: ReportRenderProgress, state: Production) -> list[ProductionEvent]:
    # The progress stays at the documented 90 while the render runs; its own percent goes
    # into the message. A report that does not move it forward (a repeat, or one overtaken
    # by a later one) records nothing.
    pid = command.production_id
    require_stage(state, pid, "rendering", "rendering")
    percent = max(0, min(command.percent, 100))
    if percent <= state.render_percent:
        return []
    moved = advance(state, pid, "rendering", 90, f"Rendering video... {percent}%", command.now)
    return [msgspec.structs.replace(moved, percent=percent)]


def _complete(command: CompleteProduction, state: Production) -> list[ProductionEvent]:
    pid, now = command.production_id, command.now
    require_stage(state, pid, "rendering", "completed")
    check_transition(state, pid, "completed", 100)
    return [
        _log(pid, "Video rendering completed", now),
        ProductionCompleted(
            production_id=pid, video_key=command.video_key, subtitle_key=command.subtitle_key,
            duration_s=command.duration_s, size_bytes=command.size_bytes, at=now,
        ),
    ]


def _fail(command: FailProduction, state: Production) -> list[ProductionEvent]:
    pid, now = command.production_id, command.now
    check_transition(state, pid, "failed", state.progress)
    return [
        _log(pid, f"Error: {command.reason}", now),
        ProductionFailed(
            production_id=pid, stage=state.stage, code=command.code, reason=command.reason,
            at=now,
        ),
    ]


def _cancel(command: CancelProduction, state: Production) -> list[ProductionEvent]:
    pid, now = command.production_id, command.now
    check_transition(state, pid, "cancelled", state.progress)
    return [
        ProductionCancelled(production_id=pid, stage=state.stage, reason=command.reason, at=now)
    ]
