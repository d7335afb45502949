"""What the studio's WebSocket sends: its messages, and the events they are made from.

A pure translation: one recorded event (from NATS, any service) in, at most one message
out. Script generation runs are `jobType: "script_generation"`; productions (a video being
made for the project) are `jobType: "video_production"`; the editor's AI region edits
`jobType: "ai-edit"` (one step per variant). Events no client needs (attached narration,
log lines...) give nothing.
"""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

import msgspec
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.media import ai_edits as ai
from videogen_contracts.project import production as p
from videogen_contracts.script import generation as g

SCRIPT_JOB = "script_generation"
VIDEO_JOB = "video_production"
AI_EDIT_JOB = "ai-edit"

# The production's stages in the order of the work (its steps, for `currentStep`).
PRODUCTION_STEPS = ("queued", "scripting", "narrating", "captioning", "choosing_visuals",
                    "rendering")
_PRODUCTION_TYPES = frozenset(t.__name__ for t in (
    p.ProductionQueued, p.ProductionAdvanced, p.ProductionCompleted, p.ProductionFailed,
    p.ProductionCancelled,
))
_GENERATION_TYPES = frozenset(str(t.__struct_config__.tag) for t in g.GENERATION_EVENT_TYPES)
_AI_EDIT_TYPES = frozenset(str(t.__struct_config__.tag) for t in ai.AI_EDIT_EVENT_TYPES)


class _Message(msgspec.Struct, kw_only=True, rename="camel", tag_field="type"):
    pass


class Connected(_Message, tag="connected"):
    client_id: UUID


class Subscribed(_Message, tag="subscribed"):
    project_id: UUID


class Unsubscribed(_Message, tag="unsubscribed"):
    project_id: UUID


class Pong(_Message, tag="pong"):
    pass


class ErrorMessage(_Message, tag="error"):
    code: Literal["invalid_message", "unknown_type", "invalid_project_id", "not_found",
                  "internal"]
    message: str


class _Job(_Message):
    project_id: UUID
    job_id: UUID
    job_type: str


class Progress(_Job, tag="progress"):
    progress: int  # 0..100
    message: str
    current_step: int
    total_steps: int
    step_name: str


class JobComplete(_Job, tag="job_complete"):
    result: dict[str, Any]


class JobFailed(_Job, tag="job_failed"):
    code: str
    error: str


JobMessage = Progress | JobComplete | JobFailed


def _percent(done: int, total: int) -> int:
    return 0 if total <= 0 else min(100, done * 100 // total)


def _progress(
    job: dict[str, Any], progress: int, message: str, step: int, total: int, name: str
) -> Progress:
    return Progress(**job, progress=progress, message=message, current_step=step,
                    total_steps=total, step_name=name)


def message_for(recorded: RecordedEvent) -> JobMessage | None:
    """The message a subscriber of the event's project gets for it, if any."""
    if recorded.type in _GENERATION_TYPES:
        return _generation(recorded)
    if recorded.type in _PRODUCTION_TYPES:
        return _production(recorded)
    if recorded.type in _AI_EDIT_TYPES:
        return _ai_edit(recorded)
    return None


def _generation(recorded: RecordedEvent) -> JobMessage | None:
    try:
        event = g.generation_event_decoder.decode(recorded.data)
    except msgspec.DecodeError:
        return None  # a newer schema than ours: skip it rather than break the socket
    job: dict[str, Any] = {"project_id": event.project_id, "job_id": event.job_id,
                           "job_type": SCRIPT_JOB}
    match event:
        case g.GenerationQueued():
            return _progress(job, 0, "Script generation queued", 0, 0, "queued")
        case g.GenerationStarted():
            total = event.total_sections
            return _progress(job, 0, f"Writing {total} sections", 0, total, "outline")
        case g.GenerationSectionStarted():
            n, total = event.section_index + 1, event.total_sections
            return _progress(job, _percent(n - 1, total),
                             f"Writing section {n} of {total}: {event.title}", n, total,
                             event.title)
        case g.GenerationSectionCompleted():
            n, total = event.section_index + 1, event.total_sections
            return _progress(job, _percent(n, total), f"Section {n} of {total} written", n,
                             total, event.section.title)
        case g.GenerationCompleted():
            return JobComplete(**job, result={
                "totalSentences": event.total_sentences,
                "totalDurationMinutes": event.total_duration_minutes,
            })
        case g.GenerationFailed():
            return JobFailed(**job, code=event.code, error=event.message)
    return None


def _production(recorded: RecordedEvent) -> JobMessage | None:
    try:
        event = p.event_decoder.decode(recorded.data)
    except msgspec.DecodeError:
        return None
    if not recorded.metadata.project_id:
        return None
    job: dict[str, Any] = {"project_id": UUID(recorded.metadata.project_id),
                           "job_id": event.production_id, "job_type": VIDEO_JOB}
    total = len(PRODUCTION_STEPS) - 1
    match event:
        case p.ProductionQueued():
            return _progress(job, 0, "Video production queued", 0, total, "queued")
        case p.ProductionAdvanced():
            step = PRODUCTION_STEPS.index(event.stage) if event.stage in PRODUCTION_STEPS else 0
            return _progress(job, event.progress, event.message, step, total, event.stage)
        case p.ProductionCompleted():
            return JobComplete(**job, result={
                "videoKey": event.video_key, "durationSeconds": event.duration_s,
                "sizeBytes": event.size_bytes,
            })
        case p.ProductionFailed():
            return JobFailed(**job, code=event.code, error=event.reason)
        case p.ProductionCancelled():
            return JobFailed(**job, code="cancelled", error=event.reason or "cancelled")
    return None


def _ai_edit(recorded: RecordedEvent) -> JobMessage | None:
    try:
        event = ai.ai_edit_event_decoder.decode(recorded.data)
    except msgspec.DecodeError:
        return None
    job: dict[str, Any] = {"project_id": event.project_id, "job_id": event.job_id,
                           "job_type": AI_EDIT_JOB}
    match event:
        case ai.AiEditRequested():
            total = len(event.variants)
            return _progress(job, 0, f"AI edit queued: {total} variants of {event.prompt!r}",
                             0, total, "queued")
        case ai.AiEditStarted():
            return _progress(job, 0, "Rendering the variants", 0, 0, "rendering")
        case ai.VariantRendered():
            done, total = event.rendered, event.total
            return _progress(job, _percent(done, total), f"Variant {done} of {total} rendered",
                             done, total, "rendering")
        case ai.AiEditCompleted():
            return JobComplete(**job, result={"statusUrl": f"/api/job/{event.job_id}"})
        case ai.AiEditFailed():
            return JobFailed(**job, code="ai_edit_failed", error=event.reason)
    return None
