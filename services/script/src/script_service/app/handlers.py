"""Drafting a production's script from its text, declared on the decider kernel.

A resent command (the production process manager's redelivery) returns its earlier
result instead of appending twice: event ids derive from `command_id`.
"""

from __future__ import annotations

from uuid import UUID

from videogen_contracts.script.commands import ScriptCommand
from videogen_contracts.script.events import ScriptEvent
from videogen_eventstore.api import EventStore
from videogen_eventstore.decider import AggregateCommands

from script_service.app.aggregates import DRAFT
from script_service.domain.script_state import Script


class ScriptCommandHandler(AggregateCommands[UUID, ScriptCommand, Script, ScriptEvent]):
    def __init__(self, store: EventStore) -> None:
        super().__init__(
            store, DRAFT, key_of=lambda c: c.script_id, project_of=lambda c: c.project_id
        )
