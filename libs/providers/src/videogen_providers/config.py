"""Where each vendor provider is and the keys it takes: from the environment, or overlaid.

The gateway overlays the values saved in the Aura settings (`with_overrides`); the
environment names are the ones the services read (`OPENAI_BASE_URL`, `OPENAI_API_KEY`,
`PEXELS_API_KEY`, `PEXELS_BASE_URL`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import msgspec

from videogen_providers.llm.openai_writer import DEFAULT_MODEL
from videogen_providers.stock.pexels import PEXELS_API
from videogen_providers.tts.openai_speech import OPENAI_API


class ProviderConfig(msgspec.Struct, frozen=True, kw_only=True):
    openai_base_url: str | None = None  # None: OpenAI itself
    openai_api_key: str | None = None
    openai_model: str = DEFAULT_MODEL
    pexels_api_key: str | None = None
    pexels_base_url: str = PEXELS_API

    def __repr__(self) -> str:
        # Keys never reach a log line or a traceback through this object.
        return (
            f"ProviderConfig(openai_base_url={self.openai_base_url!r}, "
            f"openai_api_key={'***' if self.openai_api_key else None}, "
            f"pexels_api_key={'***' if self.pexels_api_key else None}, "
            f"pexels_base_url={self.pexels_base_url!r})"
        )

    __str__ = __repr__

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ProviderConfig:
        env = os.environ if environ is None else environ
        return cls(
            openai_base_url=env.get("OPENAI_BASE_URL") or None,
            openai_api_key=env.get("OPENAI_API_KEY") or None,
            openai_model=env.get("VIDEOGEN_LLM_MODEL") or DEFAULT_MODEL,
            pexels_api_key=env.get("PEXELS_API_KEY") or None,
            pexels_base_url=env.get("PEXELS_BASE_URL") or PEXELS_API,
        )

    def as_environ(self) -> dict[str, str]:
        """The same, as the environment variables the providers' own readers take."""
        env = {"VIDEOGEN_LLM_MODEL": self.openai_model, "PEXELS_BASE_URL": self.pexels_base_url}
        optional = {
            "OPENAI_BASE_URL": self.openai_base_url, "OPENAI_API_KEY": self.openai_api_key,
            "PEXELS_API_KEY": self.pexels_api_key,
        }
        env.update({k: v for k, v in optional.items() if v})
        return env

    @property
    def openai_url(self) -> str:
        return (self.openai_base_url or OPENAI_API).rstrip("/")
