"""The ManimSession aggregate on the decider kernel, and the handler of its commands.

One handler serves every session command: the low-level agents' requests (from the
gateway), the task's process manager's requests and cancels, and the workers' answers
(this service's LLM workers, the media service's renders, the export service's combines).
"""

from __future__ import annotations

from videogen_contracts.envelope import EventMetadata
from videogen_contracts.replies import CommandAccepted
from videogen_contracts.script.manim import (
    ManimSessionCommand,
    ManimSessionEvent,
    manim_project_key,
    manim_session_event_decoder,
    manim_session_stream_id,
)
from videogen_eventstore.api import EventStore
from videogen_eventstore.decider import Aggregate, AggregateCommands

from script_service.app.aggregates import MAX_RETRIES
from script_service.domain.manim_session import decide_session
from script_service.domain.manim_session_state import (
    INITIAL_SESSION,
    ManimSession,
    evolve_session,
)

# Keyed by doc 003's session id. Many writers race for one session (every scene's render
# answering at once, a task's requests, a client's calls): as many rounds as the script's.
MANIM_SESSION = Aggregate(
    "manim-session", manim_session_stream_id, decide_session, evolve_session, INITIAL_SESSION,
    manim_session_event_decoder, MAX_RETRIES,
)


class ManimSessions(
    AggregateCommands[str, ManimSessionCommand, ManimSession, ManimSessionEvent]
):
    def __init__(self, store: EventStore) -> None:
        super().__init__(store, MANIM_SESSION, key_of=lambda c: c.session_id)

    async def handle(
        self, command: ManimSessionCommand, *, correlation_id: str,
        causation_id: str | None = None,
    ) -> CommandAccepted:
        # Events are routed by the session's project, fixed when the session opened, so it
        # is read from the session: a worker answering a job knows the session, not the
        # project's name. Only a session's first command names it (`command.project`).
        session = await self.load(command.session_id)
        project_id = session.project_id or manim_project_key(command.project)
        metadata = EventMetadata(
            correlation_id=correlation_id, causation_id=causation_id,
            project_id=str(project_id),
        )
        return await self.streams.run(
            MANIM_SESSION, command.session_id, command, command_id=command.command_id,
            metadata=metadata,
        )
