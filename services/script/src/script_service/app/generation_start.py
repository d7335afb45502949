"""`start_generation`: queue a run, lock the project's script and approve the outline, as one
unit (see domain/generation_start.py for the rule this enforces).

Every stream is appended at the version that was decided on. A concurrent start (or any
edit of the script, or of the outline) makes the unit fail as a whole; the kernel reloads
and decides again, and a second start then meets the lock and is a Conflict. A resent
command finds its run and answers with the earlier result instead of queueing twice,
before it waits for the project's brief.
"""

from __future__ import annotations

from typing import Any

import msgspec
from videogen_contracts.replies import CommandAccepted
from videogen_contracts.script.commands import StartGeneration
from videogen_eventstore.decider import AnyAggregate, Streams
from videogen_eventstore.multi_stream import AtomicAppender, decide_across

from script_service.app.aggregates import OUTLINE, RUN, SCRIPT, metadata_for
from script_service.app.briefs import BriefBook, await_brief
from script_service.domain.generation_start import decide_start


class GenerationStarter:
    def __init__(
        self, streams: Streams, appender: AtomicAppender, briefs: BriefBook, brief_wait: float
    ) -> None:
        self.streams = streams
        self.appender = appender
        self.briefs = briefs
        self.brief_wait = brief_wait

    async def start(
        self, command: StartGeneration, *, correlation_id: str, causation_id: str | None
    ) -> CommandAccepted:
        earlier = await self.streams.earlier(RUN, command.job_id, command.command_id)
        if earlier is not None:
            return earlier
        brief = await await_brief(
            self.briefs, command.project_id, command.project_version, self.brief_wait
        )
        # Event ids are numbered in this order: the run's, the lock's, the approval's.
        targets: list[tuple[AnyAggregate, Any]] = [
            (RUN, command.job_id), (SCRIPT, command.project_id)
        ]
        if command.outline_id is not None:
            targets.append((OUTLINE, command.outline_id))

        def decide(states: list[Any]) -> list[list[msgspec.Struct]]:
            run, script, *outline = states
            plan = decide_start(
                command, run=run, script=script, outline=outline[0] if outline else None,
                project_minutes=brief.target_duration_minutes,
            )
            decided: list[list[msgspec.Struct]] = [[plan.queued], [plan.lock]]
            if outline:
                decided.append([plan.approval] if plan.approval else [])
            return decided

        metadata = metadata_for(command.project_id, correlation_id, causation_id, brief.owner)
        return await decide_across(
            self.streams, self.appender, targets, decide,
            command_id=command.command_id, metadata=metadata,
        )
