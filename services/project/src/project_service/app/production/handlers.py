"""The Production aggregate, declared on the decider kernel (videogen_eventstore.decider).

`start` writes two streams (the project, when it is new, and the production) as ONE unit
through the atomic appender, so a crash never leaves a project without its production.
Every other step runs on the production stream alone. Both are idempotent by
`command_id` (event ids `uuid5(command_id:index)`; a command id already in the stream
returns the earlier result), so a resent command (the gateway's retry, the process
manager's redelivery) changes nothing.
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from videogen_contracts.envelope import EventMetadata
from videogen_contracts.project import production as contract
from videogen_contracts.project.production import (
    CancelProduction,
    ProductionEvent,
    ProductionQueued,
    RetryProduction,
    StartProduction,
)
from videogen_contracts.replies import CommandAccepted
from videogen_eventstore.api import EventStore
from videogen_eventstore.decider import Aggregate, Streams
from videogen_eventstore.multi_stream import AtomicAppender, decide_across

from project_service.app.handlers import PROJECT
from project_service.domain.production import decider
from project_service.domain.production.commands import ProductionStepCommand
from project_service.domain.production.start import decide_start

# The process manager, the stall watch and progress reports all write one production.
PRODUCTION = Aggregate(
    "production", contract.stream_id_for, decider.decide, decider.evolve, decider.INITIAL,
    contract.event_decoder, max_retries=20,
)


class ProductionHandlers:
    def __init__(self, store: EventStore, appender: AtomicAppender) -> None:
        self.streams = Streams(store)
        self.appender = appender

    async def history(self, production_id: UUID) -> list[ProductionEvent]:
        return await self.streams.history(PRODUCTION, production_id)

    async def handle(
        self,
        command: StartProduction | CancelProduction | RetryProduction,
        *,
        correlation_id: str,
        causation_id: str | None,
    ) -> CommandAccepted:
        """The bus commands; raises the domain's errors (NotFound, Conflict, Invalid)."""
        meta = EventMetadata(correlation_id=correlation_id, causation_id=causation_id)
        if isinstance(command, StartProduction):
            return await self.start(command, meta)
        project_id = await self._project_of(command.production_id)
        return await self.step(command, project_id, meta)

    async def step(
        self,
        command: ProductionStepCommand,
        project_id: UUID | None,
        metadata: EventMetadata,
    ) -> CommandAccepted:
        return await self.streams.run(
            PRODUCTION,
            command.production_id,
            command,
            command_id=command.command_id,
            metadata=msgspec.structs.replace(
                metadata, project_id=str(project_id) if project_id else None
            ),
        )

    async def start(self, command: StartProduction, metadata: EventMetadata) -> CommandAccepted:
        return await decide_across(
            self.streams, self.appender,
            [(PROJECT, command.project_id), (PRODUCTION, command.production_id)],
            lambda states: decide_start(command, *states), command_id=command.command_id,
            metadata=msgspec.structs.replace(metadata, project_id=str(command.project_id)),
            reply_to=1,
        )

    async def _project_of(self, production_id: UUID) -> UUID | None:
        for event in await self.history(production_id):
            if isinstance(event, ProductionQueued):
                return event.project_id
        return None
