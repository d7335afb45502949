"""Where a provider's base URL in the Aura settings may point (SSRF).

A base URL saved through `PUT /api/settings` is fetched by the gateway (provider checks)
and by the workers (the language model), so a caller who may change settings could
otherwise aim the deployment at its own network (`http://169.254.169.254/...`, a database
port). Only URLs under a prefix the operator allows are taken: `VIDEOGEN_PROVIDER_URL_PREFIXES`
when set, else the base URLs the environment configures (OpenAI's, unless
`OPENAI_BASE_URL` says otherwise). A local model server (`http://127.0.0.1:11434`) is
allowed only when listed. Prefixes match like `video_url`'s (whole origin, whole path
segments; url_allowed).
"""

from __future__ import annotations

from videogen_providers.config import ProviderConfig

from videogen_gateway.surfaces.editor.video_imports import url_allowed

FIELD = "openAiBaseUrl"


def provider_url_prefixes(listed: tuple[str, ...], providers: ProviderConfig) -> tuple[str, ...]:
    return listed or (providers.openai_url, providers.video_url, providers.pexels_base_url)


def provider_url_allowed(url: str, listed: tuple[str, ...], providers: ProviderConfig) -> bool:
    return url_allowed(url, provider_url_prefixes(listed, providers))
