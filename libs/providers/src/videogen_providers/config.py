"""Where each vendor provider is and the keys it takes: from the environment, or overlaid.

The gateway overlays the values saved in the Aura settings (`with_overrides`); the
environment names are the ones the services read (`OPENAI_BASE_URL`, `OPENAI_API_KEY`,
`PEXELS_API_KEY`, `PEXELS_BASE_URL`, and for the hosted video model `VIDEOGEN_VIDEO_MODEL`,
`VIDEOGEN_VIDEO_BASE_URL`, `VIDEOGEN_VIDEO_API_KEY`).

The hosted video model is chosen like the hosted writer: offline unless it is configured.
Naming a model selects it; its base URL and key default to the OpenAI ones, so one
OpenAI-compatible account (saved in the settings or in the environment) serves both.
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
    # The hosted video model (`POST /v1/videos`); None: region edits stay offline.
    video_model: str | None = None
    video_base_url: str | None = None  # None: openai_base_url, else OpenAI itself
    video_api_key: str | None = None  # None: openai_api_key

    def __repr__(self) -> str:
        # Keys never reach a log line or a traceback through this object.
        return (
            f"ProviderConfig(openai_base_url={self.openai_base_url!r}, "
            f"openai_api_key={'***' if self.openai_api_key else None}, "
            f"pexels_api_key={'***' if self.pexels_api_key else None}, "
            f"pexels_base_url={self.pexels_base_url!r}, video_model={self.video_model!r}, "
            f"video_base_url={self.video_base_url!r}, "
            f"video_api_key={'***' if self.video_api_key else None})"
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
            video_model=env.get("VIDEOGEN_VIDEO_MODEL") or None,
            video_base_url=env.get("VIDEOGEN_VIDEO_BASE_URL") or None,
            video_api_key=env.get("VIDEOGEN_VIDEO_API_KEY") or None,
        )

    def as_environ(self) -> dict[str, str]:
        """The same, as the environment variables the providers' own readers take."""
        env = {"VIDEOGEN_LLM_MODEL": self.openai_model, "PEXELS_BASE_URL": self.pexels_base_url}
        optional = {
            "OPENAI_BASE_URL": self.openai_base_url, "OPENAI_API_KEY": self.openai_api_key,
            "PEXELS_API_KEY": self.pexels_api_key, "VIDEOGEN_VIDEO_MODEL": self.video_model,
            "VIDEOGEN_VIDEO_BASE_URL": self.video_base_url,
            "VIDEOGEN_VIDEO_API_KEY": self.video_api_key,
        }
        env.update({k: v for k, v in optional.items() if v})
        return env

    @property
    def openai_url(self) -> str:
        return (self.openai_base_url or OPENAI_API).rstrip("/")

    @property
    def video_url(self) -> str:
        """Where the hosted video model is: its own base URL, else the OpenAI one."""
        return (self.video_base_url or self.openai_url).rstrip("/")

    @property
    def video_key(self) -> str | None:
        return self.video_api_key or self.openai_api_key
