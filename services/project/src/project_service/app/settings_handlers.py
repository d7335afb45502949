"""The Settings aggregate (one stream), declared on the decider kernel, and its snapshot query.

A query folds the stream fresh, so an answer right after an update always shows that
update (no read model to wait for).
"""

from __future__ import annotations

from videogen_contracts.project.settings import (
    SETTINGS_STREAM,
    GetSettings,
    SettingsEvent,
    SettingsSnapshot,
    UpdateSettings,
    event_decoder,
)
from videogen_eventstore.api import EventStore
from videogen_eventstore.decider import Aggregate, AggregateCommands

from project_service.domain.settings import INITIAL, SettingsState, decide, evolve, snapshot


def _the_stream(_: None) -> str:
    return SETTINGS_STREAM


# The deployment's settings belong to no user: every user's jobs read them (writes are
# admin-only at the gateway).
SETTINGS = Aggregate(
    "settings", _the_stream, decide, evolve, INITIAL, event_decoder, owned=False
)


class SettingsHandlers(AggregateCommands[None, UpdateSettings, SettingsState, SettingsEvent]):
    def __init__(self, store: EventStore) -> None:
        super().__init__(store, SETTINGS, key_of=lambda _: None)

    async def current(self, query: GetSettings | None = None) -> SettingsSnapshot:
        state, recorded = await self.streams.load(SETTINGS, None)
        return snapshot(state, recorded[-1].stream_version if recorded else 0)
