"""The export service's own settings, read once from the environment at start."""

from __future__ import annotations

import os

import msgspec


class ExportConfig(msgspec.Struct, frozen=True, kw_only=True):
    # Encodes at once per process. ffmpeg's x264 already uses every core, so 1 is right
    # on a small machine; more replicas (or a larger value on a big one) scale out.
    concurrency: int = 1
    # How long JetStream waits for a sign of life before redelivering a job; heartbeats
    # go out three times per period, so only a dead worker loses its job.
    ack_wait: float = 30.0
    # Deliveries after which an unexpected error (a bug, not a bad input) fails the render
    # instead of retrying it again.
    max_attempts: int = 3
    # How long an editor export of a studio project waits for its production's video.
    production_wait: float = 1800.0

    @classmethod
    def from_env(cls) -> ExportConfig:
        env = os.environ
        return cls(
            concurrency=max(1, int(env.get("VIDEOGEN_EXPORT_CONCURRENCY", "1"))),
            ack_wait=float(env.get("VIDEOGEN_EXPORT_ACK_WAIT", "30")),
            max_attempts=max(1, int(env.get("VIDEOGEN_EXPORT_MAX_ATTEMPTS", "3"))),
            production_wait=float(env.get("VIDEOGEN_EXPORT_PRODUCTION_WAIT", "1800")),
        )
