"""What the script service knows about each project: its brief and cast, for every prompt.

Learned from the project service's events (never its tables): we keep the events of each
project's stream (adapters/briefs_pg.py) and fold them in version order when a brief is
needed (`fold_brief`). `version` is how far the fold got without a gap, so a caller that
has seen version N of the project can wait until our copy has caught up with it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from typing import Protocol
from uuid import UUID

import msgspec
from msgspec import UNSET
from videogen_bus.actor import current_actor
from videogen_contracts.errors import NotFound, Unavailable
from videogen_contracts.project.events import (
    CastMemberAdded,
    CastMemberRemoved,
    ProjectCreated,
    ProjectDeleted,
    ProjectEvent,
    ProjectUpdated,
)
from videogen_eventstore.ownership import may_act_for
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
    # The project stream's version this brief was folded up to (no gap before it).
    version: int = 0
    # The project's owner (its events' metadata): a brief is no one else's to write from.
    owner: str | None = None

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
        """The project's brief as far as we know it (deleted ones too); None if unknown."""
        ...


# How long a request waits for a project the script service has not heard of yet (its
# ProjectCreated is on its way through NATS) before answering not_found.
BRIEF_WAIT = 3.0


# Domain errors, so a use case lets them through and the rpc table maps them
# (ProjectUnknown → not_found, ProjectBehind → unavailable).
class ProjectUnknown(NotFound):
    def __init__(self, project_id: UUID) -> None:
        super().__init__(f"project {project_id} not found")
        self.project_id = project_id


class ProjectBehind(Unavailable):
    def __init__(self, project_id: UUID, have: int, want: int) -> None:
        super().__init__(
            f"the script service has seen version {have} of project {project_id}, not yet "
            f"{want}; try again in a moment"
        )


async def await_brief(
    briefs: BriefBook, project_id: UUID, min_version: int = 0, wait: float = BRIEF_WAIT
) -> ProjectBrief:
    """The project's brief once it reached `min_version`, waiting up to `wait` s for it.

    Raises ProjectUnknown (never heard of, deleted, or another user's: a script, outline
    or run made for it would be the caller's, from someone else's brief) or ProjectBehind.
    """
    deadline = time.monotonic() + wait
    while True:
        brief = await briefs.brief(project_id)
        if brief is not None and (brief.deleted or not may_act_for(brief.owner, current_actor())):
            raise ProjectUnknown(project_id)
        if brief is not None and brief.version >= min_version:
            return brief
        if time.monotonic() >= deadline:
            if brief is None:
                raise ProjectUnknown(project_id)
            raise ProjectBehind(project_id, brief.version, min_version)
        await asyncio.sleep(0.05)


def fold_brief(events: Iterable[tuple[int, ProjectEvent | None]]) -> ProjectBrief | None:
    """Fold `(stream_version, event)` in version order, up to the first gap.

    `None` stands for an event of the project's stream that is no brief event (a type
    added later): it counts for the version and changes nothing.
    """
    brief: ProjectBrief | None = None
    version = 0
    for number, event in sorted(events, key=lambda pair: pair[0]):
        if number != version + 1:
            break  # a gap: what follows waits for the missing event
        version = number
        if event is not None:
            brief = apply_project_event(brief, event)
    return None if brief is None else msgspec.structs.replace(brief, version=version)


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
                character_id=event.character_id, name=event.name, description=event.description,
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
    """For unit tests: events of each project, numbered in the order they are applied."""

    def __init__(self) -> None:
        self.events: dict[UUID, list[tuple[int, ProjectEvent | None]]] = {}

    def apply(self, event: ProjectEvent) -> None:
        known = self.events.setdefault(event.project_id, [])
        known.append((len(known) + 1, event))

    async def brief(self, project_id: UUID) -> ProjectBrief | None:
        return fold_brief(self.events.get(project_id, []))
