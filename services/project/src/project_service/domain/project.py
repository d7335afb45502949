"""The Project aggregate as a pure decider: `decide(command, state)` and `evolve(state, event)`.

The state holds only what decisions need: whether the stream exists, whether the project
was deleted, and which characters are in the cast. Metadata values live in the events and
the read models; no rule here depends on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import assert_never
from uuid import UUID

from msgspec import UNSET
from videogen_contracts.errors import Conflict, NotFound
from videogen_contracts.project.commands import (
    AddCastMembers,
    CreateProject,
    DeleteProject,
    ProjectCommand,
    RemoveCastMember,
    UpdateProject,
)
from videogen_contracts.project.events import (
    CastMemberAdded,
    CastMemberRemoved,
    ProjectChanges,
    ProjectCreated,
    ProjectDeleted,
    ProjectEvent,
    ProjectUpdated,
)

from project_service.domain.rules import check_cast_batch, check_cast_size, check_changes


@dataclass(frozen=True, slots=True)
class Project:
    # True once ProjectCreated is in the stream, deleted or not: a stream id is never reused.
    created: bool = False
    deleted: bool = False
    cast: frozenset[UUID] = field(default_factory=frozenset)

    @property
    def live(self) -> bool:
        return self.created and not self.deleted


INITIAL = Project()


def evolve(state: Project, event: ProjectEvent) -> Project:
    match event:
        case ProjectCreated():
            return replace(state, created=True)
        case ProjectUpdated():
            return state
        case ProjectDeleted():
            return replace(state, deleted=True)
        case CastMemberAdded():
            return replace(state, cast=state.cast | {event.character_id})
        case CastMemberRemoved():
            return replace(state, cast=state.cast - {event.character_id})
        case _:
            assert_never(event)


def fold(events: Iterable[ProjectEvent], state: Project = INITIAL) -> Project:
    for event in events:
        state = evolve(state, event)
    return state


def decide(command: ProjectCommand, state: Project) -> list[ProjectEvent]:
    """The events a command produces; raises NotFound / Conflict / Invalid instead."""
    match command:
        case CreateProject():
            return _create(command, state)
        case UpdateProject():
            return _update(command, state)
        case DeleteProject():
            _require_live(command.project_id, state)
            return [ProjectDeleted(project_id=command.project_id, deleted_at=command.now)]
        case AddCastMembers():
            return _add_cast(command, state)
        case RemoveCastMember():
            _require_live(command.project_id, state)
            if command.character_id not in state.cast:
                raise NotFound(f"character {command.character_id} is not in the cast")
            return [
                CastMemberRemoved(
                    project_id=command.project_id, character_id=command.character_id,
                    removed_at=command.now,
                )
            ]
        case _:
            assert_never(command)


def _require_live(project_id: UUID, state: Project) -> None:
    if not state.live:
        raise NotFound(f"project {project_id} not found")


def _create(command: CreateProject, state: Project) -> list[ProjectEvent]:
    if state.created:
        raise Conflict(f"project {command.project_id} already exists")
    event = ProjectCreated(
        project_id=command.project_id, topic=command.topic, style=command.style,
        target_duration_minutes=command.target_duration_minutes, description=command.description,
        audience=command.audience, goal=command.goal, tone=command.tone, language=command.language,
        aspect_ratio=command.aspect_ratio, owner=command.owner, created_at=command.now,
    )
    check_changes(_metadata_of(event))
    return [event]


def _update(command: UpdateProject, state: Project) -> list[ProjectEvent]:
    _require_live(command.project_id, state)
    changes = _metadata_of(command)
    check_changes(changes)
    # An update that names no field changes nothing: no event, and the reply carries
    # the stream's current version.
    if changes == ProjectChanges():
        return []
    return [ProjectUpdated(project_id=command.project_id, changes=changes, updated_at=command.now)]


def _metadata_of(source: UpdateProject | ProjectCreated) -> ProjectChanges:
    """The metadata fields of `source` (same names on both) as a ProjectChanges."""
    values = {name: getattr(source, name) for name in ProjectChanges.__struct_fields__}
    return ProjectChanges(**{k: v for k, v in values.items() if v is not UNSET})


def _add_cast(command: AddCastMembers, state: Project) -> list[ProjectEvent]:
    _require_live(command.project_id, state)
    check_cast_batch(command.members)
    for index, member in enumerate(command.members):
        if member.character_id in state.cast:
            raise Conflict(
                f"character {member.character_id} is already in the cast",
                f"members[{index}].character_id",
            )
    check_cast_size(len(state.cast), len(command.members))
    return [
        CastMemberAdded(
            project_id=command.project_id, character_id=member.character_id, name=member.name,
            description=member.description, role=member.role, voice=member.voice,
            added_at=command.now,
        )
        for member in command.members
    ]
