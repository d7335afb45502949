"""Outline events: a studio project's proposed structure, for review before a long script.

Aggregate `Outline` on stream `outline-<outline_id>` (the id is chosen by the sender of
`generate_outline`, or derived from the job id when a run in "auto" mode writes its own).
"""

from __future__ import annotations

from typing import ClassVar, get_args
from uuid import UUID

import msgspec

from videogen_contracts.project.events import Timestamp
from videogen_contracts.script.events import LLMUsage


def outline_stream_id(outline_id: UUID) -> str:
    """The Outline aggregate's stream: `outline-<uuid>`."""
    return f"outline-{outline_id}"


class OutlineSectionPlan(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    summary: str
    target_minutes: float
    key_points: list[str]


class OutlineEventBase(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    schema_version: ClassVar[int] = 1

    outline_id: UUID
    project_id: UUID


class OutlineGenerated(OutlineEventBase, frozen=True, kw_only=True, tag="OutlineGenerated"):
    title: str
    total_target_minutes: float
    sections: list[OutlineSectionPlan]
    # "offline" or "openai:<model>".
    provider_label: str
    usage: LLMUsage | None = None
    # Set when a generation run in "auto" mode wrote the outline for itself.
    job_id: UUID | None = None
    generated_at: Timestamp


class OutlineSectionRegenerated(
    OutlineEventBase, frozen=True, kw_only=True, tag="OutlineSectionRegenerated"
):
    # 0-based index of the replaced section; the others are unchanged.
    section_index: int
    section: OutlineSectionPlan
    instructions: str | None = None
    provider_label: str
    usage: LLMUsage | None = None
    regenerated_at: Timestamp


class OutlineApproved(OutlineEventBase, frozen=True, kw_only=True, tag="OutlineApproved"):
    """The outline a generation run writes from; approved outlines stay regenerable."""

    job_id: UUID
    approved_at: Timestamp


OutlineEvent = OutlineGenerated | OutlineSectionRegenerated | OutlineApproved

OUTLINE_EVENT_TYPES: tuple[type[OutlineEventBase], ...] = get_args(OutlineEvent)

outline_event_decoder: msgspec.json.Decoder[OutlineEvent] = msgspec.json.Decoder(OutlineEvent)
