"""The commands the export worker gives the Export aggregate as a job advances.

They never travel on the bus (only `ExportTimeline` does). Each has a deterministic
`command_id` built from the export and the step: event ids derive from it, so a step that
a killed worker already stored, repeated by the worker that resumes the job, is a no-op.
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from videogen_contracts.export.exports import ExportFailureCode, ExportTimeline
from videogen_contracts.project.events import Timestamp


class ExportStep(msgspec.Struct, frozen=True, kw_only=True):
    export_id: UUID
    # Routes the events' subjects (the worker has it from the request it is working on).
    project_id: UUID
    now: Timestamp

    @property
    def command_id(self) -> str:
        return f"export/{self.export_id}/{self.step}"

    @property
    def step(self) -> str:
        raise NotImplementedError


class StartExport(ExportStep, frozen=True, kw_only=True):
    @property
    def step(self) -> str:
        return "started"


class CompleteExport(ExportStep, frozen=True, kw_only=True):
    video_key: str
    duration_s: float
    size_bytes: int
    reused: bool = False

    @property
    def step(self) -> str:
        return "completed"


class FailExport(ExportStep, frozen=True, kw_only=True):
    code: ExportFailureCode
    reason: str

    @property
    def step(self) -> str:
        # One failure per export: a retried failure is the same event.
        return "failed"


ExportCommand = ExportTimeline | StartExport | CompleteExport | FailExport
