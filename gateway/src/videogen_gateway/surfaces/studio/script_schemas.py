"""The studio's script JSON shapes (seed 000) and their translation to commands and back.

Bodies are camelCase, as the original Express app took them; durations are in minutes.
Nothing here decides anything: the script service validates and decides, and its answers
are only renamed into the names the studio's clients sent.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta
from videogen_contracts.replies import CommandRejected
from videogen_contracts.script.limits import EXPAND_MAX, INSTRUCTIONS_MAX, MINUTES_MAX
from videogen_gateway.errors import ApiError, Rejected
from videogen_gateway.openapi import zero_bound
from videogen_gateway.readmodels.outlines.readmodel import OutlineRow, OutlineSectionOut
from videogen_gateway.readmodels.scripts.queries import SectionRow, SentenceRow
from videogen_gateway.surfaces.studio.project_schemas import SectionOut, SentenceOut

# generate-script-short: "scripts < 10 mins" (the seed); whole minutes are not required.
SHORT_MIN_MINUTES = 1
SHORT_MAX_MINUTES = 10

# --- requests -----------------------------------------------------------------------------
# Every length in minutes is optional: without one, the project's own target is used.

Minutes = Annotated[
    float,
    Meta(gt=0, le=MINUTES_MAX, description=f"minutes, more than 0, at most {MINUTES_MAX:g}",
         extra_json_schema=zero_bound(exclusive_minimum=0.0)),
]
ShortMinutes = Annotated[
    float,
    Meta(ge=SHORT_MIN_MINUTES, le=SHORT_MAX_MINUTES,
         description=f"minutes, {SHORT_MIN_MINUTES} to {SHORT_MAX_MINUTES}; absent or null: the"
                     " project's target duration (brought into that range)"),
]


class TargetBody(msgspec.Struct, kw_only=True, rename="camel"):
    """quick-generate and generate-outline: an optional length in minutes."""

    target_duration: Minutes | None = None


class ShortScriptBody(msgspec.Struct, kw_only=True, rename="camel"):
    target_duration: ShortMinutes | None = None


class ScriptBody(msgspec.Struct, kw_only=True, rename="camel"):
    mode: Literal["auto", "from-outline"] = "auto"
    outline_id: UUID | None = None
    target_duration: Minutes | None = None


class RegenerateSectionBody(msgspec.Struct, kw_only=True, rename="camel"):
    section_index: Annotated[
        int,
        Meta(ge=0, description="0-based, a section of the outline",
             extra_json_schema=zero_bound(minimum=0)),
    ]
    instructions: Annotated[str, Meta(max_length=INSTRUCTIONS_MAX)] | None = None


class ExpandBody(msgspec.Struct, kw_only=True, rename="camel"):
    count: Annotated[int, Meta(ge=1, le=EXPAND_MAX)] | None = None


class AcceptBody(msgspec.Struct, kw_only=True, rename="camel"):
    sentences: list[str]
    position: int | None = None


class ReorderSectionsBody(msgspec.Struct, kw_only=True, rename="camel"):
    project_id: UUID
    section_ids: list[UUID]


class ReorderSentencesBody(msgspec.Struct, kw_only=True, rename="camel"):
    section_id: UUID
    sentence_ids: list[UUID]


class MoveBody(msgspec.Struct, kw_only=True, rename="camel"):
    target_section_id: UUID
    position: int


class SentenceBody(msgspec.Struct, kw_only=True, rename="camel"):
    text: str


# --- responses ----------------------------------------------------------------------------


class ScriptOut(msgspec.Struct, kw_only=True, rename="camel"):
    project_id: UUID
    provider_label: str | None
    sections: list[SectionOut]


class GenerationAccepted(msgspec.Struct, kw_only=True, rename="camel"):
    job_id: UUID
    status: Literal["queued"]
    message: str
    estimated_duration_seconds: int


class OutlineOut(msgspec.Struct, kw_only=True, rename="camel"):
    id: UUID
    outline_id: UUID  # the name generate-outline answers with; the same as `id`
    project_id: UUID
    title: str
    total_target_minutes: float
    sections: list[OutlineSectionOut]
    status: str
    provider_label: str
    job_id: UUID | None
    created_at: datetime
    updated_at: datetime


class SuggestionsOut(msgspec.Struct, kw_only=True, rename="camel"):
    section_id: UUID
    suggestions: list[str]
    provider_label: str


# --- translation --------------------------------------------------------------------------


def short_minutes(given: float | None, project_minutes: float | None) -> float | None:
    """The length of a short script: the client's (its 1..10 is checked by `ShortScriptBody`),
    else the project's target brought into 1..10, else None (the service's default)."""
    if given is not None:
        return given
    if project_minutes is None:
        return None
    return min(max(project_minutes, SHORT_MIN_MINUTES), SHORT_MAX_MINUTES)


def script_mode(body: ScriptBody) -> None:
    if body.mode == "from-outline" and body.outline_id is None:
        raise ApiError(400, "outlineId is required when mode is \"from-outline\"", "outlineId")


def sentence_out(row: SentenceRow) -> SentenceOut:
    return SentenceOut(id=row.id, section_id=row.section_id, text=row.text, order=row.position,
                       revision=row.revision, stale=row.stale)


def section_out(row: SectionRow) -> SectionOut:
    return SectionOut(id=row.id, project_id=row.project_id, title=row.title, order=row.position,
                      provider_label=row.provider_label,
                      sentences=[sentence_out(s) for s in row.sentences])


def script_out(project_id: UUID, rows: list[SectionRow]) -> ScriptOut:
    label = next((r.provider_label for r in rows if r.provider_label), None)
    return ScriptOut(project_id=project_id, provider_label=label,
                     sections=[section_out(r) for r in rows])


def outline_out(row: OutlineRow) -> OutlineOut:
    return OutlineOut(**msgspec.structs.asdict(row), outline_id=row.id)


def queued_message(mode: str) -> str:
    if mode == "from-outline":
        return "Script generation queued: writing each section of the approved outline"
    return "Script generation queued: writing an outline, then each section"


# --- the service's answers, in the studio's names -------------------------------------------

# The script commands' field names that the studio spells differently than camelCase.
_RENAMED = {"target_minutes": "targetDuration"}
_SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def _camel(match: re.Match[str]) -> str:
    head, *rest = match[0].split("_")
    return _RENAMED.get(match[0]) or head + "".join(part.title() for part in rest)


def script_rejection(rejection: CommandRejected) -> Rejected:
    """The service's rejection, with its field names as the studio client sent them."""
    field = _SNAKE.sub(_camel, rejection.field) if rejection.field else None
    return Rejected(rejection, field, _SNAKE.sub(_camel, rejection.message))


def move_rejection(rejection: CommandRejected, *, target_elsewhere: bool) -> ApiError:
    """A refused move: a target section the script lacks but another project has is a 400."""
    target_unknown = rejection.code == "not_found" and rejection.field == "target_section_id"
    if target_unknown and target_elsewhere:
        return ApiError(400, "targetSectionId is a section of another project", "targetSectionId")
    return script_rejection(rejection)
