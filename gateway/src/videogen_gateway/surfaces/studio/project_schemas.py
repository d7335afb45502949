"""The studio API's JSON shapes (seed 000) and their translation to commands and back.

The original was an Express app: camelCase JSON, `targetDuration` in minutes, Prisma-style
`_count`. Nothing here decides anything; limits and rules are the project service's, and
its answers are only renamed into the names the studio's clients sent.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID, uuid4

import msgspec
from msgspec import UNSET, Meta, UnsetType
from msgspec.structs import asdict
from videogen_contracts.project import limits
from videogen_contracts.project.commands import CastMemberSpec, CreateProject, UpdateProject
from videogen_contracts.replies import CommandRejected
from videogen_gateway.errors import Rejected
from videogen_gateway.health.checks import Check
from videogen_gateway.openapi import zero_bound
from videogen_gateway.readmodels.projects.rows import CastRow, ProjectDetail, ProjectRow

AspectRatio = Literal["16:9", "9:16", "1:1"]

# --- requests -----------------------------------------------------------------------------
# The limits are the project service's (contracts), declared here so that the OpenAPI says
# what is accepted. The service still decides: a blank topic, say, is its refusal.


Topic = Annotated[str, Meta(min_length=1, max_length=limits.TOPIC_MAX,
                            description="what the video is about; not blank")]
Description = Annotated[str, Meta(max_length=limits.DESCRIPTION_MAX)]
ShortText = Annotated[str, Meta(max_length=limits.SHORT_TEXT_MAX)]
Language = Annotated[str, Meta(min_length=1, max_length=limits.LANGUAGE_MAX,
                               description="a BCP 47 language tag; not blank")]
Minutes = Annotated[
    float,
    Meta(gt=0, le=limits.DURATION_MAX_MINUTES,
         description=f"minutes, more than 0 and at most {limits.DURATION_MAX_MINUTES:g}",
         extra_json_schema=zero_bound(exclusive_minimum=0.0)),
]
CastName = Annotated[str, Meta(min_length=1, max_length=limits.CAST_NAME_MAX,
                               description="the character's name; not blank")]
CastDescription = Annotated[str, Meta(max_length=limits.CAST_DESCRIPTION_MAX)]


def _studio_name(name: str) -> str:
    """The studio's JSON names: camelCase, but `targetDuration` (in minutes) and Prisma's
    relation counts, `_count`."""
    if name in ("count", "target_duration_minutes"):
        return "_count" if name == "count" else "targetDuration"
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class ProjectBody(msgspec.Struct, kw_only=True, rename=_studio_name):
    topic: Topic
    style: ShortText | None = None
    target_duration_minutes: Minutes | None = None
    description: Description | None = None
    audience: ShortText | None = None
    goal: ShortText | None = None
    tone: ShortText | None = None
    language: Language | None = None  # null: the default, "en"
    aspect_ratio: AspectRatio | None = None  # null: the default, "16:9"


class ProjectPatch(msgspec.Struct, kw_only=True, rename=_studio_name):
    """PUT body: an absent field is unchanged; null clears a field that may be empty."""

    topic: Topic | UnsetType = UNSET
    style: ShortText | UnsetType | None = UNSET
    target_duration_minutes: Minutes | UnsetType | None = UNSET
    description: Description | UnsetType | None = UNSET
    audience: ShortText | UnsetType | None = UNSET
    goal: ShortText | UnsetType | None = UNSET
    tone: ShortText | UnsetType | None = UNSET
    language: Language | UnsetType = UNSET
    aspect_ratio: AspectRatio | UnsetType = UNSET


class CastBody(msgspec.Struct, kw_only=True):
    name: CastName
    description: CastDescription | None = None
    role: ShortText | None = None
    voice: ShortText | None = None


Characters = Annotated[list[CastBody], Meta(min_length=1, max_length=limits.BATCH_MAX,
                                             description=f"1 to {limits.BATCH_MAX} characters")]


class CastBatchBody(msgspec.Struct, kw_only=True):
    characters: Characters


# --- responses ----------------------------------------------------------------------------


class CountOut(msgspec.Struct, kw_only=True):
    sections: int
    sentences: int


class CastOut(msgspec.Struct, kw_only=True):
    id: UUID
    name: str
    description: str | None
    role: str | None
    voice: str | None


class SentenceOut(msgspec.Struct, kw_only=True, rename="camel"):
    id: UUID
    section_id: UUID
    text: str
    order: int
    # 1 when written, +1 per edit: narration made for an older revision is stale.
    revision: int
    # Changed, or added, since the project's last completed render; false when it has
    # never been rendered (docs/jobs-api.md).
    stale: bool = False


class SectionOut(msgspec.Struct, kw_only=True, rename="camel"):
    id: UUID
    project_id: UUID
    title: str
    order: int
    # Who wrote it: "offline" (the built-in writer) or "openai:<model>".
    provider_label: str | None
    sentences: list[SentenceOut]


class ProjectOut(msgspec.Struct, kw_only=True, rename=_studio_name):
    id: UUID
    topic: str
    style: str | None
    target_duration_minutes: float | None
    description: str | None
    audience: str | None
    goal: str | None
    tone: str | None
    language: str
    aspect_ratio: str
    status: str
    created_at: datetime
    updated_at: datetime
    section_count: int
    sentence_count: int
    count: CountOut


class ProjectDetailOut(ProjectOut, kw_only=True, rename=_studio_name):
    cast: list[CastOut]
    # The project's current script, in order (empty until one is written).
    sections: list[SectionOut]


class Deleted(msgspec.Struct, kw_only=True):
    success: bool = True


class HealthPartOut(msgspec.Struct, kw_only=True, omit_defaults=True, rename="camel"):
    status: Literal["ok", "down"]
    kind: str
    latency_ms: float
    error: str | None = None


class HealthOut(msgspec.Struct, kw_only=True, omit_defaults=True):
    status: Literal["ok", "unavailable"]
    checks: dict[str, HealthPartOut]
    # Names the failing parts, e.g. "project: no responders" (only when one is down).
    error: str | None = None


# --- translation --------------------------------------------------------------------------


def create_command(body: ProjectBody, command_id: str, now: datetime) -> CreateProject:
    given = {name: value for name, value in asdict(body).items() if value is not None}
    # null language and aspect ratio mean the command's defaults ("en", "16:9")
    return CreateProject(command_id=command_id, now=now, project_id=uuid4(), **given)


def update_command(
    patch: ProjectPatch, project_id: UUID, command_id: str, now: datetime
) -> UpdateProject:
    changes = {name: value for name, value in asdict(patch).items() if value is not UNSET}
    return UpdateProject(command_id=command_id, now=now, project_id=project_id, **changes)


def cast_specs(bodies: list[CastBody]) -> list[CastMemberSpec]:
    return [CastMemberSpec(character_id=uuid4(), **asdict(b)) for b in bodies]


def _counted(row: ProjectRow, sections: int, sentences: int) -> dict[str, Any]:
    fields = asdict(row)
    del fields["owner"]
    return {**fields, "section_count": sections, "sentence_count": sentences,
            "count": CountOut(sections=sections, sentences=sentences)}


def project_out(row: ProjectRow) -> ProjectOut:
    return ProjectOut(**_counted(row, row.section_count, row.sentence_count))


def project_detail_out(
    detail: ProjectDetail, sections: list[SectionOut] | None = None
) -> ProjectDetailOut:
    row = detail.project
    # The detail may come from the cache, which knows nothing of script edits.
    counts = ((row.section_count, row.sentence_count) if sections is None
              else (len(sections), sum(len(s.sentences) for s in sections)))
    return ProjectDetailOut(**_counted(row, *counts), cast=[cast_out(c) for c in detail.cast],
                            sections=sections or [])


def created_out(command: CreateProject) -> ProjectDetailOut:
    fields = asdict(command)
    for name in ("command_id", "now", "project_id"):
        del fields[name]
    row = ProjectRow(id=command.project_id, **fields, status="draft", section_count=0,
                     sentence_count=0, created_at=command.now, updated_at=command.now)
    return project_detail_out(ProjectDetail(project=row, cast=[]))


def health_out(checks: list[Check]) -> HealthOut:
    parts = {c.name: HealthPartOut(status="ok" if c.ok else "down", kind=c.kind,
                                   latency_ms=c.latency_ms, error=c.error) for c in checks}
    failing = [f"{c.name}: {c.error}" for c in checks if not c.ok]
    if failing:
        return HealthOut(status="unavailable", checks=parts, error="; ".join(failing))
    return HealthOut(status="ok", checks=parts)


def cast_out(row: CastRow | CastMemberSpec) -> CastOut:
    member_id = row.id if isinstance(row, CastRow) else row.character_id
    return CastOut(id=member_id, name=row.name, description=row.description, role=row.role,
                   voice=row.voice)


# --- the service's answers, in the studio's names -------------------------------------------

_FIELD_NAMES = {
    "target_duration_minutes": "targetDuration", "aspect_ratio": "aspectRatio", "character_id": "id"
}
_MEMBER = re.compile(r"members\[(\d+)\]\.?")


def studio_field(field: str, *, batch: bool) -> str:
    """The service's name for an input, as the studio client sent it."""
    if batch:
        field = _MEMBER.sub(lambda m: f"characters[{m[1]}].", field)
        field = field.replace("members", "characters")
    else:
        field = _MEMBER.sub("", field)
        field = "" if field == "members" else field
    for ours, theirs in _FIELD_NAMES.items():
        field = field.replace(ours, theirs)
    return field.rstrip(".")


def studio_rejection(rejection: CommandRejected, *, batch: bool = False) -> Rejected:
    field = studio_field(rejection.field, batch=batch) if rejection.field else None
    detail = rejection.message
    if rejection.field and field:
        detail = detail.replace(rejection.field, field)
    for ours, theirs in _FIELD_NAMES.items():
        detail = detail.replace(ours, theirs)
    return Rejected(rejection, field or None, detail)
