"""Whether a vision model scores variants, and where it is: from the environment.

A vision model is opt-in: `VIDEOGEN_VISION_MODEL` names it (`gpt-4o-mini`,
`gemini-2.0-flash`, `llava`...). The base URL and key default to the LLM writer's
(`OPENAI_BASE_URL`, `OPENAI_API_KEY`), since one OpenAI-compatible server often does both;
`VIDEOGEN_VISION_BASE_URL` / `VIDEOGEN_VISION_API_KEY` point elsewhere (Gemini's
`https://generativelanguage.googleapis.com/v1beta/openai/`, say). Without a model name the
offline scorer measures alone.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import msgspec

from videogen_providers.llm.retry import RetryPolicy

PROVIDER = "openai-vision"


class VisionSettings(msgspec.Struct, frozen=True, kw_only=True):
    model: str
    base_url: str | None = None  # None: OpenAI itself
    api_key: str | None = None
    timeout: float = 30.0
    retry: RetryPolicy = RetryPolicy(max_attempts=3)

    def __repr__(self) -> str:
        # The key never reaches a log line through this object.
        return (f"VisionSettings(model={self.model!r}, base_url={self.base_url!r}, "
                f"api_key={'***' if self.api_key else None})")

    __str__ = __repr__

    @property
    def label(self) -> str:
        return f"{PROVIDER}:{self.model}"


def vision_settings(environ: Mapping[str, str] | None = None) -> VisionSettings | None:
    """The configured vision model, or None (the offline scorer then measures alone)."""
    env = os.environ if environ is None else environ
    model = env.get("VIDEOGEN_VISION_MODEL", "").strip()
    if not model:
        return None
    return VisionSettings(
        model=model,
        base_url=env.get("VIDEOGEN_VISION_BASE_URL") or env.get("OPENAI_BASE_URL") or None,
        api_key=env.get("VIDEOGEN_VISION_API_KEY") or env.get("OPENAI_API_KEY") or None,
        timeout=float(env.get("VIDEOGEN_VISION_TIMEOUT", "30")),
        retry=RetryPolicy(max_attempts=int(env.get("VIDEOGEN_VISION_MAX_ATTEMPTS", "3"))),
    )


def vision_reasons(environ: Mapping[str, str] | None = None) -> list[str]:
    """Why no vision model scores (the catalog's reason codes); [] when one is configured."""
    chosen = vision_settings(environ)
    if chosen is None:
        return ["NotConfigured:VIDEOGEN_VISION_MODEL"]
    if chosen.base_url is None and not chosen.api_key:
        return ["MissingApiKey:VIDEOGEN_VISION_API_KEY"]
    return []
