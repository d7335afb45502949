"""The script service wired by its bootstrap on the in-memory store, for unit tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from script_service.app.briefs import InMemoryBriefBook
from script_service.app.writer_calls import WriterCalls
from script_service.bootstrap import script_app
from script_service.entrypoints.rpc import script_commands, script_queries
from videogen_bus.jobs import Delivery
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.project.events import CastMemberAdded, ProjectCreated
from videogen_contracts.replies import CommandAccepted
from videogen_contracts.script.commands import COMMANDS, StartGeneration
from videogen_contracts.script.queries import QUERIES
from videogen_eventstore.memory import InMemoryEventStore
from videogen_eventstore.multi_stream import InMemoryAtomicAppender

from .writers import CountingWriter

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
# The contract's name of each request type, to send it as the rpc table would.
NAMES = {kind: name for name, kind in {**COMMANDS, **QUERIES}.items()}
CAST_DESCRIPTION = "a retired lighthouse keeper who narrates with dry humour"


@dataclass
class World:
    writer: CountingWriter = field(default_factory=CountingWriter)
    deadline: float = 5.0
    store: InMemoryEventStore = field(default_factory=lambda: InMemoryEventStore("script"))
    briefs: InMemoryBriefBook = field(default_factory=InMemoryBriefBook)

    def __post_init__(self) -> None:
        # The service's own wiring, on the in-memory store and brief book.
        parts = script_app(
            self.store, InMemoryAtomicAppender(self.store), self.briefs,
            WriterCalls(self.writer, self.deadline), brief_wait=0.2,
        )
        self.streams, self.studio, self.job = parts.streams, parts.studio, parts.job
        self.commands = script_commands(parts.drafting, parts.studio, parts.starter)
        self.queries = script_queries(parts.studio)

    def project(self, target_minutes: float | None = 2.0) -> UUID:
        project_id = uuid4()
        self.briefs.apply(
            ProjectCreated(
                project_id=project_id,
                topic="How lighthouses work",
                style=None,
                target_duration_minutes=target_minutes,
                description=None,
                audience="children",
                goal=None,
                tone="playful",
                language="en",
                aspect_ratio="16:9",
                owner=None,
                created_at=NOW,
            )
        )
        self.briefs.apply(
            CastMemberAdded(
                project_id=project_id,
                character_id=uuid4(),
                name="Maud",
                description=CAST_DESCRIPTION,
                role="narrator",
                voice=None,
                added_at=NOW,
            )
        )
        return project_id

    async def send(self, command: Any) -> CommandAccepted:
        """Apply a command through the use case the rpc table names for it."""
        handle = self.commands[NAMES[type(command)]]
        return await handle(command, correlation_id="corr", causation_id=None)

    async def answer(self, query: Any) -> Any:
        return await self.queries[NAMES[type(query)]](query)

    async def start(self, project_id: UUID, **fields: Any) -> UUID:
        job_id = fields.pop("job_id", None) or uuid4()
        await self.send(
            StartGeneration(
                command_id=str(uuid4()), now=NOW, project_id=project_id, job_id=job_id, **fields
            )
        )
        return job_id

    async def queued_event(self, job_id: UUID) -> RecordedEvent:
        return (await self.store.read_stream(f"generation-{job_id}"))[0]

    async def work(self, job_id: UUID, attempt: int = 1, max_attempts: int = 3) -> None:
        await self.job(await self.queued_event(job_id), Delivery(attempt, max_attempts))

    async def types(self, stream_id: str) -> list[str]:
        return [r.type for r in await self.store.read_stream(stream_id)]
