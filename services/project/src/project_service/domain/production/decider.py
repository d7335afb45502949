"""The Production aggregate as a pure decider: what each step records.

The state machine (stages, the table of transitions, the fold) is in `state.py`;
its names are re-exported here. Work that finishes after the production failed or was
cancelled (a narration already on its way) is still recorded as an artefact, with no
stage change, so that a retry finds it done and does not ask for it again.
"""

from __future__ import annotations

from datetime import datetime
from typing import assert_never
from uuid import UUID

import msgspec
from videogen_contracts.errors import Conflict, NotFound
from videogen_contracts.project.production import (
    CancelProduction,
    ProductionCancelled,
    ProductionCaptionsAttached,
    ProductionCompleted,
    ProductionEvent,
    ProductionFailed,
    ProductionNarrationAttached,
    ProductionRetried,
    ProductionScriptAttached,
    ProductionStallWarned,
    ProductionStepLogged,
    ProductionVisualsAttached,
    RetryProduction,
)

from project_service.domain.production.commands import (
    AttachCaptions,
    AttachNarration,
    AttachScript,
    AttachVisuals,
    BeginScripting,
    CompleteProduction,
    FailProduction,
    ProductionStepCommand,
    ReportNarrationProgress,
    ReportRenderProgress,
    WarnStall,
)
from project_service.domain.production.state import (
    FINAL,
    INITIAL,
    ORDER,
    RETRYABLE,
    TRANSITIONS,
    IllegalTransition,
    Production,
    advance,
    check_transition,
    evolve,
    fold,
    require_stage,
)

__all__ = [
    "FINAL", "INITIAL", "ORDER", "RETRYABLE", "TRANSITIONS", "IllegalTransition", "Production",
    "advance", "check_transition", "decide", "evolve", "fold", "require_stage",
]


def decide(command: ProductionStepCommand, state: Production) -> list[ProductionEvent]:
    """The events a step produces; raises NotFound, or IllegalTransition (a Conflict)."""
    if not state.exists:
        raise NotFound(f"production {command.production_id} not found")
    if state.stage in RETRYABLE and isinstance(command, _ARTEFACT_STEPS):
        return [_artefact_of(command)]
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
        case ReportNarrationProgress():
            return _narration_progress(command, state)
        case ReportRenderProgress():
            return _render_progress(command, state)
        case WarnStall():
            return _warn_stall(command, state)
        case CompleteProduction():
            return _complete(command, state)
        case FailProduction():
            return _fail(command, state)
        case CancelProduction():
            return _cancel(command, state)
        case RetryProduction():
            return _retry(command, state)
        case _:
            assert_never(command)


def _log(pid: UUID, line: str, at: datetime) -> ProductionStepLogged:
    return ProductionStepLogged(production_id=pid, line=line, at=at)


def _begin_scripting(command: BeginScripting, state: Production) -> list[ProductionEvent]:
    pid, now = command.production_id, command.now
    require_stage(state, pid, "queued", "scripting")
    return [
        advance(state, pid, "scripting", 0, "Writing the script...", now),
        _log(pid, "Starting script generation...", now),
    ]


_ARTEFACT_STEPS = (AttachScript, AttachNarration, AttachCaptions, AttachVisuals)


def _artefact_of(
    command: AttachScript | AttachNarration | AttachCaptions | AttachVisuals,
) -> ProductionEvent:
    """The artefact a step brings, recorded alone (for a production that has ended)."""
    pid, now = command.production_id, command.now
    match command:
        case AttachScript():
            return ProductionScriptAttached(
                production_id=pid, script_id=command.script_id, sentences=command.sentences,
                at=now,
            )
        case AttachNarration():
            return ProductionNarrationAttached(
                production_id=pid, clips=command.clips,
                total_duration_s=command.total_duration_s, at=now,
            )
        case AttachCaptions():
            return ProductionCaptionsAttached(
                production_id=pid, ass_key=command.ass_key, srt_key=command.srt_key, at=now,
                vtt_key=command.vtt_key,
            )
        case AttachVisuals():
            return ProductionVisualsAttached(
                production_id=pid, visuals=command.visuals, at=now, segments=command.segments,
                report_key=command.report_key,
            )
        case _:
            assert_never(command)


def _attach_script(command: AttachScript, state: Production) -> list[ProductionEvent]:
    pid, now = command.production_id, command.now
    require_stage(state, pid, "scripting", "narrating")
    moved = advance(state, pid, "narrating", 20, "Generating audio...", now)
    return [
        _artefact_of(command),
        _log(pid, f"Script generation completed ({len(command.sentences)} sentences)", now),
        moved,
        _log(pid, "Starting audio generation...", now),
    ]


def _attach_narration(command: AttachNarration, state: Production) -> list[ProductionEvent]:
    pid, now = command.production_id, command.now
    require_stage(state, pid, "narrating", "captioning")
    moved = advance(state, pid, "captioning", 40, "Generating captions...", now)
    return [
        _artefact_of(command),
        _log(pid, "Audio generation completed", now),
        moved,
        _log(pid, "Starting caption generation...", now),
    ]


def _attach_captions(command: AttachCaptions, state: Production) -> list[ProductionEvent]:
    pid, now = command.production_id, command.now
    require_stage(state, pid, "captioning", "choosing_visuals")
    moved = advance(state, pid, "choosing_visuals", 60, "Generating video search queries...", now)
    return [
        _artefact_of(command),
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
        _artefact_of(command),
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
    if percent <= state.percent:
        return []
    moved = advance(state, pid, "rendering", 90, f"Rendering video... {percent}%", command.now)
    return [msgspec.structs.replace(moved, percent=percent)]


def _narration_progress(
    command: ReportNarrationProgress, state: Production
) -> list[ProductionEvent]:
    pid = command.production_id
    require_stage(state, pid, "narrating", "narrating")
    total = max(state.sentences, 1)
    done = min(state.narrated + 1, total)
    if done <= state.narrated:
        return []
    moved = advance(state, pid, "narrating", 20, f"Generating audio... {done}/{total}", command.now)
    return [
        msgspec.structs.replace(
            moved, percent=done * 100 // total, items_done=done, items_total=total
        )
    ]


def _complete(command: CompleteProduction, state: Production) -> list[ProductionEvent]:
    pid, now = command.production_id, command.now
    require_stage(state, pid, "rendering", "completed")
    check_transition(state, pid, "completed", 100)
    return [
        _log(pid, "Video rendering completed", now),
        ProductionCompleted(
            production_id=pid, video_key=command.video_key, subtitle_key=command.subtitle_key,
            duration_s=command.duration_s, size_bytes=command.size_bytes, at=now,
            report_key=command.report_key, vtt_key=command.vtt_key,
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


def _retry(command: RetryProduction, state: Production) -> list[ProductionEvent]:
    """Back to the first unfinished step, progress kept; the process manager resends its
    request from there, and what is already recorded is not asked for again."""
    pid, now = command.production_id, command.now
    if state.stage not in RETRYABLE:
        raise Conflict(
            f"production {pid} is {state.stage}; only a failed or cancelled one can be retried"
        )
    resume = state.resume_stage
    moved = advance(state, pid, resume, state.progress, f"Retrying from {resume}...", now)
    return [
        ProductionRetried(
            production_id=pid, from_stage=state.stage, stage=resume, attempt=state.attempt + 1,
            at=now,
        ),
        _log(pid, f"Retry {state.attempt + 1}: resuming at {resume}", now),
        moved,
    ]


def _warn_stall(command: WarnStall, state: Production) -> list[ProductionEvent]:
    if state.final:
        return []
    return [
        ProductionStallWarned(
            production_id=command.production_id, stage=state.stage, idle_s=command.idle_s,
            fail_after_s=command.fail_after_s, at=command.now,
        )
    ]
