"""Builds the preparation job's Toolkit: the real TTS, captions, visuals, the designed
pictures (scene design, word captions, segment encodes: the pipelined preparation) and the
blob store.

Called first thing at start: a missing caption font (`CaptionFontNotFound`) or voice stops
the service before it takes any work, with the reason in the error.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import UTC, datetime

import structlog
from videogen_media.blobs import LocalBlobStore
from videogen_media.fonts import find_caption_font
from videogen_runtime.settings import Settings

from media_service.adapters.audio_probe import PyAvProbe
from media_service.adapters.captions import AssCaptioner
from media_service.adapters.designed_visuals import DesignedPictures
from media_service.adapters.narrator import narrator_from_env
from media_service.adapters.pexels_visuals import PexelsVisuals
from media_service.adapters.procedural_visuals import ProceduralVisuals
from media_service.config import MediaConfig
from media_service.workers.ports import VisualChooser
from media_service.workers.preparation import Toolkit

log = structlog.get_logger("media_service.toolkit")


def utc_now() -> datetime:
    return datetime.now(UTC)


async def build_toolkit(settings: Settings, config: MediaConfig, stack: AsyncExitStack) -> Toolkit:
    font = find_caption_font()
    narrator = narrator_from_env(config.tts_parallelism)
    stack.push_async_callback(narrator.aclose)
    await narrator.start()
    blobs = LocalBlobStore(settings.data_dir / "blobs")
    visuals: VisualChooser = ProceduralVisuals()
    if config.pexels_api_key:
        pexels = PexelsVisuals(config.pexels_api_key, blobs, base_url=config.pexels_base_url)
        stack.push_async_callback(pexels.aclose)
        visuals = pexels
    log.info(
        "toolkit.ready", font=str(font.path), narrator=narrator.name,
        tts_parallelism=config.tts_parallelism, visuals=type(visuals).__name__,
    )
    return Toolkit(
        narrator=narrator, probe=PyAvProbe(), blobs=blobs, captioner=AssCaptioner(font),
        visuals=visuals, clock=utc_now, pictures=DesignedPictures(font),
    )
