"""Project events: the public, versioned record of what happened to a project.

One tagged union per aggregate. Tags are class names, stored as is and never renamed.
A new field gets a default; a breaking change bumps `schema_version` and adds an upcaster.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar, Literal, get_args
from uuid import UUID

import msgspec
from msgspec import UNSET, UnsetType

SERVICE = "project"

AspectRatio = Literal["16:9", "9:16", "1:1"]

# Every time on the wire carries its offset (the senders use UTC), so no reader has to
# guess a zone; decoding a naive timestamp fails.
Timestamp = Annotated[datetime, msgspec.Meta(tz=True)]


def stream_id_for(project_id: UUID) -> str:
    """The Project aggregate's stream: `project-<uuid>`."""
    return f"project-{project_id}"


class ProjectEventBase(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    # Not a field: the version of this event's payload schema, written to the envelope.
    schema_version: ClassVar[int] = 1

    project_id: UUID


class ProjectCreated(ProjectEventBase, frozen=True, tag="ProjectCreated"):
    topic: str
    style: str | None
    target_duration_minutes: float | None
    description: str | None
    audience: str | None
    goal: str | None
    tone: str | None
    language: str
    aspect_ratio: AspectRatio
    owner: str | None
    created_at: Timestamp


class ProjectChanges(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Only the fields that changed: UNSET = unchanged, None = cleared (nullable fields)."""

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


class ProjectUpdated(ProjectEventBase, frozen=True, tag="ProjectUpdated"):
    changes: ProjectChanges
    updated_at: Timestamp


class ProjectDeleted(ProjectEventBase, frozen=True, tag="ProjectDeleted"):
    """Later services react to it by deleting the project's media."""

    deleted_at: Timestamp


class CastMemberAdded(ProjectEventBase, frozen=True, tag="CastMemberAdded"):
    character_id: UUID
    name: str
    description: str | None
    role: str | None
    voice: str | None
    added_at: Timestamp


class CastMemberRemoved(ProjectEventBase, frozen=True, tag="CastMemberRemoved"):
    character_id: UUID
    removed_at: Timestamp


ProjectEvent = (
    ProjectCreated | ProjectUpdated | ProjectDeleted | CastMemberAdded | CastMemberRemoved
)

EVENT_TYPES: tuple[type[ProjectEventBase], ...] = get_args(ProjectEvent)

event_decoder: msgspec.json.Decoder[ProjectEvent] = msgspec.json.Decoder(ProjectEvent)
