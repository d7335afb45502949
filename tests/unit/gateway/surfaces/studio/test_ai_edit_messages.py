"""What the studio WebSocket sends for an AI edit job (`jobType: "ai-edit"`)."""

from __future__ import annotations

from videogen_contracts.media.ai_edits import (
    AiEditCompleted,
    AiEditFailed,
    AiEditStarted,
    VariantRendered,
    VariantScore,
    VariantScored,
)

from tests.unit.gateway.surfaces.studio.test_websocket_messages import NOW, sent
from tests.unit.services.media.domain.ai_samples import JOB, REQUESTED, V1, rendered
from tests.unit.services.media.domain.editor_samples import PROJ

IDS = {"projectId": str(PROJ), "jobId": str(JOB), "jobType": "ai-edit"}


def test_a_job_is_progress_per_variant_then_complete() -> None:
    assert sent(REQUESTED) == IDS | {
        "type": "progress", "progress": 0, "currentStep": 0, "totalSteps": 2,
        "stepName": "queued", "message": "AI edit queued: 2 variants of 'blur the face'",
    }
    assert sent(AiEditStarted(job_id=JOB, project_id=PROJ, started_at=NOW))["stepName"] == \
        "rendering"
    one = VariantRendered(job_id=JOB, project_id=PROJ, variant=rendered(V1), rendered_at=NOW,
                          rendered=1, total=2)
    assert sent(one) == IDS | {
        "type": "progress", "progress": 50, "currentStep": 1, "totalSteps": 2,
        "stepName": "rendering", "message": "Variant 1 of 2 rendered",
    }
    assert sent(AiEditCompleted(job_id=JOB, project_id=PROJ, completed_at=NOW)) == IDS | {
        "type": "job_complete", "result": {"statusUrl": f"/api/job/{JOB}"},
    }


def test_a_failed_job_says_why_and_a_score_says_nothing() -> None:
    failed = AiEditFailed(job_id=JOB, project_id=PROJ, reason="ffmpeg exited 1", failed_at=NOW)
    assert sent(failed) == IDS | {"type": "job_failed", "code": "ai_edit_failed",
                                  "error": "ffmpeg exited 1"}
    score = VariantScore(overall_rating="good", details="d", fidelity_to_prompt="high",
                         visual_quality="good")
    assert sent(VariantScored(job_id=JOB, project_id=PROJ, variant_id=V1, compare_to="prompt",
                              score=score, scorer="offline", scored_at=NOW)) is None
