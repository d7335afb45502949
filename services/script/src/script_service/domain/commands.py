"""The service's internal commands: what its own handlers and workers ask the deciders.

They never travel on the bus. Each carries a `command_id` that is deterministic where a
retry must be recognised as a repeat (a worker's step is `"<job_id>:<step>"`), so the shared
handler turns a redone step into a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

from videogen_contracts.script.events import LLMUsage, ScriptSection
from videogen_contracts.script.outline import OutlineSectionPlan


@dataclass(frozen=True, slots=True)
class ReplaceScript:
    """Put these sections in place of the studio script's (quick-generate, finished run)."""

    command_id: str
    now: datetime
    project_id: UUID
    source: Literal["quick", "generation"]
    sections: list[ScriptSection]
    provider_label: str
    usage: LLMUsage | None = None
    job_id: UUID | None = None
    language: str = "en"


@dataclass(frozen=True, slots=True)
class EndGeneration:
    """The run `job_id` lets go of the script (after it failed, or with its replacement)."""

    command_id: str
    now: datetime
    project_id: UUID
    job_id: UUID
    outcome: Literal["completed", "failed"]


@dataclass(frozen=True, slots=True)
class RecordOutline:
    command_id: str
    now: datetime
    outline_id: UUID
    project_id: UUID
    title: str
    total_target_minutes: float
    sections: list[OutlineSectionPlan]
    provider_label: str
    usage: LLMUsage | None = None
    job_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class ReplaceOutlineSection:
    command_id: str
    now: datetime
    outline_id: UUID
    section_index: int
    section: OutlineSectionPlan
    instructions: str | None
    provider_label: str
    usage: LLMUsage | None = None


@dataclass(frozen=True, slots=True)
class ApproveOutline:
    command_id: str
    now: datetime
    outline_id: UUID
    job_id: UUID
