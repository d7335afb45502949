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
    codes: list[str] = []
    try:
        settings = OpenAISettings.from_env(env) if configured else OpenAISettings()
    except ValueError:  # e.g. VIDEOGEN_LLM_TIMEOUT=soon: shown as such, not a failed listing
        settings, configured = OpenAISettings(), False
        codes.append("invalid_settings")
    if not configured and not codes:
        codes.append("not_configured")
    elif not settings.api_key and configured:
        # Fine for a local server (Ollama, vLLM); OpenAI itself will answer 401.
        codes.append("no_api_key")
    if settings.base_url:
        codes.append("custom_base_url")
    return [
        ProviderInfo(
            name=PROVIDER,
            available=configured,
            reason_codes=codes,
            needs_key=settings.base_url is None,
            offline=False,
            selected=configured,
            label=f"{PROVIDER}:{settings.model}",
        ),
        ProviderInfo(
            name=OFFLINE,
            available=True,
            needs_key=False,
            offline=True,
            selected=not configured,
            label=OFFLINE,
        ),
    ]
