"""Running one media preparation through a live media service, for the worker tests."""

from __future__ import annotations

import asyncio
from typing import TypeVar

from media_service.app.handlers import decode_events
from media_service.bootstrap import MediaService
from nats.aio.client import Client
from videogen_bus.rpc import send_command
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.media.commands import PrepareMedia
from videogen_contracts.media.events import (
    SERVICE,
    MediaEvent,
    MediaPreparationFailed,
    VisualsChosen,
    stream_id_for,
)
from videogen_contracts.replies import CommandAccepted

T = TypeVar("T")


async def run_preparation(
    media: MediaService, nc: Client, command: PrepareMedia, *, timeout_s: float
) -> list[RecordedEvent]:
    """Send `command` and wait for the preparation's last event (its visuals, or its failure)."""
    reply = await send_command(
        nc, media.plumbing.namespace, SERVICE, "prepare_media", command, correlation_id="it"
    )
    assert isinstance(reply, CommandAccepted), reply
    events: list[MediaEvent] = []
    for _ in range(round(timeout_s / 0.05)):
        recorded = await media.plumbing.store.read_stream(stream_id_for(command.production_id))
        events = decode_events(recorded)
        if events and isinstance(events[-1], VisualsChosen | MediaPreparationFailed):
            return recorded
        await asyncio.sleep(0.05)
    raise AssertionError(f"not done: {[type(e).__name__ for e in events]}")


def only(events: list[MediaEvent], kind: type[T]) -> T:
    found = [e for e in events if isinstance(e, kind)]
    assert len(found) == 1, (kind, found)
    return found[0]
