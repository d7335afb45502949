"""Load → decide → append for the Production aggregate.

`start` writes two streams (the project, when it is new, and the production) in ONE
transaction, so a crash never leaves a project without its production. Every other step
goes through the shared `handle_command`. Both are idempotent by `command_id`: event ids
are `uuid5(command_id:index)` and a command id already in the stream returns the earlier
result, so a resent command (the gateway's retry, the process manager's redelivery)
changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol
from uuid import UUID

import msgspec
from videogen_contracts.envelope import EventMetadata, NewEvent, RecordedEvent, to_raw
from videogen_contracts.project import events as project_events
from videogen_contracts.project import production as contract
from videogen_contracts.project.production import (
    CancelProduction,
    ProductionEvent,
    RetryProduction,
    StartProduction,
)
from videogen_contracts.replies import CommandAccepted
from videogen_eventstore.api import AppendResult, EventStore, WrongExpectedVersion
from videogen_eventstore.command_handler import event_id_for, handle_command

from project_service.domain import production, project
from project_service.domain.errors import Conflict
from project_service.domain.production_commands import ProductionStepCommand
from project_service.domain.production_start import decide_start

Append = tuple[str, Sequence[NewEvent], int | None]


class AtomicAppender(Protocol):
    """Appends to several streams at once: all of them, or none (a Postgres transaction)."""

    async def append_all(self, appends: Sequence[Append]) -> list[AppendResult]: ...


def encode_event(event: msgspec.Struct) -> tuple[str, msgspec.Raw]:
    return str(type(event).__struct_config__.tag), to_raw(event)


def decode_production(recorded: RecordedEvent) -> ProductionEvent:
    return contract.event_decoder.decode(recorded.data)


def decode_project(recorded: RecordedEvent) -> project_events.ProjectEvent:
    event: project_events.ProjectEvent = project_events.event_decoder.decode(recorded.data)
    return event


def accepted(stream_id: str, result: AppendResult) -> CommandAccepted:
    return CommandAccepted(
        stream_id=stream_id,
        stream_version=result.stream_version,
        global_position=result.global_position,
        duplicate=not result.written,
    )


class ProductionHandlers:
    def __init__(self, store: EventStore, appender: AtomicAppender, *, attempts: int = 20):
        self.store = store
        self.appender = appender
        self.attempts = attempts

    async def history(self, production_id: UUID) -> list[ProductionEvent]:
        stream_id = contract.stream_id_for(production_id)
        return [decode_production(r) for r in await self.store.read_stream(stream_id)]

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
        stream_id = contract.stream_id_for(command.production_id)
        result = await handle_command(
            self.store,
            stream_id,
            command,
            decide=production.decide,
            evolve=production.evolve,
            initial=production.INITIAL,
            decode=decode_production,
            encode_type=encode_event,
            metadata=msgspec.structs.replace(
                metadata, project_id=str(project_id) if project_id else None
            ),
            command_id=command.command_id,
        )
        return accepted(stream_id, result)

    async def start(self, command: StartProduction, metadata: EventMetadata) -> CommandAccepted:
        production_stream = contract.stream_id_for(command.production_id)
        project_stream = project_events.stream_id_for(command.project_id)
        meta = msgspec.structs.replace(
            metadata, command_id=command.command_id, project_id=str(command.project_id)
        )
        for _ in range(self.attempts):
            recorded = await self.store.read_stream(production_stream)
            mine = [r for r in recorded if r.metadata.command_id == command.command_id]
            if mine:  # handled before: the earlier result, nothing appended again
                last = mine[-1]
                return CommandAccepted(
                    stream_id=production_stream, stream_version=last.stream_version,
                    global_position=last.global_position, duplicate=True,
                )
            project_recorded = await self.store.read_stream(project_stream)
            for_project, for_production = decide_start(
                command,
                project.fold(decode_project(r) for r in project_recorded),
                production.fold(decode_production(r) for r in recorded),
            )
            new = _new_events([*for_project, *for_production], command.command_id, meta)
            appends: list[Append] = []
            if for_project:
                appends.append((project_stream, new[: len(for_project)], len(project_recorded)))
            appends.append((production_stream, new[len(for_project) :], len(recorded)))
            try:
                results = await self.appender.append_all(appends)
            except WrongExpectedVersion:
                continue  # a concurrent writer: decide again on what it wrote
            return accepted(production_stream, results[-1])
        raise Conflict(f"{production_stream}: gave up after {self.attempts} concurrent appends")

    async def _project_of(self, production_id: UUID) -> UUID | None:
        for event in await self.history(production_id):
            if isinstance(event, contract.ProductionQueued):
                return event.project_id
        return None


def _new_events(
    events: Sequence[msgspec.Struct], command_id: str, metadata: EventMetadata
) -> list[NewEvent]:
    new = []
    for index, event in enumerate(events):
        event_type, data = encode_event(event)
        new.append(
            NewEvent(
                event_id=event_id_for(command_id, index), type=event_type, data=data,
                metadata=metadata, schema_version=int(getattr(event, "schema_version", 1)),
            )
        )
    return new
