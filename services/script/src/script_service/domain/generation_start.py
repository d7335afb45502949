"""Starting a generation run: one decision over three aggregates, appended as one unit.

The run's stream gets `GenerationQueued`; the project's studio script gets
`ScriptGenerationStarted`, which is the lock behind "one run at a time per project" (a
second start finds `generating` set and is a Conflict; two racing starts append to the
script at the same expected version, and the loser decides again and sees the lock); the
outline (mode "from-outline") gets `OutlineApproved`.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from videogen_contracts.errors import Conflict, Invalid, NotFound
from videogen_contracts.script.commands import StartGeneration
from videogen_contracts.script.events import ScriptGenerationStarted, studio_script_id
from videogen_contracts.script.generation import GenerationQueued
from videogen_contracts.script.limits import MINUTES_MAX
from videogen_contracts.script.outline import OutlineApproved

from script_service.domain.generation import GenerationRun
from script_service.domain.outline import Outline
from script_service.domain.script_state import Script

DEFAULT_MINUTES = 5.0
# A rough estimate for clients: the outline, then about this long per section.
SECONDS_PER_SECTION = 10
SECTION_MINUTES = 1.5


@dataclass(frozen=True, slots=True)
class StartPlan:
    queued: GenerationQueued
    lock: ScriptGenerationStarted
    approval: OutlineApproved | None


def check_minutes(minutes: float | None, field: str = "target_minutes") -> float | None:
    if minutes is not None and not 0 < minutes <= MINUTES_MAX:
        raise Invalid(field, f"{field} must be more than 0 and at most {MINUTES_MAX:g}")
    return minutes


def estimated_seconds(minutes: float) -> int:
    sections = min(12, max(2, round(minutes / SECTION_MINUTES)))
    return SECONDS_PER_SECTION * (sections + 1)


def decide_start(
    command: StartGeneration,
    *,
    run: GenerationRun,
    script: Script,
    outline: Outline | None,
    project_minutes: float | None,
) -> StartPlan:
    """`outline` is the state of `command.outline_id` (None when it names none)."""
    if run.status != "none":
        raise Conflict(f"generation {command.job_id} already exists")
    check_minutes(command.target_minutes)
    approved_outline = _outline_to_use(command, outline)
    if script.generating is not None:
        raise Conflict(
            f"generation {script.generating} is already running for project "
            f"{command.project_id}; wait for it to finish"
        )
    minutes = _minutes(command, approved_outline, project_minutes)
    outline_id = command.outline_id if approved_outline else None
    return StartPlan(
        queued=GenerationQueued(
            job_id=command.job_id, project_id=command.project_id, mode=command.mode,
            outline_id=outline_id, target_minutes=minutes,
            estimated_seconds=estimated_seconds(minutes), queued_at=command.now,
        ),
        lock=ScriptGenerationStarted(
            script_id=studio_script_id(command.project_id), project_id=command.project_id,
            job_id=command.job_id, started_at=command.now,
        ),
        approval=_approval(command, outline_id),
    )


def _minutes(
    command: StartGeneration, outline: Outline | None, project_minutes: float | None
) -> float:
    """The command's, else the outline's total, else the project's target, else 5."""
    from_outline = outline.total_target_minutes if outline else None
    chosen = command.target_minutes or from_outline or project_minutes or DEFAULT_MINUTES
    return min(chosen, MINUTES_MAX)


def _outline_to_use(command: StartGeneration, outline: Outline | None) -> Outline | None:
    if command.mode == "auto":
        return None  # the run writes its own outline
    if command.outline_id is None:
        raise Invalid("outline_id", 'mode "from-outline" needs an outline_id')
    if outline is None or not outline.exists or outline.project_id != command.project_id:
        raise NotFound(f"outline {command.outline_id} not found in project {command.project_id}")
    return outline


def _approval(command: StartGeneration, outline_id: UUID | None) -> OutlineApproved | None:
    if outline_id is None:
        return None
    return OutlineApproved(
        outline_id=outline_id, project_id=command.project_id, job_id=command.job_id,
        approved_at=command.now,
    )
