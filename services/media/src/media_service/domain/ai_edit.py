"""The AiEdit aggregate (one per job, stream `ai-edit-<job_id>`) as a pure decider.

A job is requested with everything needed to render it (the source window, the box in
source pixels, the parsed edit and each variant's parameters), then advanced by its worker:
started, one `VariantRendered` per variant, completed (or failed). Worker steps repeat
harmlessly: a step the state shows done decides nothing, so a job resumed after a crash
re-records nothing it had recorded. A finished job takes no more steps, but its rendered
variants can still be scored (and accepted, a Timeline decision: domain/timeline.py).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal, assert_never
from uuid import UUID

from videogen_contracts.errors import Conflict, Invalid, NotFound
from videogen_contracts.media.ai_edits import (
    MAX_PROMPT_CHARS,
    MAX_VARIANTS,
    AiEditCompleted,
    AiEditEvent,
    AiEditFailed,
    AiEditRequested,
    AiEditStarted,
    RenderedVariant,
    RequestAiEdit,
    VariantRendered,
    VariantScored,
)

from media_service.domain.ai_commands import (
    AiEditCommand,
    CompleteAiEdit,
    FailAiEdit,
    RecordRenderedVariant,
    RecordVariantScore,
    StartAiEdit,
)

AiEditStatus = Literal["none", "pending", "running", "completed", "failed"]
FINISHED: frozenset[AiEditStatus] = frozenset({"completed", "failed"})


@dataclass(frozen=True, slots=True)
class AiEdit:
    status: AiEditStatus = "none"
    # What was asked (the worker renders from it, an accept places from it).
    request: AiEditRequested | None = None
    rendered: Mapping[UUID, RenderedVariant] = field(default_factory=dict)


INITIAL = AiEdit()


def evolve(state: AiEdit, event: AiEditEvent) -> AiEdit:
    match event:
        case AiEditRequested():
            return AiEdit(status="pending", request=event)
        case AiEditStarted():
            return replace(state, status="running")
        case VariantRendered():
            rendered = {**state.rendered, event.variant.variant_id: event.variant}
            return replace(state, rendered=rendered)
        case AiEditCompleted():
            return replace(state, status="completed")
        case AiEditFailed():
            return replace(state, status="failed")
        case VariantScored():
            return state  # a score changes nothing the job decides on
        case _:
            assert_never(event)


def decide(command: AiEditCommand, state: AiEdit) -> list[AiEditEvent]:
    match command:
        case RequestAiEdit():
            if state.request is not None:
                raise Conflict(f"AI job {command.job_id} exists already")
            check_request(command)
            return [_requested(command)]
        case StartAiEdit():
            request = _requested_job(state, command.job_id)
            if state.status != "pending":
                return []  # started (or finished) already: a resumed job's repeat
            return [AiEditStarted(job_id=request.job_id, project_id=request.project_id,
                                  started_at=command.now)]
        case RecordRenderedVariant():
            return _rendered(command, state)
        case CompleteAiEdit():
            request = _requested_job(state, command.job_id)
            if state.status in FINISHED:
                return []
            missing = [v.index for v in request.variants if v.variant_id not in state.rendered]
            if missing:
                raise Conflict(f"variants {missing} are not rendered yet")
            return [AiEditCompleted(job_id=request.job_id, project_id=request.project_id,
                                    completed_at=command.now)]
        case FailAiEdit():
            request = _requested_job(state, command.job_id)
            if state.status in FINISHED:
                return []
            return [AiEditFailed(job_id=request.job_id, project_id=request.project_id,
                                 reason=command.reason, failed_at=command.now)]
        case RecordVariantScore():
            rendered_variant(state, command.job_id, command.variant_id)
            return [VariantScored(job_id=command.job_id, project_id=command.project_id,
                                  variant_id=command.variant_id, compare_to=command.compare_to,
                                  score=command.score, scorer=command.scorer,
                                  scored_at=command.now)]
        case _:
            assert_never(command)


def _requested_job(state: AiEdit, job_id: UUID) -> AiEditRequested:
    if state.request is None:
        raise NotFound(f"AI job {job_id} not found")
    return state.request


def rendered_variant(state: AiEdit, job_id: UUID, variant_id: UUID) -> RenderedVariant:
    """A variant of this job that is rendered; NotFound or a Conflict that says why not."""
    request = _requested_job(state, job_id)
    if all(v.variant_id != variant_id for v in request.variants):
        raise NotFound(f"variant {variant_id} not found")
    done = state.rendered.get(variant_id)
    if done is None:
        why = "its job failed" if state.status == "failed" else "it is not rendered yet"
        raise Conflict(f"variant {variant_id} has no clip: {why}")
    return done


def _rendered(command: RecordRenderedVariant, state: AiEdit) -> list[AiEditEvent]:
    request = _requested_job(state, command.job_id)
    variant_id = command.variant.variant_id
    if all(v.variant_id != variant_id for v in request.variants):
        raise Invalid("variant_id", f"variant {variant_id} is not one of this job's")
    if variant_id in state.rendered or state.status in FINISHED:
        return []  # recorded already (a resumed job), or too late to matter
    if not (math.isfinite(command.variant.duration_s) and command.variant.duration_s > 0):
        raise Invalid("duration_s", "a rendered variant lasts a positive number of seconds")
    return [VariantRendered(job_id=request.job_id, project_id=request.project_id,
                            variant=command.variant, rendered_at=command.now,
                            rendered=len(state.rendered) + 1, total=len(request.variants))]


def check_request(command: RequestAiEdit) -> None:
    """The rules the gateway checks first, checked again where the job is recorded."""
    prompt = command.prompt.strip()
    if not prompt:
        raise Invalid("prompt", "a prompt is needed")
    if len(command.prompt) > MAX_PROMPT_CHARS:
        raise Invalid("prompt", f"a prompt is at most {MAX_PROMPT_CHARS} characters")
    for name in ("start_ts", "end_ts", "source_start_ts", "source_end_ts"):
        if not math.isfinite(getattr(command, name)):
            raise Invalid(name, f"{name} must be a finite number of seconds")
    if not 0 <= command.start_ts < command.end_ts:
        raise Invalid("end_ts", "end_ts must be after start_ts")
    if not 0 <= command.source_start_ts < command.source_end_ts:
        raise Invalid("source_end_ts", "the source window must have a positive length")
    box = command.box
    if box.width <= 0 or box.height <= 0 or box.x < 0 or box.y < 0:
        raise Invalid("bounding_box", "the box needs a positive size inside the frame")
    if not 1 <= len(command.variants) <= MAX_VARIANTS:
        raise Invalid("variants", f"between 1 and {MAX_VARIANTS} variants")
    if len({v.variant_id for v in command.variants}) != len(command.variants):
        raise Invalid("variants", "variant ids must be unique")


def _requested(command: RequestAiEdit) -> AiEditRequested:
    return AiEditRequested(
        job_id=command.job_id, project_id=command.project_id, prompt=command.prompt,
        edit=command.edit, start_ts=command.start_ts, end_ts=command.end_ts,
        segment_id=command.segment_id, media_key=command.media_key,
        source_start_ts=command.source_start_ts, source_end_ts=command.source_end_ts,
        box=command.box, seed=command.seed, variants=command.variants,
        requested_at=command.now,
    )
