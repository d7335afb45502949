"""The AiEdit aggregate's internal commands: the worker's steps, and a recorded score.

They never travel on the bus as themselves (only `RequestAiEdit` and `AcceptVariant` do,
see AI_EDIT_COMMANDS). A worker step has a deterministic `command_id` built from the job
and the step (`ai-edit/<job>/rendered/<variant>`): the event ids derive from it, so a job
resumed after a crash re-issues the same ids, and its appends are no-ops in the store.
`RecordVariantScore` carries the id of the request that measured it, so a resent score
request is recorded once, while a new request records a new score.
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from videogen_contracts.media.ai_edits import (
    RenderedVariant,
    RequestAiEdit,
    ScoreBasis,
    VariantScore,
)
from videogen_contracts.project.events import Timestamp


class AiEditStep(msgspec.Struct, frozen=True, kw_only=True):
    job_id: UUID
    # Routes the events (subject `vg.media.<project_id>.…`); the worker has it from the job.
    project_id: UUID
    now: Timestamp

    @property
    def command_id(self) -> str:
        return f"ai-edit/{self.job_id}/{self.step}"

    @property
    def step(self) -> str:
        raise NotImplementedError


class StartAiEdit(AiEditStep, frozen=True, kw_only=True):
    @property
    def step(self) -> str:
        return "started"


class RecordRenderedVariant(AiEditStep, frozen=True, kw_only=True):
    variant: RenderedVariant

    @property
    def step(self) -> str:
        return f"rendered/{self.variant.variant_id}"


class CompleteAiEdit(AiEditStep, frozen=True, kw_only=True):
    @property
    def step(self) -> str:
        return "completed"


class FailAiEdit(AiEditStep, frozen=True, kw_only=True):
    reason: str

    @property
    def step(self) -> str:
        return "failed"


class RecordVariantScore(msgspec.Struct, frozen=True, kw_only=True):
    """A score measured by the scorer (app/scoring.py), recorded as `VariantScored`."""

    # The score request's command id (ScoreVariant.command_id): a resend records nothing new.
    command_id: str
    now: Timestamp
    job_id: UUID
    project_id: UUID
    variant_id: UUID
    compare_to: ScoreBasis
    score: VariantScore
    # "offline" (measured) or the vision model's name.
    scorer: str


WorkerStep = StartAiEdit | RecordRenderedVariant | CompleteAiEdit | FailAiEdit
AiEditCommand = RequestAiEdit | WorkerStep | RecordVariantScore


class PlaceVariant(msgspec.Struct, frozen=True, kw_only=True):
    """Put a rendered variant on the timeline: `AcceptVariant` with what its job knows
    (app/ai_edits.py reads the job, then the Timeline decides: domain/timeline.py)."""

    now: Timestamp
    project_id: UUID
    job_id: UUID
    variant_id: UUID
    # The generated segment's id (the gateway's); its neighbours' ids derive from it.
    segment_id: UUID
    video_key: str
    duration_s: float
    # The range as the job resolved it: the segment it was in and its source window.
    under_segment_id: UUID
    media_key: str
    source_start_ts: float
    source_end_ts: float
