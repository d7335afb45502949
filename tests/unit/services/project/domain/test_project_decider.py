"""The Project decider, given/when/then: past events, one command, the events it produces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from project_service.domain.project import decide, fold
from videogen_contracts.errors import Conflict, DomainError, Invalid, NotFound
from videogen_contracts.project.commands import (
    AddCastMembers,
    CastMemberSpec,
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

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
PID = UUID("00000000-0000-4000-8000-000000000001")
ALICE = UUID("00000000-0000-4000-8000-0000000000a1")
BOB = UUID("00000000-0000-4000-8000-0000000000b0")


@dataclass(frozen=True)
class When:
    history: tuple[ProjectEvent, ...]
    command: ProjectCommand

    def then(self, *expected: ProjectEvent) -> None:
        assert decide(self.command, fold(self.history)) == list(expected)

    def raises(self, error: type[DomainError], field: str | None = None) -> DomainError:
        with pytest.raises(error) as caught:
            decide(self.command, fold(self.history))
        assert caught.value.field == field
        return caught.value


@dataclass(frozen=True)
class Given:
    history: tuple[ProjectEvent, ...]

    def when(self, command: ProjectCommand) -> When:
        return When(self.history, command)


def given(*events: ProjectEvent) -> Given:
    return Given(events)


def created(**overrides: Any) -> ProjectCreated:
    fields: dict[str, Any] = {"project_id": PID, "topic": "Volcanoes", "created_at": NOW}
    fields |= dict.fromkeys(["style", "target_duration_minutes", "description", "audience"])
    fields |= dict.fromkeys(["goal", "tone", "owner"])
    fields |= {"language": "en", "aspect_ratio": "16:9"}
    return ProjectCreated(**(fields | overrides))


def added(character_id: UUID, name: str = "Alice", **fields: Any) -> CastMemberAdded:
    defaults = dict.fromkeys(["description", "role", "voice"])
    return CastMemberAdded(
        project_id=PID, character_id=character_id, name=name, added_at=NOW, **(defaults | fields)
    )


def create(**fields: Any) -> CreateProject:
    fields = {"topic": "Volcanoes"} | fields
    return CreateProject(command_id="c1", now=NOW, project_id=PID, **fields)


def update(**fields: Any) -> UpdateProject:
    return UpdateProject(command_id="c2", now=NOW, project_id=PID, **fields)


def delete() -> DeleteProject:
    return DeleteProject(command_id="c3", now=NOW, project_id=PID)


def add(*members: CastMemberSpec) -> AddCastMembers:
    return AddCastMembers(command_id="c4", now=NOW, project_id=PID, members=list(members))


def member(character_id: UUID | None = None, name: str = "Alice", **fields: str) -> CastMemberSpec:
    return CastMemberSpec(character_id=character_id or uuid4(), name=name, **fields)


def removed(character_id: UUID) -> CastMemberRemoved:
    return CastMemberRemoved(project_id=PID, character_id=character_id, removed_at=NOW)


def remove(character_id: UUID) -> RemoveCastMember:
    return RemoveCastMember(command_id="c5", now=NOW, project_id=PID, character_id=character_id)


# --- create -------------------------------------------------------------------------------


def test_create_records_every_field_and_the_command_time() -> None:
    given().when(
        create(
            style="documentary",
            target_duration_minutes=12.5,
            description="d",
            audience="kids",
            goal="teach",
            tone="calm",
            language="fr",
            aspect_ratio="9:16",
            owner="u1",
        )
    ).then(
        created(
            style="documentary",
            target_duration_minutes=12.5,
            description="d",
            audience="kids",
            goal="teach",
            tone="calm",
            language="fr",
            aspect_ratio="9:16",
            owner="u1",
        )
    )


def test_create_with_defaults() -> None:
    given().when(create()).then(created())


def test_create_on_an_existing_stream_conflicts() -> None:
    given(created()).when(create()).raises(Conflict)


def test_create_after_delete_still_conflicts_because_stream_ids_are_never_reused() -> None:
    given(created(), ProjectDeleted(project_id=PID, deleted_at=NOW)).when(create()).raises(Conflict)


@pytest.mark.parametrize("topic", ["", "   ", "\n\t", "x" * 501])
def test_create_refuses_a_blank_or_long_topic(topic: str) -> None:
    given().when(create(topic=topic)).raises(Invalid, "topic")


def test_create_accepts_limits_exactly() -> None:
    command = create(
        topic="x" * 500,
        description="d" * 5000,
        style="s" * 200,
        audience="a" * 200,
        goal="g" * 200,
        tone="t" * 200,
        target_duration_minutes=180,
    )
    assert len(decide(command, fold([]))) == 1


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("description", 5000),
        ("style", 200),
        ("audience", 200),
        ("goal", 200),
        ("tone", 200),
        ("owner", 200),
        ("language", 35),
    ],
)
def test_create_refuses_long_text(field: str, limit: int) -> None:
    given().when(create(**{field: "x" * (limit + 1)})).raises(Invalid, field)


def test_create_refuses_a_blank_language() -> None:
    given().when(create(language=" ")).raises(Invalid, "language")


@pytest.mark.parametrize("minutes", [0, 0.0, -1, -0.001, 180.0001, 1e9, float("nan"), float("inf")])
def test_create_refuses_a_duration_outside_0_to_180(minutes: float) -> None:
    given().when(create(target_duration_minutes=minutes)).raises(Invalid, "target_duration_minutes")


# --- update -------------------------------------------------------------------------------


def test_update_records_only_the_fields_it_names() -> None:
    given(created()).when(update(topic="Lava", style=None)).then(
        ProjectUpdated(
            project_id=PID, changes=ProjectChanges(topic="Lava", style=None), updated_at=NOW
        )
    )


def test_update_naming_no_field_changes_nothing() -> None:
    given(created()).when(update()).then()


def test_update_of_a_missing_project_is_not_found() -> None:
    given().when(update(topic="Lava")).raises(NotFound)


def test_update_of_a_deleted_project_is_not_found() -> None:
    given(created(), ProjectDeleted(project_id=PID, deleted_at=NOW)).when(
        update(topic="Lava")
    ).raises(NotFound)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"topic": " "}, "topic"),
        ({"topic": "x" * 501}, "topic"),
        ({"description": "x" * 5001}, "description"),
        ({"tone": "x" * 201}, "tone"),
        ({"target_duration_minutes": -5.0}, "target_duration_minutes"),
        ({"target_duration_minutes": 181.0}, "target_duration_minutes"),
    ],
)
def test_update_applies_the_create_rules_to_the_fields_it_names(
    fields: dict[str, object], field: str
) -> None:
    given(created()).when(update(**fields)).raises(Invalid, field)


def test_update_may_clear_the_duration() -> None:
    given(created(target_duration_minutes=5.0)).when(update(target_duration_minutes=None)).then(
        ProjectUpdated(
            project_id=PID, changes=ProjectChanges(target_duration_minutes=None), updated_at=NOW
        )
    )


# --- delete -------------------------------------------------------------------------------


def test_delete_records_the_deletion() -> None:
    given(created()).when(delete()).then(ProjectDeleted(project_id=PID, deleted_at=NOW))


def test_delete_of_a_missing_project_is_not_found() -> None:
    given().when(delete()).raises(NotFound)


def test_deleting_twice_is_not_found_the_second_time() -> None:
    given(created(), ProjectDeleted(project_id=PID, deleted_at=NOW)).when(delete()).raises(NotFound)


# --- cast ---------------------------------------------------------------------------------


def test_add_cast_records_one_event_per_member_in_order() -> None:
    given(created()).when(add(member(ALICE, "Alice", role="host"), member(BOB, "Bob"))).then(
        CastMemberAdded(
            project_id=PID,
            character_id=ALICE,
            name="Alice",
            description=None,
            role="host",
            voice=None,
            added_at=NOW,
        ),
        added(BOB, "Bob"),
    )


def test_add_cast_to_a_missing_or_deleted_project_is_not_found() -> None:
    given().when(add(member())).raises(NotFound)
    given(created(), ProjectDeleted(project_id=PID, deleted_at=NOW)).when(add(member())).raises(
        NotFound
    )


def test_an_empty_batch_is_invalid() -> None:
    given(created()).when(add()).raises(Invalid, "members")


def test_a_batch_of_more_than_100_is_invalid() -> None:
    given(created()).when(add(*(member() for _ in range(101)))).raises(Invalid, "members")


def test_a_batch_of_100_is_accepted() -> None:
    assert len(decide(add(*(member() for _ in range(100))), fold([created()]))) == 100


def test_a_batch_naming_a_character_twice_is_invalid() -> None:
    given(created()).when(add(member(ALICE), member(BOB), member(ALICE))).raises(
        Invalid, "members[2].character_id"
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "members[1].name"),
        ({"name": "  "}, "members[1].name"),
        ({"name": "n" * 201}, "members[1].name"),
        ({"description": "d" * 2001}, "members[1].description"),
        ({"role": "r" * 201}, "members[1].role"),
        ({"voice": "v" * 201}, "members[1].voice"),
    ],
)
def test_a_member_breaking_a_rule_is_invalid_and_named(fields: dict[str, str], field: str) -> None:
    given(created()).when(add(member(ALICE), member(BOB, **fields))).raises(Invalid, field)


def test_adding_a_character_already_in_the_cast_conflicts() -> None:
    given(created(), added(ALICE)).when(add(member(BOB), member(ALICE))).raises(
        Conflict, "members[1].character_id"
    )


def test_the_cast_holds_at_most_200() -> None:
    full = [added(uuid4()) for _ in range(199)]
    given(created(), *full).when(add(member(), member())).raises(Invalid, "members")
    assert len(decide(add(member()), fold([created(), *full]))) == 1


def test_removed_members_free_their_place_in_the_cast() -> None:
    full: list[ProjectEvent] = [added(uuid4()) for _ in range(199)]
    full += [added(ALICE), removed(ALICE)]
    assert len(decide(add(member()), fold([created(), *full]))) == 1


def test_remove_cast_member() -> None:
    given(created(), added(ALICE)).when(remove(ALICE)).then(removed(ALICE))


def test_removing_a_character_not_in_the_cast_is_not_found() -> None:
    given(created(), added(ALICE)).when(remove(BOB)).raises(NotFound)


def test_removing_twice_is_not_found_the_second_time() -> None:
    given(created(), added(ALICE), removed(ALICE)).when(remove(ALICE)).raises(NotFound)


def test_a_removed_character_may_be_added_again() -> None:
    given(created(), added(ALICE), removed(ALICE)).when(add(member(ALICE))).then(added(ALICE))


def test_remove_from_a_missing_or_deleted_project_is_not_found() -> None:
    given().when(remove(ALICE)).raises(NotFound)
    given(created(), added(ALICE), ProjectDeleted(project_id=PID, deleted_at=NOW)).when(
        remove(ALICE)
    ).raises(NotFound)


def test_update_and_delete_do_not_touch_the_cast() -> None:
    state = fold(
        [
            created(),
            added(ALICE),
            ProjectUpdated(project_id=PID, changes=ProjectChanges(topic="x"), updated_at=NOW),
        ]
    )
    assert state.cast == frozenset({ALICE})
    assert state.live
