"""The preview-proxy work queue: one job per stored upload (workers/proxies.py)."""

from __future__ import annotations

from videogen_bus.jobs import QueueConfig
from videogen_contracts.media.events import SERVICE
from videogen_contracts.subjects import Namespace

# One proxy at a time per process: it is background work and must leave the cores to
# the previews and exports people are waiting for.
PROXY_CONCURRENCY = 1


def proxy_queue_config(ns: Namespace, *, ack_wait: float, max_attempts: int) -> QueueConfig:
    return QueueConfig(
        stream=ns.stream_name(SERVICE),
        durable=ns.durable(SERVICE, "preview-proxies"),
        filter_subject=ns.event_subject(SERVICE, "*", "AssetStored"),
        concurrency=PROXY_CONCURRENCY,
        ack_wait=ack_wait,
        max_attempts=max_attempts,
    )
