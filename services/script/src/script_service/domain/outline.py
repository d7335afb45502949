"""The Outline aggregate as a pure decider: record, regenerate one section, approve."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import assert_never
from uuid import UUID

from videogen_contracts.errors import Conflict, Invalid, NotFound
from videogen_contracts.script.limits import INSTRUCTIONS_MAX
from videogen_contracts.script.outline import (
    OutlineApproved,
    OutlineEvent,
    OutlineGenerated,
    OutlineSectionPlan,
    OutlineSectionRegenerated,
)

from script_service.domain.commands import ApproveOutline, RecordOutline, ReplaceOutlineSection


@dataclass(frozen=True, slots=True)
class Outline:
    exists: bool = False
    project_id: UUID | None = None
    title: str = ""
    total_target_minutes: float = 0.0
    sections: tuple[OutlineSectionPlan, ...] = ()
    # The runs that were started from it.
    approved_by: tuple[UUID, ...] = ()


INITIAL_OUTLINE = Outline()

OutlineCommand = RecordOutline | ReplaceOutlineSection | ApproveOutline


def evolve_outline(state: Outline, event: OutlineEvent) -> Outline:
    match event:
        case OutlineGenerated():
            return Outline(
                exists=True, project_id=event.project_id, title=event.title,
                total_target_minutes=event.total_target_minutes, sections=tuple(event.sections),
            )
        case OutlineSectionRegenerated():
            sections = list(state.sections)
            sections[event.section_index] = event.section
            return replace(state, sections=tuple(sections))
        case OutlineApproved():
            return replace(state, approved_by=(*state.approved_by, event.job_id))
        case _:
            assert_never(event)


def fold_outline(events: Iterable[OutlineEvent], state: Outline = INITIAL_OUTLINE) -> Outline:
    for event in events:
        state = evolve_outline(state, event)
    return state


def decide_outline(command: OutlineCommand, state: Outline) -> list[OutlineEvent]:
    match command:
        case RecordOutline():
            return _record(command, state)
        case ReplaceOutlineSection():
            project_id = existing_outline(state, command.outline_id)
            check_section_index(state, command.section_index)
            return [
                OutlineSectionRegenerated(
                    outline_id=command.outline_id, project_id=project_id,
                    section_index=command.section_index, section=command.section,
                    instructions=command.instructions, provider_label=command.provider_label,
                    usage=command.usage, regenerated_at=command.now,
                )
            ]
        case ApproveOutline():
            project_id = existing_outline(state, command.outline_id)
            if command.job_id in state.approved_by:
                return []
            return [
                OutlineApproved(
                    outline_id=command.outline_id, project_id=project_id, job_id=command.job_id,
                    approved_at=command.now,
                )
            ]
        case _:
            assert_never(command)


def existing_outline(state: Outline, outline_id: UUID) -> UUID:
    """The outline's project; NotFound when there is no such outline."""
    if not state.exists or state.project_id is None:
        raise NotFound(f"outline {outline_id} not found")
    return state.project_id


def check_section_index(state: Outline, index: int) -> None:
    if not 0 <= index < len(state.sections):
        raise Invalid(
            "section_index",
            f"section_index must be 0..{len(state.sections) - 1} for this outline (got {index})",
        )


def check_instructions(instructions: str | None) -> str | None:
    if instructions is None or not instructions.strip():
        return None
    if len(instructions) > INSTRUCTIONS_MAX:
        raise Invalid("instructions", f"instructions must be at most {INSTRUCTIONS_MAX} characters")
    return instructions.strip()


def _record(command: RecordOutline, state: Outline) -> list[OutlineEvent]:
    if state.exists:
        raise Conflict(f"outline {command.outline_id} already exists")
    if not command.sections:
        raise Invalid("sections", "an outline needs at least one section")
    return [
        OutlineGenerated(
            outline_id=command.outline_id, project_id=command.project_id, title=command.title,
            total_target_minutes=command.total_target_minutes, sections=command.sections,
            provider_label=command.provider_label, usage=command.usage, job_id=command.job_id,
            generated_at=command.now,
        )
    ]
