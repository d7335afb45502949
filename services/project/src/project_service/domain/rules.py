"""Input rules for project metadata and cast: limits, and the field each one names."""

from __future__ import annotations

import math
from collections.abc import Sequence
from uuid import UUID

from msgspec import UNSET, UnsetType
from videogen_contracts.errors import Invalid
from videogen_contracts.project.commands import CastMemberSpec
from videogen_contracts.project.events import ProjectChanges
from videogen_contracts.project.limits import (
    BATCH_MAX,
    CAST_DESCRIPTION_MAX,
    CAST_MAX,
    CAST_NAME_MAX,
    DESCRIPTION_MAX,
    DURATION_MAX_MINUTES,
    LANGUAGE_MAX,
    SHORT_TEXT_MAX,
    TOPIC_MAX,
)


def check_required_text(field: str, value: str | UnsetType, limit: int) -> None:
    if value is UNSET:
        return
    if not value.strip():
        raise Invalid(field, f"{field} must not be blank")
    check_optional_text(field, value, limit)


def check_optional_text(field: str, value: str | UnsetType | None, limit: int) -> None:
    if isinstance(value, str) and len(value) > limit:
        raise Invalid(field, f"{field} must be at most {limit} characters (got {len(value)})")


def check_duration(value: float | UnsetType | None) -> None:
    # `not (0 < v <= max)` rather than `v <= 0 or v > max` so that NaN is refused too.
    if isinstance(value, float | int) and not (
        math.isfinite(value) and 0 < value <= DURATION_MAX_MINUTES
    ):
        raise Invalid(
            "target_duration_minutes",
            f"target_duration_minutes must be > 0 and <= {DURATION_MAX_MINUTES:g} (got {value})",
        )


def check_changes(changes: ProjectChanges) -> None:
    """Every present field of `changes` obeys its rule (UNSET fields are not checked)."""
    check_required_text("topic", changes.topic, TOPIC_MAX)
    check_optional_text("description", changes.description, DESCRIPTION_MAX)
    check_optional_text("style", changes.style, SHORT_TEXT_MAX)
    check_optional_text("audience", changes.audience, SHORT_TEXT_MAX)
    check_optional_text("goal", changes.goal, SHORT_TEXT_MAX)
    check_optional_text("tone", changes.tone, SHORT_TEXT_MAX)
    check_optional_text("owner", changes.owner, SHORT_TEXT_MAX)
    check_required_text("language", changes.language, LANGUAGE_MAX)
    check_duration(changes.target_duration_minutes)


def check_cast_batch(members: Sequence[CastMemberSpec]) -> None:
    """A batch holds 1..BATCH_MAX valid members and names no character twice."""
    if not members:
        raise Invalid("members", "members must not be empty")
    if len(members) > BATCH_MAX:
        raise Invalid("members", f"at most {BATCH_MAX} members per batch (got {len(members)})")
    seen: set[UUID] = set()
    for index, member in enumerate(members):
        check_cast_member(f"members[{index}]", member)
        if member.character_id in seen:
            raise Invalid(
                f"members[{index}].character_id",
                f"character {member.character_id} appears twice in the batch",
            )
        seen.add(member.character_id)


def check_cast_size(current: int, added: int) -> None:
    if current + added > CAST_MAX:
        raise Invalid(
            "members", f"a cast holds at most {CAST_MAX} members ({current} + {added} requested)",
        )


def check_cast_member(prefix: str, member: CastMemberSpec) -> None:
    check_required_text(f"{prefix}.name", member.name, CAST_NAME_MAX)
    check_optional_text(f"{prefix}.description", member.description, CAST_DESCRIPTION_MAX)
    check_optional_text(f"{prefix}.role", member.role, SHORT_TEXT_MAX)
    check_optional_text(f"{prefix}.voice", member.voice, SHORT_TEXT_MAX)
