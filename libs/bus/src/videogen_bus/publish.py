"""Publishing recorded events to their service's stream (the relay's half of the outbox)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from nats.js.api import PubAck
from nats.js.client import JetStreamContext
from videogen_contracts.envelope import RecordedEvent, encode_recorded
from videogen_contracts.subjects import Namespace

from videogen_bus.headers import event_headers


def subject_of(ns: Namespace, event: RecordedEvent) -> str:
    return ns.event_subject(event.service, event.metadata.project_id, event.type)


async def publish_event(
    js: JetStreamContext,
    ns: Namespace,
    event: RecordedEvent,
    *,
    timeout: float = 5.0,  # noqa: ASYNC109 (the publish request's own deadline)
) -> PubAck:
    """Publish one event and wait for the stream's ack (`ack.duplicate` if already there)."""
    return await js.publish(
        subject_of(ns, event), encode_recorded(event), timeout=timeout,
        headers=event_headers(event),
    )


async def publish_events(
    js: JetStreamContext,
    ns: Namespace,
    events: Sequence[RecordedEvent],
    *,
    timeout: float = 10.0,  # noqa: ASYNC109 (bounds the wait for every ack)
) -> list[PubAck]:
    """Publish a batch pipelined (no round trip per event) and wait for every ack.

    Raises `TimeoutError` if the acks are not all in within `timeout`, or the first
    publish error; either way the caller must not move its checkpoint, and re-publishing
    the whole batch is safe because `Nats-Msg-Id` dedupes what already landed.
    """
    futures = [
        await js.publish_async(
            subject_of(ns, event), encode_recorded(event), headers=event_headers(event)
        )
        for event in events
    ]
    try:
        async with asyncio.timeout(timeout):
            return list(await asyncio.gather(*futures))
    finally:
        for future in futures:
            future.cancel()  # no-op for the settled ones; frees the rest on timeout
