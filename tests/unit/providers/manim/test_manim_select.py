"""Which Manim writer the environment picks, and its provider listing entry."""

from __future__ import annotations

from videogen_providers.manim.offline import OfflineManimWriter
from videogen_providers.manim.openai_manim import OpenAIManimWriter
from videogen_providers.manim.select import describe_manim_writer, manim_writer_from_env


async def test_no_openai_settings_mean_the_offline_writer() -> None:
    writer = manim_writer_from_env({})

    assert isinstance(writer, OfflineManimWriter)
    assert writer.name == "offline"
    info = describe_manim_writer({})
    assert (info.name, info.label, info.available, info.offline) == (
        "manim-writer", "offline", True, True,
    )


async def test_a_base_url_means_the_openai_compatible_writer() -> None:
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "VIDEOGEN_LLM_MODEL": "llama3"}

    writer = manim_writer_from_env(env)

    assert isinstance(writer, OpenAIManimWriter)
    assert writer.name == "openai:llama3"
    await writer.aclose()
    info = describe_manim_writer(env)
    assert (info.label, info.offline, info.selected) == ("openai:llama3", False, True)
    assert "no_api_key" in info.reason_codes
