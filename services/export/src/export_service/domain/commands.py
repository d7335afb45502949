"""The commands the render worker gives its own aggregate as an encode advances.

They never travel on the bus (only `RenderTimeline` does). Each has a deterministic
`command_id` built from the render and the step: event ids derive from it, so a step that
a killed worker already stored, repeated by the worker that resumes the job, is a no-op.
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from videogen_contracts.export.commands import RenderTimeline
from videogen_contracts.export.events import RenderFailureCode
from videogen_contracts.project.events import Timestamp


class WorkerCommand(msgspec.Struct, frozen=True, kw_only=True):
    render_id: UUID
    # Routes the events' subjects (the worker has it from the request it is working on).
    project_id: UUID
    now: Timestamp

    @property
    def command_id(self) -> str:
        return f"export/{self.render_id}/{self.step}"

    @property
    def step(self) -> str:
        raise NotImplementedError


class RecordProgress(WorkerCommand, frozen=True, kw_only=True):
    percent: int

    @property
    def step(self) -> str:
        return f"progress/{self.percent}"


class CompleteRender(WorkerCommand, frozen=True, kw_only=True):
    video_key: str
    subtitle_key: str | None
    duration_s: float
    size_bytes: int
    # The quality report beside the video, and the WebVTT captions copied next to it.
    report_key: str | None = None
    vtt_key: str | None = None

    @property
    def step(self) -> str:
        return "completed"


class FailRender(WorkerCommand, frozen=True, kw_only=True):
    code: RenderFailureCode
    reason: str

    @property
    def step(self) -> str:
        # One failure per render: a retried failure is the same event.
        return "failed"


RenderCommand = RenderTimeline | RecordProgress | CompleteRender | FailRender
