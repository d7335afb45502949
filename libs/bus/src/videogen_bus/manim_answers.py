"""How a worker of another service answers a job of a Manim session (doc 003).

The media service's render worker and the export service's combine worker take their
requests from the script stream and answer the session with script commands
(`manim_start_job`, `manim_record_scene_render`, `manim_record_combine`). Both answer the
same way, so it is written once here:
- every answer's command id is the job's and the step's (`<worker>:<job>:<step>`), so a
  redelivered job, or a twin still alive after a redelivery, is stored once;
- `project` is left empty: the session is open (it asked for the work), and the script
  service routes by the session's own project;
- a refusal is final (the job is gone, or its answer no longer wanted: the job is let go),
  but `unavailable` raises, for the queue to retry the delivery.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypedDict
from uuid import UUID

import msgspec
import structlog
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.replies import CommandRejected
from videogen_contracts.script.events import SERVICE as SCRIPT
from videogen_contracts.script.manim import ManimJobEventBase

from videogen_bus.rpc import CommandSender, ServiceUnavailable

log = structlog.get_logger("videogen_bus.manim_answers")


class AnswerIds(TypedDict):
    """The fields every answer to a session job carries (`**answers.ids(step)`)."""

    command_id: str
    now: datetime
    session_id: str
    project: str
    job_id: UUID


class ManimJobAnswers:
    """The answers of one delivery of one job, in reply to its request `event`."""

    def __init__(
        self, sender: CommandSender, worker: str, request: ManimJobEventBase,
        event: RecordedEvent, clock: Callable[[], datetime],
    ) -> None:
        self._sender = sender
        self._worker = worker
        self._request = request
        self._clock = clock
        self._correlation_id = event.metadata.correlation_id
        self._causation_id = str(event.event_id)

    def ids(self, step: str) -> AnswerIds:
        r = self._request
        return AnswerIds(
            command_id=f"{self._worker}:{r.job_id}:{step}", now=self._clock(),
            session_id=r.session_id, project="", job_id=r.job_id,
        )

    async def send(self, name: str, command: msgspec.Struct) -> bool:
        """Send one answer; False when the session refuses it."""
        reply = await self._sender.send_command(
            SCRIPT, name, command, correlation_id=self._correlation_id,
            causation_id=self._causation_id,
        )
        if isinstance(reply, CommandRejected):
            if reply.code == "unavailable":
                raise ServiceUnavailable(SCRIPT, name, reply.message)
            log.warning(f"{self._worker}.refused", command=name, code=reply.code,
                        reason=reply.message)  # fmt: skip
            return False
        return True
