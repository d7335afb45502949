"""The Project aggregate, declared on the decider kernel (videogen_eventstore.decider).

The kernel gives the guarantees: the append demands the version that was folded (a
concurrent writer makes us reload and decide again; one that keeps winning makes the
command a Conflict, HTTP 409, never a lost update), and event ids derive from
`command_id`, so a resent command returns its earlier result instead of appending twice.
"""

from __future__ import annotations

from uuid import UUID

from videogen_contracts.project.commands import ProjectCommand
from videogen_contracts.project.events import ProjectEvent, event_decoder, stream_id_for
from videogen_eventstore.api import EventStore
from videogen_eventstore.decider import Aggregate, AggregateCommands

from project_service.domain.project import INITIAL, Project, decide, evolve

PROJECT = Aggregate("project", stream_id_for, decide, evolve, INITIAL, event_decoder)


def _project_id(command: ProjectCommand) -> UUID:
    return command.project_id


class ProjectCommandHandler(AggregateCommands[UUID, ProjectCommand, Project, ProjectEvent]):
    def __init__(self, store: EventStore) -> None:
        super().__init__(store, PROJECT, key_of=_project_id, project_of=_project_id)
