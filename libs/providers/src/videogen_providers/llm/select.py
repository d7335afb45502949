"""Which writer to use, from the environment, and how the LLM providers look in listings."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

import msgspec

from videogen_providers.llm.base import ScriptWriter
from videogen_providers.llm.offline import OFFLINE, OfflineWriter
from videogen_providers.llm.openai_writer import PROVIDER, OpenAISettings, OpenAIWriter


class ProviderInfo(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    category: Literal["llm"] = "llm"
    available: bool
    # Why it is (not) usable, as stable codes for clients: "not_configured", "no_api_key"...
    reason_codes: list[str] = msgspec.field(default_factory=list)
    needs_key: bool
    offline: bool
    # The one `writer_from_env` would pick.
    selected: bool = False
    label: str = ""


def openai_configured(environ: Mapping[str, str]) -> bool:
    return bool(environ.get("OPENAI_BASE_URL") or environ.get("OPENAI_API_KEY"))


def writer_from_env(environ: Mapping[str, str] | None = None) -> ScriptWriter:
    """The OpenAI-compatible writer if `OPENAI_BASE_URL` or `OPENAI_API_KEY` is set, else
    the offline one."""
    env = os.environ if environ is None else environ
    if openai_configured(env):
        return OpenAIWriter(OpenAISettings.from_env(env))
    return OfflineWriter()


def describe_llm_providers(environ: Mapping[str, str] | None = None) -> list[ProviderInfo]:
    env = os.environ if environ is None else environ
    configured = openai_configured(env)
    settings, codes = _openai_status(env, configured)
    return [
        ProviderInfo(
            name=PROVIDER, available=configured and "invalid_settings" not in codes,
            reason_codes=codes, needs_key=settings.base_url is None, offline=False,
            selected=configured, label=f"{PROVIDER}:{settings.model}",
        ),
        ProviderInfo(
            name=OFFLINE, available=True, needs_key=False, offline=True, selected=not configured,
            label=OFFLINE,
        ),
    ]


def _openai_status(env: Mapping[str, str], configured: bool) -> tuple[OpenAISettings, list[str]]:
    if not configured:
        return OpenAISettings(), ["not_configured"]
    try:
        settings = OpenAISettings.from_env(env)
    except ValueError:
        # e.g. VIDEOGEN_LLM_TIMEOUT=soon: `writer_from_env` refuses to start on it; the
        # listing shows why rather than failing itself.
        return OpenAISettings(base_url=env.get("OPENAI_BASE_URL") or None), ["invalid_settings"]
    codes = []
    if not settings.api_key:
        # Fine for a local server (Ollama, vLLM); OpenAI itself will answer 401.
        codes.append("no_api_key")
    if settings.base_url:
        codes.append("custom_base_url")
    return settings, codes
