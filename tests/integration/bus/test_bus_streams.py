"""ensure_stream and EventPublisher against a real nats-server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from nats.aio.client import Client
from nats.js.api import StorageType
from nats.js.client import JetStreamContext
from videogen_bus.connection import connect, drain
from videogen_bus.headers import CAUSATION, CORRELATION, EVENT_TYPE, MSG_ID
from videogen_bus.publish import EventPublisher, PublishError
from videogen_bus.streams import DUPLICATE_WINDOW_SECONDS, ensure_stream, stream_config
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.subjects import Namespace

SERVICE = "project"
MakeEvent = Callable[..., RecordedEvent]


async def test_creates_the_stream_as_the_log_of_the_service(
    js: JetStreamContext, ns: Namespace
) -> None:
    await ensure_stream(js, ns, SERVICE)

    info = await js.stream_info(ns.stream_name(SERVICE))
    assert info.config.subjects == [ns.stream_subjects(SERVICE)]
    assert info.config.storage == StorageType.FILE
    assert info.config.duplicate_window == DUPLICATE_WINDOW_SECONDS
    assert (info.config.max_msgs, info.config.max_bytes, info.config.max_age) == (-1, -1, 0)


async def test_is_idempotent_and_keeps_the_messages(
    js: JetStreamContext, nc: Client, ns: Namespace, make_event: MakeEvent
) -> None:
    await ensure_stream(js, ns, SERVICE)
    await EventPublisher(nc, ns).publish([make_event(), make_event()])

    await ensure_stream(js, ns, SERVICE)

    assert (await js.stream_info(ns.stream_name(SERVICE))).state.messages == 2


async def test_is_safe_when_replicas_start_together(nats_url: str, ns: Namespace) -> None:
    clients = [await connect(nats_url, f"replica-{i}") for i in range(4)]
    try:
        await asyncio.gather(*(ensure_stream(c.jetstream(), ns, SERVICE) for c in clients))
        info = await clients[0].jetstream().stream_info(ns.stream_name(SERVICE))
        assert info.config.duplicate_window == DUPLICATE_WINDOW_SECONDS
    finally:
        for client in clients:
            await drain(client)


async def test_brings_an_older_stream_to_the_current_config(
    js: JetStreamContext, ns: Namespace
) -> None:
    old = stream_config(ns, SERVICE)
    old.duplicate_window = 10.0
    await js.add_stream(old)

    await ensure_stream(js, ns, SERVICE)

    info = await js.stream_info(ns.stream_name(SERVICE))
    assert info.config.duplicate_window == DUPLICATE_WINDOW_SECONDS


async def test_a_republished_event_is_dropped_as_a_duplicate(
    nc: Client, js: JetStreamContext, stream: str, ns: Namespace, make_event: MakeEvent
) -> None:
    publisher = EventPublisher(nc, ns)
    first, second = make_event(), make_event()

    acks = await publisher.publish([first, second])
    again = await publisher.publish([second, first])

    assert [a.duplicate for a in acks] == [False, False]
    assert [a.duplicate for a in again] == [True, True]
    assert [a.seq for a in again] == [acks[1].seq, acks[0].seq]
    assert (await js.stream_info(stream)).state.messages == 2


async def test_events_carry_their_ids_in_headers_on_their_subject(
    nc: Client, js: JetStreamContext, stream: str, ns: Namespace, make_event: MakeEvent
) -> None:
    event = make_event(project_id="p9", correlation_id="c-42", causation_id="cmd-7")

    [ack] = await EventPublisher(nc, ns).publish([event])

    stored = await js.get_msg(stream, ack.seq)
    assert stored.subject == ns.event_subject(SERVICE, "p9", "ProjectUpdated")
    assert stored.headers is not None
    assert stored.headers[MSG_ID] == str(event.event_id)
    assert stored.headers[CORRELATION] == "c-42"
    assert stored.headers[CAUSATION] == "cmd-7"
    assert stored.headers[EVENT_TYPE] == "ProjectUpdated"


async def test_publishing_where_no_stream_listens_fails_loudly(
    nc: Client, ns: Namespace, make_event: MakeEvent
) -> None:
    with pytest.raises(PublishError):
        await EventPublisher(nc, ns).publish([make_event()], timeout=2)
