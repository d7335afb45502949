"""Provider validation and capabilities against local fakes, and Piper for real."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from videogen_providers.catalog import describe_providers
from videogen_providers.config import ProviderConfig
from videogen_providers.validation import UnknownProvider, validate

from .fakes import FakeVendor, serve

KEY = "sk-test-key-123"


@pytest.fixture
def openai() -> Iterator[FakeVendor]:
    with serve("openai", KEY) as fake:
        yield fake


@pytest.fixture
def pexels() -> Iterator[FakeVendor]:
    with serve("pexels", KEY) as fake:
        yield fake


async def test_openai_lists_the_models_at_the_base_url_with_the_key(openai: FakeVendor) -> None:
    config = ProviderConfig(openai_base_url=openai.url, openai_api_key=KEY)
    result = await validate("OpenAI", config)
    assert result.ok, result.message
    assert result.name == "openai"
    assert "2 models" in result.message
    assert "gpt-4o-mini is among them" in result.message
    assert openai.paths == ["/v1/models"]
    assert openai.authorizations == [f"Bearer {KEY}"]
    assert result.latency_ms >= 0


async def test_openai_with_a_wrong_key_fails_without_echoing_it(openai: FakeVendor) -> None:
    config = ProviderConfig(openai_base_url=openai.url, openai_api_key="sk-wrong-secret")
    result = await validate("openai", config)
    assert not result.ok
    assert "401" in result.message
    assert "sk-wrong-secret" not in result.message


async def test_openai_server_errors_and_unreachable_hosts_are_failures(
    openai: FakeVendor,
) -> None:
    openai.status = 500
    config = ProviderConfig(openai_base_url=openai.url, openai_api_key=KEY)
    assert not (await validate("openai", config)).ok
    gone = ProviderConfig(openai_base_url="http://127.0.0.1:9/v1", openai_api_key=KEY)
    result = await validate("openai", gone)
    assert not result.ok
    assert "cannot reach" in result.message


async def test_openai_without_key_or_base_url_is_not_configured() -> None:
    result = await validate("openai", ProviderConfig())
    assert not result.ok
    assert "OPENAI_API_KEY" in result.message


async def test_pexels_runs_a_search_with_the_key(pexels: FakeVendor) -> None:
    config = ProviderConfig(pexels_api_key=KEY, pexels_base_url=pexels.url)
    result = await validate("pexels", config)
    assert result.ok, result.message
    assert pexels.authorizations == [KEY]
    assert pexels.paths[0].startswith("/videos/search?query=")


async def test_pexels_refusing_the_key_or_missing_key(pexels: FakeVendor) -> None:
    wrong = ProviderConfig(pexels_api_key="nope", pexels_base_url=pexels.url)
    result = await validate("pexels", wrong)
    assert not result.ok
    assert "refused" in result.message
    assert not (await validate("pexels", ProviderConfig(pexels_base_url=pexels.url))).ok


@pytest.mark.timeout(120)
async def test_piper_loads_the_voice_and_says_a_word() -> None:
    result = await validate("piper", ProviderConfig())
    assert result.ok, result.message
    assert "synthesized" in result.message


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
async def test_espeak_says_a_word_and_is_listed_available() -> None:
    result = await validate("espeak", ProviderConfig())
    assert result.ok, result.message
    assert "synthesized" in result.message
    listed = {c.name: c for c in describe_providers(ProviderConfig())}
    assert listed["espeak"].available
    assert listed["espeak"].reason_codes == []


async def test_unknown_providers_are_refused() -> None:
    with pytest.raises(UnknownProvider):
        await validate("stable-diffusion", ProviderConfig())


def test_capabilities_follow_the_configuration() -> None:
    bare = {c.name: c for c in describe_providers(ProviderConfig(), which=lambda _: None)}
    assert {c.category for c in bare.values()} == {"llm", "tts", "stock", "video-gen", "scorer"}
    assert bare["offline"].available
    assert bare["piper"].available
    assert bare["procedural"].available
    assert not bare["openai"].available
    assert not bare["pexels"].available
    assert bare["pexels"].reason_codes == ["MissingApiKey:PEXELS_API_KEY"]
    assert bare["pexels"].requirements.needs_key == ["PEXELS_API_KEY"]
    assert "MissingBinary:espeak-ng" in bare["espeak"].reason_codes
    assert bare["openai-tts"].reason_codes == ["NotImplemented"]

    keyed = ProviderConfig(openai_api_key=KEY, pexels_api_key=KEY)
    listed = {c.name: c for c in describe_providers(keyed)}
    assert listed["openai"].available
    assert listed["pexels"].available
    assert listed["pexels"].reason_codes == []
