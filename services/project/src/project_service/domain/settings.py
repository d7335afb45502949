"""The Settings aggregate: decide and evolve, pure (the contract module explains the keys).

An update is applied to the current settings first and the result checked as a whole;
an update that changes nothing records nothing. A key is recorded on every set (a sealed
token differs each time, so "the same key again" cannot be told from a new one), and a
clear is recorded only when the key is set.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from msgspec import UNSET, UnsetType
from videogen_contracts.project.settings import (
    KeyName,
    ProviderKeyCleared,
    ProviderKeySet,
    ProviderSelection,
    RenderDefaults,
    SettingsChanges,
    SettingsEvent,
    SettingsSnapshot,
    SettingsUpdated,
    UpdateSettings,
    VoiceDefaults,
)

from project_service.domain import settings_rules as rules


class SettingsState(msgspec.Struct, frozen=True, kw_only=True):
    providers: ProviderSelection = ProviderSelection()
    default_voice: VoiceDefaults = VoiceDefaults()
    render_defaults: RenderDefaults = RenderDefaults()
    output_directory: str | None = None
    openai_base_url: str | None = None
    openai_model: str | None = None
    sealed_keys: dict[KeyName, str] = msgspec.field(default_factory=dict)
    updated_at: datetime | None = None


INITIAL = SettingsState()


def _merged(current: msgspec.Struct, changes: msgspec.Struct | UnsetType) -> msgspec.Struct:
    """`current` with every field that `changes` sets replaced."""
    if isinstance(changes, UnsetType):
        return current
    given = {f: getattr(changes, f) for f in changes.__struct_fields__}
    return msgspec.structs.replace(current, **{f: v for f, v in given.items() if v is not UNSET})


def apply_changes(state: SettingsState, changes: SettingsChanges) -> SettingsState:
    scalars = {
        name: getattr(changes, name)
        for name in ("output_directory", "openai_base_url", "openai_model")
        if getattr(changes, name) is not UNSET
    }
    return msgspec.structs.replace(
        state, providers=_merged(state.providers, changes.providers),
        default_voice=_merged(state.default_voice, changes.default_voice),
        render_defaults=_merged(state.render_defaults, changes.render_defaults), **scalars,
    )


def _check(settings: SettingsState) -> None:
    rules.check_voice(settings.default_voice)
    rules.check_render(settings.render_defaults)
    rules.check_output_directory(settings.output_directory)
    rules.check_base_url(settings.openai_base_url)
    rules.check_model(settings.openai_model)


def decide(command: UpdateSettings, state: SettingsState) -> list[SettingsEvent]:
    for key, token in command.sealed_keys.items():
        rules.check_sealed(key, token)
    after = apply_changes(state, command.changes)
    _check(after)
    events: list[SettingsEvent] = []
    if msgspec.structs.replace(after, updated_at=None) != msgspec.structs.replace(
        state, updated_at=None
    ):
        events.append(SettingsUpdated(changes=command.changes, updated_at=command.now))
    for key, token in sorted(command.sealed_keys.items()):
        if token is not None:
            events.append(ProviderKeySet(key=key, sealed=token, set_at=command.now))
        elif key in state.sealed_keys:
            events.append(ProviderKeyCleared(key=key, cleared_at=command.now))
    return events


def evolve(state: SettingsState, event: SettingsEvent) -> SettingsState:
    match event:
        case SettingsUpdated():
            changed = apply_changes(state, event.changes)
            return msgspec.structs.replace(changed, updated_at=event.updated_at)
        case ProviderKeySet():
            keys = {**state.sealed_keys, event.key: event.sealed}
            return msgspec.structs.replace(state, sealed_keys=keys, updated_at=event.set_at)
        case ProviderKeyCleared():
            keys = {k: v for k, v in state.sealed_keys.items() if k != event.key}
            return msgspec.structs.replace(state, sealed_keys=keys, updated_at=event.cleared_at)


def snapshot(state: SettingsState, version: int) -> SettingsSnapshot:
    return SettingsSnapshot(
        version=version, providers=state.providers, default_voice=state.default_voice,
        render_defaults=state.render_defaults, output_directory=state.output_directory,
        openai_base_url=state.openai_base_url, openai_model=state.openai_model,
        sealed_keys=dict(state.sealed_keys), updated_at=state.updated_at,
    )
