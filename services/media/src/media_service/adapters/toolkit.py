"""Builds the job's Toolkit from the shared libraries (filled in as they land)."""

from __future__ import annotations

from videogen_runtime.settings import Settings

from media_service.config import MediaConfig
from media_service.workers.preparation import Toolkit


def build_toolkit(settings: Settings, config: MediaConfig) -> Toolkit:
    raise NotImplementedError("waiting for videogen_media / videogen_providers")
