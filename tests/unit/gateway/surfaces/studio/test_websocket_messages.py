"""What the studio WebSocket sends for each event (a pure translation)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import msgspec
from videogen_contracts.envelope import EventMetadata, RecordedEvent, to_raw
from videogen_contracts.project.production import (
    ProductionAdvanced,
    ProductionCancelled,
    ProductionCompleted,
    ProductionFailed,
    ProductionStepLogged,
)
from videogen_contracts.script.events import ScriptSection
from videogen_contracts.script.generation import (
    GenerationCompleted,
    GenerationFailed,
    GenerationQueued,
    GenerationSectionCompleted,
    GenerationSectionStarted,
)
from videogen_gateway.surfaces.studio.websocket_messages import message_for

NOW = datetime(2025, 3, 1, tzinfo=UTC)
PID, JOB = uuid4(), uuid4()


def recorded(event: msgspec.Struct, project: bool = True) -> RecordedEvent:
    return RecordedEvent(
        service="script", global_position=1, transaction_id=1, stream_id="s", stream_version=1,
        event_id=uuid4(), type=str(type(event).__struct_config__.tag), schema_version=1,
        data=to_raw(event),
        metadata=EventMetadata(correlation_id="c", project_id=str(PID) if project else None),
        recorded_at=NOW,
    )


def sent(event: msgspec.Struct, project: bool = True) -> Any:
    message = message_for(recorded(event, project))
    return None if message is None else msgspec.json.decode(msgspec.json.encode(message))


def test_a_generation_run_becomes_progress_then_complete() -> None:
    queued = GenerationQueued(job_id=JOB, project_id=PID, mode="auto", target_minutes=2,
                              estimated_seconds=20, queued_at=NOW)
    assert sent(queued) == {
        "type": "progress", "projectId": str(PID), "jobId": str(JOB),
        "jobType": "script_generation", "progress": 0, "message": "Script generation queued",
        "currentStep": 0, "totalSteps": 0, "stepName": "queued",
    }
    started = GenerationSectionStarted(job_id=JOB, project_id=PID, section_index=1,
                                       total_sections=4, title="Lava", started_at=NOW)
    assert sent(started) == sent(started) | {
        "progress": 25, "currentStep": 2, "totalSteps": 4, "stepName": "Lava",
        "message": "Writing section 2 of 4: Lava",
    }
    section = ScriptSection(section_id=uuid4(), title="Lava", order=1, sentences=[])
    done = GenerationSectionCompleted(job_id=JOB, project_id=PID, section_index=1,
                                      total_sections=4, section=section,
                                      provider_label="offline", completed_at=NOW)
    assert sent(done) == sent(done) | {"progress": 50, "currentStep": 2}
    complete = GenerationCompleted(job_id=JOB, project_id=PID, script_id=uuid4(),
                                   total_sentences=30, total_duration_minutes=2.5,
                                   completed_at=NOW)
    assert sent(complete) == {
        "type": "job_complete", "projectId": str(PID), "jobId": str(JOB),
        "jobType": "script_generation",
        "result": {"totalSentences": 30, "totalDurationMinutes": 2.5},
    }
    failed = GenerationFailed(job_id=JOB, project_id=PID, message="the model answered 500",
                              code="llm_unavailable", failed_at=NOW)
    assert sent(failed) == {
        "type": "job_failed", "projectId": str(PID), "jobId": str(JOB),
        "jobType": "script_generation", "code": "llm_unavailable",
        "error": "the model answered 500",
    }


def test_a_production_becomes_video_production_messages() -> None:
    advanced = ProductionAdvanced(production_id=JOB, from_stage="narrating", stage="captioning",
                                  progress=40, message="Generating captions...", at=NOW)
    assert sent(advanced) == {
        "type": "progress", "projectId": str(PID), "jobId": str(JOB),
        "jobType": "video_production", "progress": 40, "message": "Generating captions...",
        "currentStep": 3, "totalSteps": 5, "stepName": "captioning",
    }
    completed = ProductionCompleted(production_id=JOB, video_key="videos/x.mp4",
                                    subtitle_key=None, duration_s=12.5, size_bytes=1000, at=NOW)
    message = sent(completed)
    assert isinstance(message, dict)
    assert message["type"] == "job_complete"
    assert message["result"] == {"videoKey": "videos/x.mp4", "durationSeconds": 12.5,
                                 "sizeBytes": 1000}
    failed = ProductionFailed(production_id=JOB, stage="rendering", code="render_failed",
                              reason="ffmpeg exited 1", at=NOW)
    assert sent(failed) == sent(failed) | {"type": "job_failed", "code": "render_failed",
                                           "error": "ffmpeg exited 1"}
    cancelled = ProductionCancelled(production_id=JOB, stage="rendering", reason=None, at=NOW)
    assert sent(cancelled) == sent(cancelled) | {"type": "job_failed", "code": "cancelled"}


def test_events_no_client_needs_give_nothing() -> None:
    assert sent(ProductionStepLogged(production_id=JOB, line="x", at=NOW)) is None
    advanced = ProductionAdvanced(production_id=JOB, from_stage="queued", stage="scripting",
                                  progress=10, message="m", at=NOW)
    assert sent(advanced, project=False) is None
    broken = msgspec.structs.replace(
        recorded(advanced), type="GenerationQueued", data=msgspec.Raw(b'{"nope": 1}')
    )
    assert message_for(broken) is None
