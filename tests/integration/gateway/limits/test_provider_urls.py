"""Which provider base URLs the Aura settings may name (SSRF), by the operator's prefixes."""

from __future__ import annotations

from videogen_gateway.access.provider_urls import provider_url_allowed
from videogen_providers.config import ProviderConfig

ENV = ProviderConfig()  # nothing configured: OpenAI's and Pexels' own APIs


def test_by_default_only_the_environments_base_urls() -> None:
    assert provider_url_allowed("https://api.openai.com/v1", (), ENV)
    for url in ("http://127.0.0.1:11434/v1", "http://169.254.169.254/latest/meta-data",
                "https://api.openai.com.evil.test/v1", "https://api.openai.com/v1/../../x",
                "http://api.openai.com/v1", "https://user@10.0.0.1/v1"):
        assert not provider_url_allowed(url, (), ENV), url
    configured = ProviderConfig(openai_base_url="http://llm.internal:8000/v1")
    assert provider_url_allowed("http://llm.internal:8000/v1", (), configured)


def test_a_local_model_server_only_when_listed() -> None:
    listed = ("http://127.0.0.1:11434",)
    assert provider_url_allowed("http://127.0.0.1:11434/v1", listed, ENV)
    assert not provider_url_allowed("http://127.0.0.1:11435/v1", listed, ENV)
    # The list replaces the defaults: what the operator lists is all there is.
    assert not provider_url_allowed("https://api.openai.com/v1", listed, ENV)
