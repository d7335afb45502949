"""Which Manim writer to use, from the environment, and how it looks in provider listings.

The same rule as the script writer's (`llm/select.py`): `OPENAI_BASE_URL` or
`OPENAI_API_KEY` set means the OpenAI-compatible writer, else the offline one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from videogen_providers.llm.openai_writer import OpenAISettings
from videogen_providers.llm.select import ProviderInfo, describe_llm_providers, openai_configured
from videogen_providers.manim.offline import OfflineManimWriter
from videogen_providers.manim.openai_manim import OpenAIManimWriter
from videogen_providers.manim.writer import ManimWriter

MANIM_WRITER = "manim-writer"


def manim_writer_from_env(environ: Mapping[str, str] | None = None) -> ManimWriter:
    env = os.environ if environ is None else environ
    if openai_configured(env):
        return OpenAIManimWriter(OpenAISettings.from_env(env))
    return OfflineManimWriter()


def describe_manim_writer(environ: Mapping[str, str] | None = None) -> ProviderInfo:
    """The writer `manim_writer_from_env` picks, as a listing entry: name "manim-writer",
    label "offline" or "openai:<model>", with the LLM entry's availability and reasons."""
    [picked] = [p for p in describe_llm_providers(environ) if p.selected]
    return ProviderInfo(
        name=MANIM_WRITER, available=picked.available, reason_codes=picked.reason_codes,
        needs_key=picked.needs_key, offline=picked.offline, selected=True, label=picked.label,
    )
