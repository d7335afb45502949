"""The AI edit work queue: one job per `AiEditRequested` (workers/ai_edits.py)."""

from __future__ import annotations

from videogen_bus.jobs import QueueConfig
from videogen_contracts.media.events import SERVICE
from videogen_contracts.subjects import Namespace

# One AI job at a time per process: each ffmpeg pass already uses every core, and more
# jobs wait in the stream, where any replica with a free slot takes the next.
AI_EDIT_CONCURRENCY = 1


def ai_edit_queue_config(ns: Namespace, *, ack_wait: float, max_attempts: int) -> QueueConfig:
    return QueueConfig(
        stream=ns.stream_name(SERVICE),
        durable=ns.durable(SERVICE, "ai-edits"),
        filter_subject=ns.event_subject(SERVICE, "*", "AiEditRequested"),
        concurrency=AI_EDIT_CONCURRENCY,
        ack_wait=ack_wait,
        max_attempts=max_attempts,
    )
