"""The generation worker: writes a queued run's outline, then its sections, then the script.

Run by the job queue for each `GenerationQueued`. Every step starts from the stored state,
so a run redelivered after a crash resumes where it stopped: an outline already recorded is
not written again, sections already written are skipped. Each step has a deterministic
command id (`<job_id>:<step>`), so a step repeated by a resumed job is stored once.

Failure: every way the writer fails (timeouts, 429/5xx after its retries, unusable
answers, our own per-call deadline) becomes `GenerationFailed` with a clear message and
releases the project's script at once. An unexpected error is retried by the queue with a
backoff, and on the last delivery also ends the run as failed: a run never stays "running"
for ever.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid5

import structlog
from videogen_bus.jobs import Delivery
from videogen_contracts.envelope import EventMetadata, RecordedEvent
from videogen_contracts.script.events import studio_script_id
from videogen_contracts.script.generation import GenerationQueued, generation_event_decoder
from videogen_contracts.script.outline import OutlineSectionPlan
from videogen_eventstore.decider import Aggregate, Streams
from videogen_eventstore.multi_stream import AtomicAppender, Part, run_together
from videogen_providers.llm.base import Brief
from videogen_runtime.outages import hand_back

from script_service.app.aggregates import OUTLINE, RUN, SCRIPT
from script_service.app.briefs import BriefBook
from script_service.app.writer_calls import (
    WriterCalls,
    WriterFailed,
    llm_usage,
    plan_of,
    section_of,
)
from script_service.domain.commands import (
    ApproveOutline,
    EndGeneration,
    RecordOutline,
    ReplaceScript,
)
from script_service.domain.generation import (
    BeginRun,
    CompleteSection,
    FailRun,
    FinishRun,
    GenerationRun,
    StartSection,
)
from script_service.domain.written import sentence_count, spoken_minutes, written_section

log = structlog.get_logger("script_service.generation")

def auto_outline_id(job_id: UUID) -> UUID:
    """The outline a run in "auto" mode writes for itself."""
    return uuid5(job_id, "outline")


@dataclass(frozen=True)
class GenerationTools:
    streams: Streams
    appender: AtomicAppender
    writer: WriterCalls
    briefs: BriefBook


class GenerationJob:
    def __init__(self, tools: GenerationTools) -> None:
        self.tools = tools

    async def __call__(self, event: RecordedEvent, delivery: Delivery) -> None:
        queued = generation_event_decoder.decode(event.data)
        if not isinstance(queued, GenerationQueued):
            return  # the queue's filter lets only GenerationQueued through; be safe anyway
        run = _Run(self.tools, queued, event.metadata)
        try:
            await run.resume()
        except WriterFailed as failed:
            log.warning(
                "generation.writer_failed", job_id=str(queued.job_id), code=failed.code,
                reason=failed.message,
            )
            await run.fail(failed.code, failed.message)
        except Exception as error:
            # Worker boundary: retried with a backoff by the queue, unless this was the last
            # delivery; then the run ends as failed instead of holding the project for ever.
            # An outage is retried however long it lasts: the run is not at fault.
            if hand_back(error, delivery):
                raise
            log.exception("generation.gave_up", job_id=str(queued.job_id))
            await run.fail(
                "internal",
                "Script generation failed on an internal error; correlation id "
                f"{event.metadata.correlation_id}.",
            )


class _Run:
    def __init__(self, tools: GenerationTools, queued: GenerationQueued, meta: EventMetadata):
        self.tools = tools
        self.streams = tools.streams
        self.job_id = queued.job_id
        self.project_id = queued.project_id
        self.metadata = EventMetadata(
            correlation_id=meta.correlation_id, causation_id=meta.command_id,
            project_id=str(queued.project_id),
        )
        self.section: int | None = None

    async def resume(self) -> None:
        run, _ = await self.streams.load(RUN, self.job_id)
        if run.finished or run.status == "none":
            return
        brief = await self.tools.briefs.brief(self.project_id)
        if brief is None:
            raise WriterFailed("project_unknown", "The project was deleted or is unknown.")
        writer_brief = brief.for_writer(run.target_minutes)
        plans = await self._outline(run, writer_brief)
        if run.status == "queued":
            outline_id = run.outline_id or auto_outline_id(self.job_id)
            begin = BeginRun(self._id("begin"), _now(), outline_id, [p.title for p in plans])
            await self._step(RUN, self.job_id, "begin", begin)
            run, _ = await self.streams.load(RUN, self.job_id)
        for index, plan in enumerate(plans):
            if index not in run.written:
                await self._write_section(writer_brief, plans, index, plan)
        await self._finish(brief.language)

    async def _outline(self, run: GenerationRun, brief: Brief) -> list[OutlineSectionPlan]:
        outline_id = run.outline_id or auto_outline_id(self.job_id)
        outline, _ = await self.streams.load(OUTLINE, outline_id)
        if outline.exists:
            return list(outline.sections)
        if run.mode == "from-outline":
            raise WriterFailed("outline_missing", f"Outline {outline_id} no longer exists.")
        writer = self.tools.writer
        written = await writer.call("the outline", writer.writer.outline(brief))
        record = RecordOutline(
            command_id=self._id("outline"), now=_now(), outline_id=outline_id,
            project_id=self.project_id, title=written.value.title,
            total_target_minutes=written.value.total_target_minutes,
            sections=[plan_of(s) for s in written.value.sections],
            provider_label=written.provider_label, usage=llm_usage(written.usage),
            job_id=self.job_id,
        )
        await self._step(OUTLINE, outline_id, "outline", record)
        approve = ApproveOutline(self._id("approve"), _now(), outline_id, self.job_id)
        await self._step(OUTLINE, outline_id, "approve", approve)
        return list(record.sections)

    async def _write_section(
        self, brief: Brief, plans: list[OutlineSectionPlan], index: int, plan: OutlineSectionPlan
    ) -> None:
        self.section = index
        started = f"section-started:{index}"
        await self._step(RUN, self.job_id, started, StartSection(self._id(started), _now(), index))
        written = await self.tools.writer.call(
            f"section {index + 1} of {len(plans)}",
            self.tools.writer.writer.section_script(
                brief, section_of(plan), [p.title for p in plans[:index]]
            ),
        )
        section = written_section(
            self.job_id, "generation", index, written.value.title or plan.title,
            written.value.sentences,
        )
        if not section.sentences:
            raise WriterFailed(
                "llm_output_invalid",
                f"The language model wrote no usable sentence for section "
                f"{index + 1} ({plan.title!r}).",
            )
        done = f"section-completed:{index}"
        complete = CompleteSection(
            self._id(done), _now(), index, section, written.provider_label, llm_usage(written.usage)
        )
        await self._step(RUN, self.job_id, done, complete)

    async def _finish(self, language: str) -> None:
        """Complete the run, replace the project's script and release it: one transaction."""
        run, _ = await self.streams.load(RUN, self.job_id)
        sections = run.sections_in_order()
        now = _now()
        cid = self._id("finish")
        finish = FinishRun(
            cid, now, studio_script_id(self.project_id), sentence_count(sections),
            spoken_minutes(sections),
        )
        replace = ReplaceScript(
            command_id=cid, now=now, project_id=self.project_id, source="generation",
            sections=sections, provider_label=self.tools.writer.provider_label, job_id=self.job_id,
            language=language,
        )
        release = EndGeneration(cid, now, self.project_id, self.job_id, "completed")
        # The script first: consumers apply events in log order, so whoever sees the run
        # complete (an SSE `complete`, a WebSocket `job_complete`) already finds the new
        # sections in the read model.
        parts = [
            Part(SCRIPT, self.project_id, [replace, release]),
            Part(RUN, self.job_id, [finish]),
        ]
        await run_together(
            self.streams, self.tools.appender, parts, command_id=cid, metadata=self.metadata
        )
        log.info("generation.completed", job_id=str(self.job_id), sections=len(sections))

    async def fail(self, code: str, message: str) -> None:
        """End the run as failed and release the project's script, in one transaction."""
        now = _now()
        command_id = self._id("fail")
        fail = FailRun(command_id, now, message, code, self.section)
        release = EndGeneration(command_id, now, self.project_id, self.job_id, "failed")
        parts = [Part(RUN, self.job_id, [fail]), Part(SCRIPT, self.project_id, [release])]
        await run_together(
            self.streams, self.tools.appender, parts, command_id=command_id, metadata=self.metadata
        )

    async def _step(
        self, aggregate: Aggregate[Any, Any, Any, Any], key: UUID, step: str, command: Any
    ) -> None:
        await self.streams.run(
            aggregate, key, command, command_id=self._id(step), metadata=self.metadata
        )

    def _id(self, step: str) -> str:
        return f"{self.job_id}:{step}"


def _now() -> datetime:
    return datetime.now(UTC)
