"""`start_generation`: queue a run, lock the project's script and approve the outline, as one
transaction (see domain/generation_start.py for the rule this enforces).

All three appends demand the versions that were decided on. A concurrent start (or any
edit of the script, or of the outline) makes the unit fail as a whole with
`WrongExpectedVersion`; we reload and decide again, and a second start then meets the
lock and is a Conflict. The run stream must be new, so a resent command finds its run and
answers with the earlier result instead of queueing twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from videogen_contracts.envelope import EventMetadata, RecordedEvent
from videogen_contracts.replies import CommandAccepted
from videogen_contracts.script.commands import StartGeneration
from videogen_eventstore.api import WrongExpectedVersion
from videogen_eventstore.multi_stream import Append, AtomicAppender

from script_service.app.aggregates import (
    OUTLINE,
    RUN,
    SCRIPT,
    Streams,
    metadata_for,
    new_events,
    version_of,
)
from script_service.app.briefs import (
    BRIEF_WAIT,
    BriefBook,
    ProjectBehind,
    ProjectUnknown,
    await_brief,
)
from script_service.domain.errors import Conflict, NotFound, Unavailable
from script_service.domain.generation import GenerationRun
from script_service.domain.generation_start import StartPlan, decide_start
from script_service.domain.outline import Outline
from script_service.domain.script_state import Script

ATTEMPTS = 10


@dataclass(frozen=True)
class _Loaded:
    run: GenerationRun
    run_log: list[RecordedEvent]
    script: Script
    script_log: list[RecordedEvent]
    outline: Outline | None
    outline_log: list[RecordedEvent]


class GenerationStarter:
    def __init__(
        self,
        streams: Streams,
        appender: AtomicAppender,
        briefs: BriefBook,
        brief_wait: float = BRIEF_WAIT,
    ) -> None:
        self.streams = streams
        self.appender = appender
        self.briefs = briefs
        self.brief_wait = brief_wait

    async def start(
        self, command: StartGeneration, correlation_id: str, causation_id: str | None
    ) -> CommandAccepted:
        earlier = await self.streams.earlier(RUN, command.job_id, command.command_id)
        if earlier is not None:
            return earlier
        try:
            brief = await await_brief(
                self.briefs, command.project_id, command.project_version, self.brief_wait
            )
        except ProjectUnknown as unknown:
            raise NotFound(str(unknown)) from None
        except ProjectBehind as behind:
            raise Unavailable(str(behind)) from None
        metadata = metadata_for(command.project_id, correlation_id, causation_id)
        for attempt in range(ATTEMPTS):
            loaded = await self._load(command)
            plan = decide_start(
                command,
                run=loaded.run,
                script=loaded.script,
                outline=loaded.outline,
                project_minutes=brief.target_duration_minutes,
            )
            try:
                results = await self.appender.append_all(_appends(command, plan, loaded, metadata))
            except WrongExpectedVersion:
                if attempt == ATTEMPTS - 1:
                    raise Conflict(
                        f"project {command.project_id} changed too often to start a run; try again"
                    ) from None
                continue
            return CommandAccepted(
                stream_id=RUN.stream_of(command.job_id),
                stream_version=results[0].stream_version,
                global_position=max(r.global_position for r in results),
            )
        raise AssertionError("unreachable")  # pragma: no cover

    async def _load(self, command: StartGeneration) -> _Loaded:
        run, run_log = await self.streams.load(RUN, command.job_id)
        script, script_log = await self.streams.load(SCRIPT, command.project_id)
        if command.outline_id is None:
            return _Loaded(run, run_log, script, script_log, None, [])
        outline, outline_log = await self.streams.load(OUTLINE, command.outline_id)
        return _Loaded(run, run_log, script, script_log, outline, outline_log)


def _appends(
    command: StartGeneration, plan: StartPlan, loaded: _Loaded, metadata: EventMetadata
) -> list[Append]:
    # Event ids are numbered across the unit, so each is unique and deterministic.
    cid = command.command_id
    appends: list[Append] = [
        (
            RUN.stream_of(command.job_id),
            new_events([plan.queued], cid, metadata),
            version_of(loaded.run_log),
        ),
        (
            SCRIPT.stream_of(command.project_id),
            new_events([plan.lock], cid, metadata, first=1),
            version_of(loaded.script_log),
        ),
    ]
    if plan.approval is not None:
        appends.append(
            (
                OUTLINE.stream_of(plan.approval.outline_id),
                new_events([plan.approval], cid, metadata, first=2),
                version_of(loaded.outline_log),
            )
        )
    return appends
