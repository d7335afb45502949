"""The gateway's side of the Settings aggregate: read it, update it, and turn it into the
provider configuration that capabilities and validation use.

Settings overlay the environment: a base URL, model or key saved in the settings wins over
`OPENAI_BASE_URL` & co. When the project service cannot answer, providers still work from
the environment alone (logged), so capabilities and validation never hang on it.
"""

from __future__ import annotations

import asyncio

import msgspec
import structlog
from videogen_bus.correlation import current_correlation_id, new_correlation_id
from videogen_bus.rpc import ServiceUnavailable
from videogen_contracts.project.settings import (
    GetSettings,
    KeyName,
    ProviderSelection,
    SettingsSnapshot,
)
from videogen_providers.config import ProviderConfig

from videogen_gateway.command_client import CommandRefused, Dispatcher
from videogen_gateway.system.sealing import SealedKeyUnreadable, SecretBox

log = structlog.get_logger("videogen_gateway.settings")

SERVICE = "project"
# How long capabilities and validation wait for the settings before using the environment.
SETTINGS_WAIT = 2.0


async def read_settings(dispatcher: Dispatcher, correlation_id: str) -> SettingsSnapshot:
    answered = await dispatcher.query(SERVICE, "get_settings", GetSettings(), correlation_id)
    return msgspec.json.decode(answered.answer, type=SettingsSnapshot)


async def selected_providers(dispatcher: Dispatcher) -> ProviderSelection:
    """Which provider of each kind the settings select (`providers`); the defaults (all
    offline) when the project service cannot answer in time (logged)."""
    try:
        async with asyncio.timeout(SETTINGS_WAIT):
            snapshot = await read_settings(
                dispatcher, current_correlation_id() or new_correlation_id()
            )
    except (ServiceUnavailable, CommandRefused, TimeoutError) as error:
        log.warning("settings.unavailable", error=repr(error))
        return ProviderSelection()
    return snapshot.providers


def _opened(box: SecretBox, snapshot: SettingsSnapshot, name: KeyName) -> str | None:
    token = snapshot.sealed_keys.get(name)
    if token is None:
        return None
    try:
        return box.open(token)
    except SealedKeyUnreadable:
        log.warning("settings.key_unreadable", key=name)
        return None


async def provider_config(
    dispatcher: Dispatcher, box: SecretBox, base: ProviderConfig, correlation_id: str
) -> ProviderConfig:
    """`base` (the environment's configuration) overlaid with the saved settings."""
    try:
        async with asyncio.timeout(SETTINGS_WAIT):
            snapshot = await read_settings(dispatcher, correlation_id)
    except (ServiceUnavailable, CommandRefused, TimeoutError) as error:
        log.warning("settings.unavailable", error=repr(error))
        return base
    return msgspec.structs.replace(
        base,
        openai_base_url=snapshot.openai_base_url or base.openai_base_url,
        openai_model=snapshot.openai_model or base.openai_model,
        openai_api_key=_opened(box, snapshot, "openai_api_key") or base.openai_api_key,
        pexels_api_key=_opened(box, snapshot, "pexels_api_key") or base.pexels_api_key,
    )
