"""Which renderer a region edit's variants use, from the provider configuration.

Offline (the ffmpeg region editor) unless a hosted video model is configured: naming one
(`VIDEOGEN_VIDEO_MODEL`, with a base URL and key of its own or the OpenAI ones) selects
it, as a configured OpenAI account selects the hosted writer. The gateway stamps the
choice on each VariantSpec (`provider`); the media service's worker builds the client from
its own configuration (`video_model_from_config`) and renders a hosted spec with it.
"""

from __future__ import annotations

from videogen_providers.config import ProviderConfig
from videogen_providers.tts.openai_speech import OPENAI_API
from videogen_providers.video.openai_videos import NAME, OpenAIVideoModel, VideoClientLimits

OFFLINE = "offline"
HOSTED = NAME


def variant_provider(config: ProviderConfig) -> str:
    """What a new variant spec's `provider` is: "offline" or "openai-video"."""
    return HOSTED if config.video_model else OFFLINE


def hosted_video_reasons(config: ProviderConfig) -> list[str]:
    """Why the hosted model cannot be used (the catalog's reason codes); [] when it can."""
    if not config.video_model:
        return ["NotConfigured:VIDEOGEN_VIDEO_MODEL"]
    if not config.video_key and config.video_url == OPENAI_API:
        return ["MissingApiKey:VIDEOGEN_VIDEO_API_KEY"]
    return []


def video_model_from_config(
    config: ProviderConfig, limits: VideoClientLimits | None = None
) -> OpenAIVideoModel | None:
    """The hosted client, or None when none is configured (VendorNotConfigured when the
    model is named for OpenAI itself without a key)."""
    if not config.video_model:
        return None
    return OpenAIVideoModel(
        config.video_key, model=config.video_model, base_url=config.video_url, limits=limits,
    )
