"""What the studio's WebSocket sends: its messages, and the events they are made from.

A pure translation: one recorded event (from NATS, any service) in, at most one message
out. Script generation runs are `jobType: "script_generation"`; productions (a video being
made for the project) are `jobType: "video_production"`. Events no client needs (attached
narration, log lines...) give nothing.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple
from uuid import UUID

import msgspec
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.project.production import (
    ProductionAdvanced,
    ProductionCancelled,
    ProductionCompleted,
    ProductionFailed,
    ProductionQueued,
)
from videogen_contracts.project.production import event_decoder as production_decoder
from videogen_contracts.script.generation import (
    GENERATION_EVENT_TYPES,
    GenerationCompleted,
    GenerationFailed,
    GenerationQueued,
    GenerationSectionCompleted,
    GenerationSectionStarted,
    GenerationStarted,
    generation_event_decoder,
)

SCRIPT_JOB = "script_generation"
VIDEO_JOB = "video_production"

# The production's stages in the order of the work (its steps, for `currentStep`).
PRODUCTION_STEPS = ("queued", "scripting", "narrating", "captioning", "choosing_visuals",
                    "rendering")
_PRODUCTION_TYPES = frozenset(
    t.__name__ for t in (ProductionQueued, ProductionAdvanced, ProductionCompleted,
                         ProductionFailed, ProductionCancelled)
)
_GENERATION_TYPES = frozenset(str(t.__struct_config__.tag) for t in GENERATION_EVENT_TYPES)


class Connected(msgspec.Struct, kw_only=True, rename="camel", tag_field="type",
                tag="connected"):
    client_id: UUID


class Subscribed(msgspec.Struct, kw_only=True, rename="camel", tag_field="type",
                 tag="subscribed"):
    project_id: UUID


class Unsubscribed(msgspec.Struct, kw_only=True, rename="camel", tag_field="type",
                   tag="unsubscribed"):
    project_id: UUID


class Pong(msgspec.Struct, kw_only=True, tag_field="type", tag="pong"):
    pass


class Progress(msgspec.Struct, kw_only=True, rename="camel", tag_field="type", tag="progress"):
    project_id: UUID
    job_id: UUID
    job_type: str
    progress: int  # 0..100
    message: str
    current_step: int
    total_steps: int
    step_name: str


class JobComplete(msgspec.Struct, kw_only=True, rename="camel", tag_field="type",
                  tag="job_complete"):
    project_id: UUID
    job_id: UUID
    job_type: str
    result: dict[str, Any]


class JobFailed(msgspec.Struct, kw_only=True, rename="camel", tag_field="type",
                tag="job_failed"):
    project_id: UUID
    job_id: UUID
    job_type: str
    code: str
    error: str


class ErrorMessage(msgspec.Struct, kw_only=True, tag_field="type", tag="error"):
    code: Literal["invalid_message", "unknown_type", "invalid_project_id", "not_found",
                  "internal"]
    message: str


JobMessage = Progress | JobComplete | JobFailed


class _Job(NamedTuple):
    project_id: UUID
    job_id: UUID
    job_type: str


def _progress(
    job: _Job, progress: int, message: str, current_step: int, total_steps: int, step_name: str
) -> Progress:
    return Progress(
        project_id=job.project_id, job_id=job.job_id, job_type=job.job_type, progress=progress,
        message=message, current_step=current_step, total_steps=total_steps,
        step_name=step_name,
    )


def _complete(job: _Job, result: dict[str, Any]) -> JobComplete:
    return JobComplete(
        project_id=job.project_id, job_id=job.job_id, job_type=job.job_type, result=result
    )


def _failed(job: _Job, code: str, error: str) -> JobFailed:
    return JobFailed(
        project_id=job.project_id, job_id=job.job_id, job_type=job.job_type, code=code,
        error=error,
    )


def _percent(done: int, total: int) -> int:
    return 0 if total <= 0 else min(100, done * 100 // total)


def message_for(recorded: RecordedEvent) -> JobMessage | None:
    """The message a subscriber of the event's project gets for it, if any."""
    if recorded.type in _GENERATION_TYPES:
        return _generation(recorded)
    if recorded.type in _PRODUCTION_TYPES:
        return _production(recorded)
    return None


def _generation(recorded: RecordedEvent) -> JobMessage | None:
    try:
        event = generation_event_decoder.decode(recorded.data)
    except msgspec.DecodeError:
        return None  # a newer schema than ours: skip it rather than break the socket
    job = _Job(event.project_id, event.job_id, SCRIPT_JOB)
    match event:
        case GenerationQueued():
            return _progress(job, 0, "Script generation queued", 0, 0, "queued")
        case GenerationStarted():
            total = event.total_sections
            return _progress(job, 0, f"Writing {total} sections", 0, total, "outline")
        case GenerationSectionStarted():
            n, total = event.section_index + 1, event.total_sections
            return _progress(job, _percent(n - 1, total),
                             f"Writing section {n} of {total}: {event.title}", n, total,
                             event.title)
        case GenerationSectionCompleted():
            n, total = event.section_index + 1, event.total_sections
            return _progress(job, _percent(n, total), f"Section {n} of {total} written", n,
                             total, event.section.title)
        case GenerationCompleted():
            return _complete(job, {
                "totalSentences": event.total_sentences,
                "totalDurationMinutes": event.total_duration_minutes,
            })
        case GenerationFailed():
            return _failed(job, event.code, event.message)
    return None


def _production(recorded: RecordedEvent) -> JobMessage | None:
    try:
        event = production_decoder.decode(recorded.data)
    except msgspec.DecodeError:
        return None
    project_id = UUID(recorded.metadata.project_id) if recorded.metadata.project_id else None
    if project_id is None:
        return None
    job = _Job(project_id, event.production_id, VIDEO_JOB)
    total = len(PRODUCTION_STEPS) - 1
    match event:
        case ProductionQueued():
            return _progress(job, 0, "Video production queued", 0, total, "queued")
        case ProductionAdvanced():
            step = PRODUCTION_STEPS.index(event.stage) if event.stage in PRODUCTION_STEPS else 0
            return _progress(job, event.progress, event.message, step, total, event.stage)
        case ProductionCompleted():
            return _complete(job, {
                "videoKey": event.video_key, "durationSeconds": event.duration_s,
                "sizeBytes": event.size_bytes,
            })
        case ProductionFailed():
            return _failed(job, event.code, event.reason)
        case ProductionCancelled():
            return _failed(job, "cancelled", event.reason or "cancelled")
    return None
