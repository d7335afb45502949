"""What the script service knows about each project: its brief and cast, for every prompt.

Learned from the project service's events (never its tables) into a local copy, one row
per project (adapters/briefs_pg.py). `apply_project_event` is the pure fold of that copy.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol
from uuid import UUID

import msgspec
from msgspec import UNSET
from videogen_contracts.project.events import (
    CastMemberAdded,
    CastMemberRemoved,
    ProjectCreated,
    ProjectDeleted,
    ProjectEvent,
    ProjectUpdated,
)
from videogen_providers.llm.base import Brief, CastMember

BRIEF_FIELDS = (
    "topic",
    "style",
    "target_duration_minutes",
    "description",
    "audience",
    "goal",
    "tone",
    "language",
)


class CastEntry(msgspec.Struct, frozen=True, kw_only=True):
    character_id: UUID
    name: str
    description: str | None = None
    role: str | None = None


class ProjectBrief(msgspec.Struct, frozen=True, kw_only=True):
    project_id: UUID
    topic: str
    style: str | None = None
    target_duration_minutes: float | None = None
    description: str | None = None
    audience: str | None = None
    goal: str | None = None
    tone: str | None = None
    language: str = "en"
    cast: list[CastEntry] = msgspec.field(default_factory=list)
    deleted: bool = False

    def for_writer(self, target_minutes: float) -> Brief:
        """The writer's brief: every prompt carries the topic, audience, tone and cast."""
        return Brief(
            topic=self.topic,
            target_minutes=target_minutes,
            audience=self.audience,
            goal=self.goal,
            tone=self.tone,
            language=self.language,
            style=self.style,
            description=self.description,
            cast=[
                CastMember(name=c.name, description=c.description, role=c.role) for c in self.cast
            ],
        )


class BriefBook(Protocol):
    async def brief(self, project_id: UUID) -> ProjectBrief | None:
        """The project's brief; None if unknown or deleted."""
        ...


# How long a request waits for a project the script service has not heard of yet (its
# ProjectCreated is on its way through NATS) before answering not_found.
BRIEF_WAIT = 3.0


class ProjectUnknown(Exception):
    def __init__(self, project_id: UUID) -> None:
        super().__init__(f"project {project_id} not found")
        self.project_id = project_id


async def await_brief(
    briefs: BriefBook, project_id: UUID, wait: float = BRIEF_WAIT
) -> ProjectBrief:
    """The project's brief, waiting up to `wait` s for one not heard of yet."""
    deadline = time.monotonic() + wait
    while True:
        brief = await briefs.brief(project_id)
        if brief is not None:
            return brief
        if time.monotonic() >= deadline:
            raise ProjectUnknown(project_id)
        await asyncio.sleep(0.05)


def apply_project_event(brief: ProjectBrief | None, event: ProjectEvent) -> ProjectBrief | None:
    """The brief after `event`; None while the project is unknown."""
    match event:
        case ProjectCreated():
            return ProjectBrief(
                project_id=event.project_id,
                **{name: getattr(event, name) for name in BRIEF_FIELDS},
            )
        case ProjectUpdated() if brief is not None:
            changed = {
                name: value
                for name in BRIEF_FIELDS
                if (value := getattr(event.changes, name)) is not UNSET
            }
            return msgspec.structs.replace(brief, **changed)
        case ProjectDeleted() if brief is not None:
            return msgspec.structs.replace(brief, deleted=True)
        case CastMemberAdded() if brief is not None:
            entry = CastEntry(
                character_id=event.character_id,
                name=event.name,
                description=event.description,
                role=event.role,
            )
            others = [c for c in brief.cast if c.character_id != event.character_id]
            return msgspec.structs.replace(brief, cast=[*others, entry])
        case CastMemberRemoved() if brief is not None:
            kept = [c for c in brief.cast if c.character_id != event.character_id]
            return msgspec.structs.replace(brief, cast=kept)
        case _:
            # An update of a project created before we listened cannot happen (the
            # consumer starts at the beginning of the stream); ignore it rather than guess.
            return brief


class InMemoryBriefBook:
    """For unit tests, and the fold's reference behaviour."""

    def __init__(self) -> None:
        self.briefs: dict[UUID, ProjectBrief] = {}

    def apply(self, event: ProjectEvent) -> None:
        brief = apply_project_event(self.briefs.get(event.project_id), event)
        if brief is not None:
            self.briefs[event.project_id] = brief

    async def brief(self, project_id: UUID) -> ProjectBrief | None:
        found = self.briefs.get(project_id)
        return None if found is None or found.deleted else found
