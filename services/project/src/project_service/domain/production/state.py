"""The Production's state machine: its stages, the moves allowed between them, and the fold.

`TRANSITIONS` is the explicit table every stage change is checked against (`advance`); a
stage listed as its own successor takes progress updates. Progress never goes backwards.
A completed production accepts nothing; a failed or cancelled one leads back to the steps
a retry resumes at. The state holds only what decisions need: stage and progress, which
artefacts exist (a retry resumes at the first one missing), and the narration's counts.
The decisions themselves are in `production.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import assert_never
from uuid import UUID

from videogen_contracts.errors import Conflict
from videogen_contracts.project.production import (
    RESUMABLE,
    ProductionAdvanced,
    ProductionCancelled,
    ProductionCaptionsAttached,
    ProductionCompleted,
    ProductionEvent,
    ProductionFailed,
    ProductionNarrationAttached,
    ProductionQueued,
    ProductionRetried,
    ProductionScriptAttached,
    ProductionStage,
    ProductionStallWarned,
    ProductionStepLogged,
    ProductionVisualsAttached,
)

# The stages in which nothing runs: the production ended (failed and cancelled until a retry).
FINAL: frozenset[ProductionStage] = frozenset({"completed", "failed", "cancelled"})
RETRYABLE: frozenset[ProductionStage] = frozenset({"failed", "cancelled"})


def _to(*stages: ProductionStage) -> frozenset[ProductionStage]:
    return frozenset(stages)


# stage → the stages it may move to. A stage listed as its own successor takes progress
# updates (sentences narrated; 60 → 80 while visuals are fetched; the render's percent at
# 90). failed and cancelled lead back to the step a retry resumes at.
TRANSITIONS: dict[ProductionStage, frozenset[ProductionStage]] = {
    "queued": _to("scripting", "failed", "cancelled"),
    "scripting": _to("narrating", "failed", "cancelled"),
    "narrating": _to("narrating", "captioning", "failed", "cancelled"),
    "captioning": _to("choosing_visuals", "failed", "cancelled"),
    "choosing_visuals": _to("choosing_visuals", "rendering", "failed", "cancelled"),
    "rendering": _to("rendering", "completed", "failed", "cancelled"),
    "completed": _to(),
    "failed": _to(*RESUMABLE),
    "cancelled": _to(*RESUMABLE),
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
    # The current stage's own percent (0..100): the narration's, the render's.
    percent: int = 0
    # Sentences in the script, and how many of them are narrated.
    sentences: int = 0
    narrated: int = 0
    # Which artefacts are recorded: a retry resumes at the first one missing.
    artefacts: frozenset[ProductionStage] = frozenset()
    attempt: int = 1

    @property
    def final(self) -> bool:
        return self.stage in FINAL

    @property
    def resume_stage(self) -> ProductionStage:
        """The first unfinished step: where a retry starts again."""
        return next((s for s in RESUMABLE if s not in self.artefacts), "rendering")


INITIAL = Production()


# The step each artefact finishes (what a retry need not do again).
_FINISHES: dict[type[ProductionEvent], ProductionStage] = {
    ProductionScriptAttached: "scripting",
    ProductionNarrationAttached: "narrating",
    ProductionCaptionsAttached: "captioning",
    ProductionVisualsAttached: "choosing_visuals",
}


def evolve(state: Production, event: ProductionEvent) -> Production:
    match event:
        case ProductionQueued():
            return Production(exists=True)
        case ProductionAdvanced():
            return _advanced(state, event)
        case ProductionScriptAttached():
            done = state.artefacts | {_FINISHES[type(event)]}
            return replace(state, sentences=len(event.sentences), artefacts=done)
        case (
            ProductionNarrationAttached()
            | ProductionCaptionsAttached()
            | ProductionVisualsAttached()
        ):
            return replace(state, artefacts=state.artefacts | {_FINISHES[type(event)]})
        case ProductionCompleted():
            return replace(state, stage="completed", progress=100)
        case ProductionFailed():
            return replace(state, stage="failed")
        case ProductionCancelled():
            return replace(state, stage="cancelled")
        case ProductionRetried():
            return replace(state, attempt=event.attempt)
        case ProductionStepLogged() | ProductionStallWarned():
            return state
        case _:
            assert_never(event)


def _advanced(state: Production, event: ProductionAdvanced) -> Production:
    # A stage's own percent starts again at 0 in the next stage (and after a retry).
    same = event.stage == state.stage
    percent = event.percent if event.percent is not None else (state.percent if same else 0)
    narrated = state.narrated if event.items_done is None else event.items_done
    return replace(
        state, stage=event.stage, progress=event.progress, percent=percent, narrated=narrated
    )


def fold(events: Iterable[ProductionEvent], state: Production = INITIAL) -> Production:
    for event in events:
        state = evolve(state, event)
    return state


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
