"""The AI region edits' use cases: the AiEdit aggregate on the decider kernel, and the
accept of a variant, which is a Timeline decision made from what the job knows.

- `request` records the whole job (AiEditRequested); the worker (workers/ai_edits.py) then
  advances it with `record`ed steps whose ids are deterministic per step, so a resumed job's
  repeats are no-ops.
- `accept` reads the job (the variant must be rendered: NotFound or a Conflict saying why
  not), then decides on `timeline-<project_id>` like every other edit, so it races other
  edits of the timeline safely: a lost append reloads and decides again, and an edit that
  took the range away since makes it a Conflict naming what happened.
- `record` also stores a measured score (`RecordVariantScore`: the scorer measures first,
  outside the decider).

Idempotency: every command keeps its `command_id` across resends; an accept resent with
the same id finds its events on the timeline and answers as the first time.
"""

from __future__ import annotations

from uuid import UUID

from videogen_contracts.errors import NotFound
from videogen_contracts.media.ai_edits import (
    AcceptVariant,
    AiEditEvent,
    RequestAiEdit,
    ai_edit_event_decoder,
    ai_edit_stream_id,
)
from videogen_contracts.replies import CommandAccepted
from videogen_eventstore.api import EventStore
from videogen_eventstore.decider import Aggregate, Streams

from media_service.app.editing import TIMELINE, metadata_for
from media_service.domain import ai_edit
from media_service.domain.ai_commands import AiEditCommand, PlaceVariant
from media_service.domain.ai_edit import AiEdit, rendered_variant

AI_EDIT = Aggregate[UUID, AiEditCommand, AiEdit, AiEditEvent](
    "ai-edit", ai_edit_stream_id, ai_edit.decide, ai_edit.evolve, ai_edit.INITIAL,
    ai_edit_event_decoder,
)


class AiEditHandlers:
    def __init__(self, store: EventStore) -> None:
        self.streams = Streams(store)

    async def request(
        self, command: RequestAiEdit, *, correlation_id: str, causation_id: str | None = None
    ) -> CommandAccepted:
        return await self.record(command, correlation_id=correlation_id,
                                 causation_id=causation_id)

    async def record(
        self, command: AiEditCommand, *, correlation_id: str, causation_id: str | None = None,
    ) -> CommandAccepted:
        """Any command of the job: a worker step, or a measured score (app/scoring.py)."""
        metadata = metadata_for(command.project_id, correlation_id, causation_id)
        return await self.streams.run(AI_EDIT, command.job_id, command,
                                      command_id=command.command_id, metadata=metadata)

    async def load(self, job_id: UUID) -> AiEdit:
        state, _ = await self.streams.load(AI_EDIT, job_id)
        return state

    async def accept(
        self, command: AcceptVariant, *, correlation_id: str, causation_id: str | None = None
    ) -> CommandAccepted:
        earlier = await self.streams.earlier(TIMELINE, command.project_id, command.command_id)
        if earlier is not None:
            return earlier
        job = await self.load(command.job_id)
        if job.request is None or job.request.project_id != command.project_id:
            raise NotFound(f"AI job {command.job_id} not found")
        clip = rendered_variant(job, command.job_id, command.variant_id)
        asked = job.request
        place = PlaceVariant(
            now=command.now, project_id=command.project_id, job_id=command.job_id,
            variant_id=command.variant_id, segment_id=command.segment_id,
            video_key=clip.video_key, duration_s=clip.duration_s,
            under_segment_id=asked.segment_id, media_key=asked.media_key,
            source_start_ts=asked.source_start_ts, source_end_ts=asked.source_end_ts,
        )
        metadata = metadata_for(command.project_id, correlation_id, causation_id)
        return await self.streams.run(TIMELINE, command.project_id, place,
                                      command_id=command.command_id, metadata=metadata)
