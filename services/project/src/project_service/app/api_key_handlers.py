"""The ApiKey aggregate (one stream per key), declared on the decider kernel.

Its events carry no project id: a key belongs to the deployment, not to a project.
"""

from __future__ import annotations

from videogen_contracts.project.api_keys import (
    ApiKeyCommand,
    ApiKeyEvent,
    event_decoder,
    stream_id_for,
)
from videogen_eventstore.api import EventStore
from videogen_eventstore.decider import Aggregate, AggregateCommands

from project_service.domain.api_key import INITIAL, ApiKey, decide, evolve

API_KEY = Aggregate("api_key", stream_id_for, decide, evolve, INITIAL, event_decoder)


def _key_id(command: ApiKeyCommand) -> str:
    return command.key_id


class ApiKeyHandlers(AggregateCommands[str, ApiKeyCommand, ApiKey, ApiKeyEvent]):
    def __init__(self, store: EventStore) -> None:
        super().__init__(store, API_KEY, key_of=_key_id)
