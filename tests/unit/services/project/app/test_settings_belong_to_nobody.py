"""The deployment's settings belong to no user (issue 13): whoever wrote them, every user's
jobs read the same settings, and the stream carries no owner."""

from __future__ import annotations

from datetime import UTC, datetime

from project_service.app.settings_handlers import SettingsHandlers
from videogen_bus.actor import acting_as
from videogen_contracts.identity import Actor
from videogen_contracts.project.settings import (
    SETTINGS_STREAM,
    SettingsChanges,
    UpdateSettings,
)
from videogen_eventstore.memory import InMemoryEventStore


async def test_settings_an_admin_wrote_are_every_users_and_nobodys() -> None:
    store = InMemoryEventStore("project")
    settings = SettingsHandlers(store)
    update = UpdateSettings(
        command_id="s-1", now=datetime.now(UTC),
        changes=SettingsChanges(openai_model="a-model"),
    )
    with acting_as(Actor(user="root", admin=True)):
        await settings.handle(update, correlation_id="c-1")
    with acting_as(Actor(user="alice")):
        snapshot = await settings.current()
    assert snapshot.openai_model == "a-model"
    assert snapshot.version == 1
    assert [r.metadata.owner for r in await store.read_stream(SETTINGS_STREAM)] == [None]
