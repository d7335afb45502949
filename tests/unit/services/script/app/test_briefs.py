"""The script service's copy of a project's brief: folded from the project's events in
version order, up to the first gap, and waited for until it reaches the caller's version."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from msgspec import UNSET
from script_service.app.briefs import (
    InMemoryBriefBook,
    ProjectBehind,
    ProjectUnknown,
    await_brief,
    fold_brief,
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

from tests.unit.services.script.world import NOW

PID = uuid4()
MAUD, PIP = uuid4(), uuid4()


def created() -> ProjectCreated:
    return ProjectCreated(
        project_id=PID,
        topic="Tides",
        style=None,
        target_duration_minutes=3,
        description=None,
        audience="kids",
        goal=None,
        tone="warm",
        language="en",
        aspect_ratio="16:9",
        owner=None,
        created_at=NOW,
    )


def cast(character_id: UUID, name: str) -> CastMemberAdded:
    return CastMemberAdded(
        project_id=PID,
        character_id=character_id,
        name=name,
        description=f"{name} the helper",
        role=None,
        voice=None,
        added_at=NOW,
    )


def numbered(*events: ProjectEvent | None) -> list[tuple[int, ProjectEvent | None]]:
    return list(enumerate(events, start=1))


def test_the_brief_follows_updates_and_cast_changes_in_version_order() -> None:
    update = ProjectUpdated(
        project_id=PID,
        updated_at=NOW,
        changes=ProjectChanges(tone="calm", audience=None, topic=UNSET),
    )
    removed = CastMemberRemoved(project_id=PID, character_id=MAUD, removed_at=NOW)
    events = numbered(created(), cast(MAUD, "Maud"), update, cast(PIP, "Pip"), removed)
    brief = fold_brief(reversed(events))  # arrival order does not matter
    assert brief is not None
    assert (brief.topic, brief.tone, brief.audience, brief.version) == ("Tides", "calm", None, 5)
    assert [c.name for c in brief.cast] == ["Pip"]
    writer_brief = brief.for_writer(2.0)
    assert [c.description for c in writer_brief.cast] == ["Pip the helper"]
    assert writer_brief.target_minutes == 2.0


def test_the_fold_stops_at_a_gap_and_counts_unknown_event_types() -> None:
    events = [(1, created()), (2, None), (4, cast(PIP, "Pip"))]
    brief = fold_brief(events)
    assert brief is not None
    assert (brief.version, brief.cast) == (2, [])
    assert fold_brief([(2, cast(PIP, "Pip"))]) is None


def test_a_deleted_project_has_no_brief_to_write_with() -> None:
    deleted = fold_brief(numbered(created(), ProjectDeleted(project_id=PID, deleted_at=NOW)))
    assert deleted is not None
    assert deleted.deleted


async def test_waiting_for_a_version_the_copy_has_not_reached() -> None:
    book = InMemoryBriefBook()
    with pytest.raises(ProjectUnknown):
        await await_brief(book, PID, wait=0.05)
    book.apply(created())
    with pytest.raises(ProjectBehind, match=r"version 1 .* not yet 2"):
        await await_brief(book, PID, min_version=2, wait=0.05)
    book.apply(cast(MAUD, "Maud"))
    brief = await await_brief(book, PID, min_version=2, wait=0.05)
    assert [c.name for c in brief.cast] == ["Maud"]
    book.apply(ProjectDeleted(project_id=PID, deleted_at=NOW))
    with pytest.raises(ProjectUnknown):
        await await_brief(book, PID, wait=5)  # at once: no waiting for a deleted project
