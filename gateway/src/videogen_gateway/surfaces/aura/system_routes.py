"""Aura's system endpoints (doc 001): FFmpeg status, providers, settings.

- GET /api/system/ffmpeg/status (also /api/ffmpeg/status): read from the real binary.
- GET /api/providers/capabilities; POST /api/providers/{name}/validate (a real check).
- GET /api/providers/tts/voices: the installed narration voices (docs/voices.md).
- GET / PUT /api/settings: the Settings aggregate of the project service. Keys are
  sealed here before they leave the process and are never returned or logged.
Health (/health/..., /api/health/...) is served by health/routes.py. Errors are Aura's
RFC 7807 problems (errors.py).
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
from litestar import Request, Router, get, post, put
from litestar.datastructures import State
from litestar.params import FromPath
from videogen_bus.correlation import new_correlation_id
from videogen_contracts.project.settings import UpdateSettings
from videogen_gateway.access.provider_urls import FIELD as PROVIDER_URL_FIELD
from videogen_gateway.access.provider_urls import provider_url_allowed, provider_url_prefixes
from videogen_gateway.access.route_opts import ADMIN_ONLY
from videogen_gateway.runtime import runtime_of
from videogen_gateway.surfaces.aura.bodies import converted, documented, json_of
from videogen_gateway.surfaces.aura.errors import EXCEPTION_HANDLERS, SystemProblem, correlation_id
from videogen_gateway.surfaces.aura.system_schemas import (
    SettingsIn,
    SettingsOut,
    VoiceIn,
    changes_of,
    keys_of,
    settings_out,
)
from videogen_gateway.surfaces.aura.voice_names import require_installed
from videogen_gateway.system.context import system_of
from videogen_gateway.system.ffmpeg_status import FfmpegStatus
from videogen_gateway.system.settings_client import SERVICE, provider_config, read_settings
from videogen_providers.catalog import Capability, describe_providers
from videogen_providers.config import ProviderConfig
from videogen_providers.tts.voices import Voice, installed_catalogue
from videogen_providers.validation import UnknownProvider, Validation, validate


class FfmpegStatusOut(FfmpegStatus, frozen=True, kw_only=True, rename="camel"):
    correlation_id: str


@get(["/api/system/ffmpeg/status", "/api/ffmpeg/status"], summary="FFmpeg status", cache=False)
async def ffmpeg_status(state: State) -> FfmpegStatusOut:
    status = await system_of(state).prober.status()
    return FfmpegStatusOut(**msgspec.structs.asdict(status), correlation_id=correlation_id())


@get("/api/providers/capabilities", summary="Every provider of every kind", cache=False)
async def capabilities(state: State) -> list[Capability]:
    return describe_providers(await effective_provider_config(state))


async def effective_provider_config(state: State) -> ProviderConfig:
    """The environment's provider configuration overlaid with the saved settings."""
    system = system_of(state)
    return await provider_config(
        runtime_of(state).dispatcher, system.box, system.providers, correlation_id()
    )


@get("/api/providers/tts/voices", summary="The voices voiceSpec.voiceName can name", cache=False)
async def tts_voices() -> list[Voice]:
    # In a thread: the first listing runs `espeak-ng --voices`; later ones are cached.
    return (await asyncio.to_thread(installed_catalogue)).voices


@post("/api/providers/{name:str}/validate", summary="A real check of one provider", status_code=200)
async def validate_provider(state: State, name: FromPath[str]) -> Validation:
    config = await effective_provider_config(state)
    # A base URL saved before the operator narrowed the prefixes is not fetched either.
    if config.openai_base_url:
        _require_allowed_base_url(state, config.openai_base_url)
    try:
        return await validate(name, config)
    except UnknownProvider as error:
        raise SystemProblem(404, f"no provider named {error.name[:100]!r}") from error


@get("/api/settings", summary="The settings (keys only as *Set flags)", cache=False)
async def get_settings(state: State) -> SettingsOut:
    return settings_out(await read_settings(runtime_of(state).dispatcher, correlation_id()))


@put("/api/settings", summary="Change settings (partial; keys are write-only)",
     dependencies=documented(SettingsIn), opt=ADMIN_ONLY)
async def put_settings(state: State, request: Request[Any, Any, Any]) -> SettingsOut:
    # Decoded by hand, strictly, so an error names the field but never echoes a value (a key).
    body = converted(json_of(await request.body()), SettingsIn)
    if isinstance(body.openai_base_url, str):
        _require_allowed_base_url(state, body.openai_base_url)
    if isinstance(body.output_directory, str):
        await _check_writable(body.output_directory)
    if isinstance(body.default_voice, VoiceIn) and isinstance(body.default_voice.voice_name, str):
        await require_installed(body.default_voice.voice_name, "defaultVoice.voiceName")
    box = system_of(state).box
    command = UpdateSettings(
        command_id=new_correlation_id(), now=datetime.now(UTC), changes=changes_of(body),
        sealed_keys={k: box.seal(v) if v else None for k, v in keys_of(body).items()},
    )
    dispatcher = runtime_of(state).dispatcher
    await dispatcher.send(SERVICE, "update_settings", command, correlation_id())
    # Read back: the query folds the stream, so it shows this update.
    return settings_out(await read_settings(dispatcher, correlation_id()))


def _require_allowed_base_url(state: State, url: str) -> None:
    """SSRF: a provider URL the operator did not allow is a 400, and is never fetched."""
    options = runtime_of(state).options
    if not provider_url_allowed(url, options.provider_url_prefixes, options.providers):
        allowed = ", ".join(provider_url_prefixes(options.provider_url_prefixes,
                                                  options.providers))
        raise SystemProblem(
            400, f"openAiBaseUrl is not under an allowed URL prefix; allowed: {allowed}"
            " (VIDEOGEN_PROVIDER_URL_PREFIXES)", field=PROVIDER_URL_FIELD,
        )


async def _check_writable(directory: str) -> None:
    path = Path(directory)  # absolute: SettingsIn says so
    try:
        await asyncio.to_thread(path.mkdir, parents=True, exist_ok=True)
    except OSError as error:
        raise SystemProblem(
            400, f"outputDirectory cannot be created: {error.strerror}", field="outputDirectory"
        ) from error
    if not await asyncio.to_thread(os.access, path, os.W_OK | os.X_OK):
        raise SystemProblem(400, "outputDirectory is not writable", field="outputDirectory")


def aura_system_router() -> Router:
    handlers = [ffmpeg_status, capabilities, tts_voices, validate_provider, get_settings,
                put_settings]
    return Router("/", route_handlers=handlers, exception_handlers=EXCEPTION_HANDLERS,
                  tags=["aura"])
