"""The commands the preparation worker gives its own aggregate as the long work advances.

They never travel on the bus (only `PrepareMedia` does). Each has a deterministic
`command_id` built from the production, the step and the sentence: the event ids derive
from it, so a job resumed after a crash re-issues the same ids and its appends are no-ops.
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from videogen_contracts.media.commands import PrepareMedia
from videogen_contracts.media.events import (
    CaptionCue,
    ChosenVisual,
    PictureSegment,
    PreparationStage,
)
from videogen_contracts.project.events import Timestamp


class WorkerCommand(msgspec.Struct, frozen=True, kw_only=True):
    production_id: UUID
    # Routes the events (subject `vg.media.<project_id>.…`); the worker has it from the request.
    project_id: UUID
    now: Timestamp

    @property
    def command_id(self) -> str:
        return f"media/{self.production_id}/{self.step}"

    @property
    def step(self) -> str:
        raise NotImplementedError


class RecordNarration(WorkerCommand, frozen=True, kw_only=True):
    sentence_id: UUID
    key: str
    duration_s: float
    synthesizer: str = ""
    # The audio was found stored (same text and voice), not synthesized by this job.
    reused: bool = False
    # The sentence's detected language, its word timings' blob and their source, and
    # whether no installed voice speaks it (silence of its reading time instead).
    language: str = ""
    words_key: str | None = None
    timing: str = ""
    unvoiced: bool = False

    @property
    def step(self) -> str:
        return f"narrated/{self.sentence_id}"


class CompleteNarration(WorkerCommand, frozen=True, kw_only=True):
    # The silence the timeline leaves after each sentence, in script order (empty: none).
    pauses: list[float] = msgspec.field(default_factory=list)

    @property
    def step(self) -> str:
        return "narration-completed"


class CompleteCaptions(WorkerCommand, frozen=True, kw_only=True):
    ass_key: str
    srt_key: str
    cues: list[CaptionCue]
    vtt_key: str | None = None

    @property
    def step(self) -> str:
        return "captions-completed"


class ChooseVisuals(WorkerCommand, frozen=True, kw_only=True):
    visuals: list[ChosenVisual]
    # The picture already encoded (pipelined with the narration) and the media half of
    # the quality report; empty / None for a preparation that encodes nothing.
    segments: list[PictureSegment] = msgspec.field(default_factory=list)
    report_key: str | None = None

    @property
    def step(self) -> str:
        return "visuals-chosen"


class FailPreparation(WorkerCommand, frozen=True, kw_only=True):
    stage: PreparationStage
    reason: str
    # The preparation's attempt (a retried production resumes it as attempt 2, 3...).
    attempt: int = 1

    @property
    def step(self) -> str:
        # One failure per attempt: a repeated failure of the same attempt is the same event.
        return "failed" if self.attempt <= 1 else f"failed/{self.attempt}"


MediaCommand = (
    PrepareMedia
    | RecordNarration
    | CompleteNarration
    | CompleteCaptions
    | ChooseVisuals
    | FailPreparation
)
