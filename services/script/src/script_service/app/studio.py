"""The studio's script commands and queries: edits, and the writing the caller waits for.

Quick-generate, outline, outline-section and expansion requests are synchronous: the
writer is called here, before the decider, and its answer goes into an internal command
(so the decider stays pure and a retry after a concurrent write decides again on the same
text). A repeated command id is answered from the stream BEFORE the writer is called, so
a resend costs no second model call. A broken model is `Unavailable` with the reason.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, TypeVar
from uuid import UUID

from videogen_contracts.errors import Conflict, Invalid, NotFound, Unavailable
from videogen_contracts.replies import CommandAccepted
from videogen_contracts.script.commands import (
    GenerateOutline,
    QuickGenerate,
    RegenerateOutlineSection,
    StudioScriptCommand,
)
from videogen_contracts.script.events import studio_script_id
from videogen_contracts.script.queries import (
    ExpandSection,
    ExpansionSuggestions,
    GetProjectScript,
    ProjectScript,
)
from videogen_eventstore.decider import AnyAggregate, Streams
from videogen_providers.llm.base import OutlineDraft, Written

from script_service.app.aggregates import OUTLINE, SCRIPT, metadata_for
from script_service.app.briefs import BriefBook, ProjectBrief, await_brief
from script_service.app.writer_calls import (
    WriterCalls,
    WriterFailed,
    llm_usage,
    plan_of,
    section_of,
)
from script_service.domain.commands import RecordOutline, ReplaceOutlineSection, ReplaceScript
from script_service.domain.generation_start import DEFAULT_MINUTES, check_minutes
from script_service.domain.outline import check_instructions, check_section_index
from script_service.domain.outline import existing_outline as outline_project
from script_service.domain.written import clean_sentences, written_sections

T = TypeVar("T")

EXPAND_MAX = 10


class StudioScripts:
    def __init__(
        self, streams: Streams, briefs: BriefBook, writer: WriterCalls, brief_wait: float
    ) -> None:
        self.streams = streams
        self.briefs = briefs
        self.writer = writer
        self.brief_wait = brief_wait

    async def edit(
        self, command: StudioScriptCommand, *, correlation_id: str, causation_id: str | None
    ) -> CommandAccepted:
        return await self._run(
            SCRIPT, command.project_id, command, command.project_id, correlation_id, causation_id
        )

    async def quick_generate(
        self, command: QuickGenerate, *, correlation_id: str, causation_id: str | None
    ) -> CommandAccepted:
        earlier = await self.streams.earlier(SCRIPT, command.project_id, command.command_id)
        if earlier is not None:
            return earlier
        script, _ = await self.streams.load(SCRIPT, command.project_id)
        if script.generating is not None:  # say so now rather than after a model call
            raise Conflict(f"generation {script.generating} is writing this project's script")
        brief, minutes = await self._brief_and_minutes(
            command.project_id, command.project_version, command.target_minutes
        )
        written = await self._write(
            "the script", self.writer.writer.quick_script(brief.for_writer(minutes))
        )
        sections = written_sections(
            studio_script_id(command.project_id), f"quick:{command.command_id}",
            [(s.title, s.sentences) for s in written.value],
        )
        if not sections:
            raise Unavailable("The language model wrote no usable sentence; try again.")
        replace = ReplaceScript(
            command_id=command.command_id, now=command.now, project_id=command.project_id,
            source="quick", sections=sections, provider_label=written.provider_label,
            usage=llm_usage(written.usage), language=brief.language,
        )
        return await self._run(
            SCRIPT, command.project_id, replace, command.project_id, correlation_id, causation_id,
            brief.owner,
        )

    async def generate_outline(
        self, command: GenerateOutline, *, correlation_id: str, causation_id: str | None
    ) -> CommandAccepted:
        earlier = await self.streams.earlier(OUTLINE, command.outline_id, command.command_id)
        if earlier is not None:
            return earlier
        brief, minutes = await self._brief_and_minutes(
            command.project_id, command.project_version, command.target_minutes
        )
        written = await self._write(
            "the outline", self.writer.writer.outline(brief.for_writer(minutes))
        )
        draft = written.value
        record = RecordOutline(
            command_id=command.command_id, now=command.now, outline_id=command.outline_id,
            project_id=command.project_id, title=draft.title,
            total_target_minutes=draft.total_target_minutes,
            sections=[plan_of(s) for s in draft.sections], provider_label=written.provider_label,
            usage=llm_usage(written.usage),
        )
        return await self._run(
            OUTLINE, command.outline_id, record, command.project_id, correlation_id, causation_id,
            brief.owner,
        )

    async def regenerate_outline_section(
        self, command: RegenerateOutlineSection, *, correlation_id: str, causation_id: str | None
    ) -> CommandAccepted:
        earlier = await self.streams.earlier(OUTLINE, command.outline_id, command.command_id)
        if earlier is not None:
            return earlier
        outline, _ = await self.streams.load(OUTLINE, command.outline_id)
        project_id = outline_project(outline, command.outline_id)
        check_section_index(outline, command.section_index)
        instructions = check_instructions(command.instructions)
        brief = await self.brief(project_id, command.project_version)
        draft = OutlineDraft(
            title=outline.title, total_target_minutes=outline.total_target_minutes,
            sections=[section_of(p) for p in outline.sections],
        )
        written = await self._write(
            f"section {command.section_index + 1} of the outline",
            self.writer.writer.regenerate_section(
                brief.for_writer(outline.total_target_minutes), draft, command.section_index,
                instructions,
            ),
        )
        replace = ReplaceOutlineSection(
            command_id=command.command_id, now=command.now, outline_id=command.outline_id,
            section_index=command.section_index, section=plan_of(written.value),
            instructions=instructions, provider_label=written.provider_label,
            usage=llm_usage(written.usage),
        )
        return await self._run(
            OUTLINE, command.outline_id, replace, project_id, correlation_id, causation_id
        )

    async def expand_section(self, query: ExpandSection) -> ExpansionSuggestions:
        if not 1 <= query.count <= EXPAND_MAX:
            raise Invalid("count", f"count must be 1..{EXPAND_MAX} (got {query.count})")
        script, _ = await self.streams.load(SCRIPT, query.project_id)
        section = script.section(query.section_id)
        if section is None:
            raise NotFound(f"section {query.section_id} not found in this project's script")
        brief = await self.brief(query.project_id, query.project_version)
        existing = [script.sentences[s].text for s in section.sentence_ids]
        minutes = brief.target_duration_minutes or DEFAULT_MINUTES
        written = await self._write(
            f'more sentences for "{section.title}"',
            self.writer.writer.expand(
                brief.for_writer(minutes), section.title, existing, query.count
            ),
        )
        return ExpansionSuggestions(
            section_id=query.section_id, sentences=clean_sentences(written.value),
            provider_label=written.provider_label, usage=llm_usage(written.usage),
        )

    async def project_script(self, query: GetProjectScript) -> ProjectScript:
        script, recorded = await self.streams.load(SCRIPT, query.project_id)
        if not script.exists:
            raise NotFound(f"project {query.project_id} has no script yet")
        return ProjectScript(
            project_id=query.project_id, script_id=studio_script_id(query.project_id),
            version=recorded[-1].stream_version, sections=script.to_sections(),
        )

    async def _run(
        self, aggregate: AnyAggregate, key: UUID, command: Any, project_id: UUID,
        correlation_id: str, causation_id: str | None, owner: str | None = None,
    ) -> CommandAccepted:
        """Decide `command` (its id is the studio request's) on `aggregate`'s stream `key`;
        a new stream is `owner`'s (the project's, when the brief is at hand)."""
        metadata = metadata_for(project_id, correlation_id, causation_id, owner)
        return await self.streams.run(
            aggregate, key, command, command_id=command.command_id, metadata=metadata
        )

    async def brief(self, project_id: UUID, min_version: int = 0) -> ProjectBrief:
        return await await_brief(self.briefs, project_id, min_version, self.brief_wait)

    async def _brief_and_minutes(
        self, project_id: UUID, version: int, target_minutes: float | None
    ) -> tuple[ProjectBrief, float]:
        """The brief to write with, and the length to write: asked for, else the project's."""
        check_minutes(target_minutes)
        brief = await self.brief(project_id, version)
        return brief, target_minutes or brief.target_duration_minutes or DEFAULT_MINUTES

    async def _write(self, what: str, call: Awaitable[Written[T]]) -> Written[T]:
        try:
            return await self.writer.call(what, call)
        except WriterFailed as failed:
            raise Unavailable(failed.message) from None
