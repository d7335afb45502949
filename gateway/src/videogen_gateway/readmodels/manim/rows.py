"""The rows of the Manim read models, as the queries return them."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from videogen_contracts.script.manim import ManimTaskCompleted

_completed = msgspec.json.Decoder(ManimTaskCompleted)
_steps = msgspec.json.Decoder(list[str])


class SessionRow(msgspec.Struct, frozen=True, kw_only=True):
    session_id: str
    project: str
    project_key: UUID
    topic: str
    description: str
    plan_xml: str | None
    opened_at: datetime


class JobRow(msgspec.Struct, frozen=True, kw_only=True):
    job_id: UUID
    session_id: str
    project_key: UUID
    task_id: UUID | None
    kind: str
    # pending | running | completed | failed | cancelled
    status: str
    topic: str
    error: str | None
    scene_number: int | None
    requested_version: int | None
    code_version: int | None
    code: str | None
    # What the surface shows of the job's result (session_projection.py writes it).
    output: Any
    video_key: str | None
    srt_key: str | None
    code_key: str | None
    duration_s: float | None
    requested_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, **values: Any) -> JobRow:
        """From a record (json columns come back as text)."""
        output = values["output"]
        return cls(**values | {"output": None if output is None else msgspec.json.decode(output)})


class SceneRow(msgspec.Struct, frozen=True, kw_only=True):
    session_id: str
    scene_number: int
    version: int
    code: str
    reason: str
    # written | rendered | failed
    status: str
    error: str | None
    video_key: str | None
    srt_key: str | None
    code_key: str | None
    duration_s: float | None


class TaskRow(msgspec.Struct, frozen=True, kw_only=True):
    task_id: UUID
    kind: str
    project: str
    project_key: UUID
    session_id: str
    scene_number: int | None
    scene_count: int | None
    # queued | progress | completed | failed | cancelled
    status: str
    step: str | None
    step_index: int
    steps: list[str]
    progress: int
    message: str
    units_done: int
    units_total: int
    step_started_at: datetime | None
    result: ManimTaskCompleted | None
    error: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, **values: Any) -> TaskRow:
        """From a record (json columns come back as text)."""
        result = values["result"]
        return cls(**values | {"steps": _steps.decode(values["steps"]),
                               "result": None if result is None else _completed.decode(result)})

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "failed", "cancelled")
