"""GenerationRun events: one asynchronous, section-by-section script generation (a job).

Aggregate `GenerationRun` on stream `generation-<job_id>`. Queued by `start_generation`;
a worker of the script service writes the outline (mode "auto") or takes the approved one
("from-outline"), then every section in order, and on success replaces the project's
studio script (`ScriptReplaced` with this `job_id`, in the same transaction as
`GenerationCompleted`). At most one run per project is queued or running at a time.
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args
from uuid import UUID

import msgspec

from videogen_contracts.project.events import Timestamp
from videogen_contracts.script.events import LLMUsage, ScriptSection

GenerationMode = Literal["auto", "from-outline"]


def generation_stream_id(job_id: UUID) -> str:
    """The GenerationRun aggregate's stream: `generation-<uuid>`."""
    return f"generation-{job_id}"


class GenerationEventBase(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    schema_version: ClassVar[int] = 1

    job_id: UUID
    project_id: UUID


class GenerationQueued(GenerationEventBase, frozen=True, kw_only=True, tag="GenerationQueued"):
    mode: GenerationMode
    # The outline to write from (mode "from-outline"); None in "auto" until the worker
    # writes one (then `GenerationStarted.outline_id`).
    outline_id: UUID | None = None
    target_minutes: float
    # A rough estimate for clients (`estimatedDurationSeconds`).
    estimated_seconds: int
    queued_at: Timestamp


class GenerationStarted(GenerationEventBase, frozen=True, kw_only=True, tag="GenerationStarted"):
    """A worker took the run and knows its sections (progress 0 of `total_sections`)."""

    outline_id: UUID
    total_sections: int
    section_titles: list[str]
    started_at: Timestamp


class GenerationSectionStarted(
    GenerationEventBase, frozen=True, kw_only=True, tag="GenerationSectionStarted"
):
    # 0-based.
    section_index: int
    total_sections: int
    title: str
    started_at: Timestamp


class GenerationSectionCompleted(
    GenerationEventBase, frozen=True, kw_only=True, tag="GenerationSectionCompleted"
):
    section_index: int
    total_sections: int
    # The written section; its ids are the ones the final `ScriptReplaced` uses.
    section: ScriptSection
    provider_label: str
    usage: LLMUsage | None = None
    completed_at: Timestamp


class GenerationCompleted(
    GenerationEventBase, frozen=True, kw_only=True, tag="GenerationCompleted"
):
    script_id: UUID
    total_sentences: int
    # Spoken length at ~150 words per minute, rounded to 0.1.
    total_duration_minutes: float
    completed_at: Timestamp


class GenerationFailed(GenerationEventBase, frozen=True, kw_only=True, tag="GenerationFailed"):
    # For people: says what failed and why ("the language model timed out 3 times ...").
    message: str
    # For programs: llm_unavailable | llm_output_invalid | project_unknown | outline_missing
    # | internal.
    code: str = "internal"
    # The section being written when it failed, if any.
    section_index: int | None = None
    failed_at: Timestamp


GenerationEvent = (
    GenerationQueued | GenerationStarted | GenerationSectionStarted | GenerationSectionCompleted
    | GenerationCompleted | GenerationFailed
)

GENERATION_EVENT_TYPES: tuple[type[GenerationEventBase], ...] = get_args(GenerationEvent)

generation_event_decoder: msgspec.json.Decoder[GenerationEvent] = msgspec.json.Decoder(
    GenerationEvent
)
