"""The media service's own settings, read once from the environment at start."""

from __future__ import annotations

import os

import msgspec


class MediaConfig(msgspec.Struct, frozen=True, kw_only=True):
    # Preparation jobs one process runs at once; more wait in the stream (any replica).
    concurrency: int = 2
    # Seconds without a heartbeat before JetStream hands a job to another worker; the
    # worker heartbeats every third of it, so only a dead worker's job is handed over.
    ack_wait: float = 30.0
    # Deliveries of one job before the last one records a failure instead of retrying.
    max_attempts: int = 5
    # Sentences synthesized at once by this process, across all its jobs (one per core).
    tts_parallelism: int = 0
    pexels_api_key: str | None = None
    # Where the Pexels API is (tests point it at a local fake server).
    pexels_base_url: str = "https://api.pexels.com"

    @classmethod
    def from_env(cls) -> MediaConfig:
        env = os.environ
        return cls(
            concurrency=_positive(env, "VIDEOGEN_MEDIA_CONCURRENCY", 2),
            ack_wait=float(env.get("VIDEOGEN_MEDIA_ACK_WAIT", "30")),
            max_attempts=_positive(env, "VIDEOGEN_MEDIA_MAX_ATTEMPTS", 5),
            tts_parallelism=_positive(env, "VIDEOGEN_TTS_PARALLELISM", os.cpu_count() or 1),
            pexels_api_key=env.get("PEXELS_API_KEY") or None,
            pexels_base_url=env.get("PEXELS_BASE_URL", "https://api.pexels.com"),
        )


def _positive(env: os._Environ[str], name: str, default: int) -> int:
    value = int(env.get(name, str(default)))
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return value
