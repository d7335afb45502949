"""Project commands: what the gateway asks the project service to do, over request/reply.

Every command carries `command_id` (the idempotency key: a repeat is a no-op) and `now`
(set by the sender, so the decider never reads a clock). The request body on
`ns.command_subject("project", name)` is the JSON of the Struct; `COMMANDS` maps names.
Limits (lengths, ranges) are domain rules enforced by the decider, not by decoding, so the
reply names the offending field in one place.
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from msgspec import UNSET, UnsetType

from videogen_contracts.project.events import AspectRatio, Timestamp


class ProjectCommandBase(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    # Timezone-aware (UTC); the decider copies it into the events it records.
    now: Timestamp
    project_id: UUID


class CreateProject(ProjectCommandBase, frozen=True):
    topic: str
    style: str | None = None
    target_duration_minutes: float | None = None
    description: str | None = None
    audience: str | None = None
    goal: str | None = None
    tone: str | None = None
    language: str = "en"
    aspect_ratio: AspectRatio = "16:9"
    owner: str | None = None


class UpdateProject(ProjectCommandBase, frozen=True, omit_defaults=True):
    """UNSET (absent) = unchanged; None clears a nullable field."""

    topic: str | UnsetType = UNSET
    style: str | UnsetType | None = UNSET
    target_duration_minutes: float | UnsetType | None = UNSET
    description: str | UnsetType | None = UNSET
    audience: str | UnsetType | None = UNSET
    goal: str | UnsetType | None = UNSET
    tone: str | UnsetType | None = UNSET
    language: str | UnsetType = UNSET
    aspect_ratio: AspectRatio | UnsetType = UNSET
    owner: str | UnsetType | None = UNSET


class DeleteProject(ProjectCommandBase, frozen=True):
    pass


class CastMemberSpec(msgspec.Struct, frozen=True, kw_only=True):
    character_id: UUID
    name: str
    description: str | None = None
    role: str | None = None
    voice: str | None = None


class AddCastMembers(ProjectCommandBase, frozen=True):
    members: list[CastMemberSpec]


class RemoveCastMember(ProjectCommandBase, frozen=True):
    character_id: UUID


ProjectCommand = CreateProject | UpdateProject | DeleteProject | AddCastMembers | RemoveCastMember

COMMANDS: dict[str, type[msgspec.Struct]] = {
    "create_project": CreateProject, "update_project": UpdateProject,
    "delete_project": DeleteProject, "add_cast_members": AddCastMembers,
    "remove_cast_member": RemoveCastMember,
}
