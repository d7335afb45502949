"""The durable pull-consumer loop against a real nats-server."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js.client import JetStreamContext
from videogen_bus.connection import connect, drain
from videogen_bus.consumer import (
    DeadLetterSink,
    EventHandler,
    PoisonMessage,
    TransientError,
    ensure_consumer,
    run_consumer,
)
from videogen_bus.correlation import current_correlation_id
from videogen_bus.headers import CAUSATION, CORRELATION
from videogen_bus.memory import InMemoryDeadLetters
from videogen_bus.publish import EventPublisher
from videogen_bus.pull import PullFeed
from videogen_bus.streams import ensure_stream
from videogen_contracts.envelope import RecordedEvent, decode_recorded
from videogen_contracts.subjects import Namespace

MakeEvent = Callable[..., RecordedEvent]


def no_wait(attempt: int) -> float:
    return 0.05


async def wait_until(check: Callable[[], bool], within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


@pytest.fixture
def durable(ns: Namespace) -> str:
    return ns.durable("test", "consumer")


@pytest.fixture
def dead_letters() -> InMemoryDeadLetters:
    return InMemoryDeadLetters()


Runner = Callable[..., AbstractAsyncContextManager[asyncio.Event]]


@pytest.fixture
def running(
    js: JetStreamContext, stream: str, durable: str, dead_letters: InMemoryDeadLetters
) -> Runner:
    """`async with running(handle, ...) as stop`: a consumer loop for the block's duration."""

    @asynccontextmanager
    async def run(
        handle: EventHandler,
        *,
        max_deliver: int = 20,
        filter_subjects: list[str] | None = None,
        sink: DeadLetterSink = dead_letters,
    ) -> AsyncIterator[asyncio.Event]:
        stop = asyncio.Event()
        task = asyncio.create_task(run_consumer(
            js, stream=stream, durable=durable, filter_subjects=filter_subjects,
            handle=handle, dead_letters=sink, stop=stop, max_deliver=max_deliver,
            backoff=no_wait,
        ))
        try:
            yield stop
        finally:
            stop.set()
            await asyncio.wait_for(task, 5)

    return run


async def publish(nc: Client, ns: Namespace, events: list[RecordedEvent]) -> None:
    await EventPublisher(nc, ns).publish(events)


async def test_acks_after_the_handler_returns(
    nc: Client, js: JetStreamContext, ns: Namespace, stream: str, durable: str,
    make_event: MakeEvent, running: Runner,
) -> None:
    events = [make_event() for _ in range(5)]
    await publish(nc, ns, events)
    handled: list[uuid.UUID] = []

    async def handle(event: RecordedEvent, msg: Msg) -> None:
        handled.append(event.event_id)

    async with running(handle):
        await wait_until(lambda: len(handled) == 5)
    info = await js.consumer_info(stream, durable)

    assert handled == [e.event_id for e in events]  # in stream order
    assert (info.num_ack_pending, info.num_pending, info.num_redelivered) == (0, 0, 0)
    async with running(handle):  # a restart resumes after the acked ones
        await asyncio.sleep(0.3)
    assert len(handled) == 5


async def test_handler_runs_in_the_events_correlation_scope_with_headers(
    nc: Client, ns: Namespace, stream: str, make_event: MakeEvent, running: Runner
) -> None:
    await publish(nc, ns, [make_event(correlation_id="c-77", causation_id="cmd-5")])
    seen: list[tuple[str | None, str | None, str | None]] = []

    async def handle(event: RecordedEvent, msg: Msg) -> None:
        headers = msg.headers or {}
        seen.append((current_correlation_id(), headers.get(CORRELATION), headers.get(CAUSATION)))

    async with running(handle):
        await wait_until(lambda: len(seen) == 1)

    assert seen == [("c-77", "c-77", "cmd-5")]
    assert current_correlation_id() is None  # unbound again after the message


async def test_redelivery_after_a_transient_failure_changes_nothing_twice(
    nc: Client, js: JetStreamContext, ns: Namespace, stream: str, durable: str,
    make_event: MakeEvent, running: Runner,
) -> None:
    events = [make_event() for _ in range(3)]
    flaky = events[1].event_id
    await publish(nc, ns, events)
    effects: Counter[uuid.UUID] = Counter()  # stands in for effect + tracking row
    deliveries: Counter[uuid.UUID] = Counter()

    async def handle(event: RecordedEvent, msg: Msg) -> None:
        deliveries[event.event_id] += 1
        if event.event_id in effects:
            return  # the tracking row says: already processed
        effects[event.event_id] += 1
        if event.event_id == flaky and deliveries[flaky] == 1:
            raise TransientError("committed, but the ack was lost")

    async with running(handle):
        await wait_until(lambda: deliveries[flaky] == 2)
        await wait_until(lambda: sum(deliveries.values()) == 4)
    info = await js.consumer_info(stream, durable)

    assert effects == {e.event_id: 1 for e in events}
    assert info.num_ack_pending == 0


async def test_an_undecodable_message_is_dead_lettered_and_termed(
    nc: Client, js: JetStreamContext, ns: Namespace, stream: str, durable: str,
    make_event: MakeEvent, running: Runner, dead_letters: InMemoryDeadLetters,
) -> None:
    first, last = make_event(), make_event()
    garbage_subject = ns.event_subject("project", "p1", "Garbage")
    await publish(nc, ns, [first])
    await js.publish(garbage_subject, b"\x00not json", headers={CORRELATION: "c-bad"})
    await publish(nc, ns, [last])
    handled: list[uuid.UUID] = []

    async def handle(event: RecordedEvent, msg: Msg) -> None:
        handled.append(event.event_id)

    async with running(handle):
        await wait_until(lambda: len(handled) == 2)
        await asyncio.sleep(0.2)  # time for a wrongful redelivery to show up
    info = await js.consumer_info(stream, durable)

    assert handled == [first.event_id, last.event_id]
    [letter] = dead_letters.letters
    assert (letter.consumer, letter.subject, letter.payload) == (
        durable, garbage_subject, b"\x00not json"
    )
    assert "undecodable" in letter.error
    assert (info.num_ack_pending, info.num_redelivered) == (0, 0)


async def test_a_handler_that_keeps_failing_is_dead_lettered_on_its_last_delivery(
    nc: Client, ns: Namespace, stream: str, make_event: MakeEvent, running: Runner,
    dead_letters: InMemoryDeadLetters,
) -> None:
    bad, good = make_event(), make_event()
    await publish(nc, ns, [bad, good])
    deliveries: Counter[uuid.UUID] = Counter()

    async def handle(event: RecordedEvent, msg: Msg) -> None:
        deliveries[event.event_id] += 1
        if event.event_id == bad.event_id:
            raise RuntimeError("bug in the projection")

    async with running(handle, max_deliver=3):
        await wait_until(lambda: len(dead_letters.letters) == 1)
        later = make_event()
        await publish(nc, ns, [later])  # the loop goes on after giving up
        await wait_until(lambda: deliveries[later.event_id] == 1)
        await asyncio.sleep(0.2)

    assert deliveries == {bad.event_id: 3, good.event_id: 1, later.event_id: 1}
    assert "failed 3 times" in dead_letters.letters[0].error
    assert "bug in the projection" in dead_letters.letters[0].error


async def test_a_poison_message_from_the_handler_is_not_retried(
    nc: Client, ns: Namespace, stream: str, make_event: MakeEvent, running: Runner,
    dead_letters: InMemoryDeadLetters,
) -> None:
    await publish(nc, ns, [make_event()])
    deliveries = 0

    async def handle(event: RecordedEvent, msg: Msg) -> None:
        nonlocal deliveries
        deliveries += 1
        raise PoisonMessage("schema_version 9 has no upcaster")

    async with running(handle):
        await wait_until(lambda: len(dead_letters.letters) == 1)
        await asyncio.sleep(0.2)

    assert deliveries == 1
    assert "schema_version 9" in dead_letters.letters[0].error


async def test_a_dead_letter_sink_that_is_down_keeps_the_message(
    nc: Client, js: JetStreamContext, ns: Namespace, stream: str, durable: str,
    running: Runner,
) -> None:
    await js.publish(ns.event_subject("project", "p1", "Garbage"), b"{}")
    recorded: list[bytes] = []
    attempts = 0

    class FlakySink:
        async def record(self, consumer: str, subject: str, payload: bytes, error: str) -> None:
            nonlocal attempts
            attempts += 1
            if attempts == 1:
                raise ConnectionError("postgres is restarting")
            recorded.append(payload)

    async def handle(event: RecordedEvent, msg: Msg) -> None:
        raise AssertionError("never decodes")

    async with running(handle, sink=FlakySink()):
        await wait_until(lambda: recorded == [b"{}"])
        # The message is terminated right after the sink records it: give the server's
        # consumer state that moment, instead of racing it.
        for _ in range(100):
            info = await js.consumer_info(stream, durable)
            if info.num_ack_pending == 0:
                break
            await asyncio.sleep(0.05)

    assert attempts == 2
    assert info.num_ack_pending == 0


async def test_stop_finishes_the_message_in_hand_and_returns_the_rest_at_once(
    nc: Client, js: JetStreamContext, ns: Namespace, stream: str, durable: str,
    make_event: MakeEvent, running: Runner,
) -> None:
    events = [make_event() for _ in range(5)]
    await publish(nc, ns, events)
    finished: list[uuid.UUID] = []
    entered, release = asyncio.Event(), asyncio.Event()

    async def blocking(event: RecordedEvent, msg: Msg) -> None:
        entered.set()
        await release.wait()
        finished.append(event.event_id)

    async with running(blocking) as stop:
        await entered.wait()
        stop.set()
        release.set()
    assert finished == [events[0].event_id]

    async def handle(event: RecordedEvent, msg: Msg) -> None:
        finished.append(event.event_id)

    started = time.monotonic()
    async with running(handle):  # ack_wait is 30 s: the rest must come back by nak
        await wait_until(lambda: len(finished) == 5, within=3)
    assert time.monotonic() - started < 3
    assert sorted(finished) == sorted(e.event_id for e in events)


async def test_a_closed_feed_hands_back_all_it_was_sent_and_nothing_waits_out_ack_wait(
    nc: Client, js: JetStreamContext, ns: Namespace, stream: str, durable: str,
    make_event: MakeEvent,
) -> None:
    # The stop path's hand-back (run_consumer naks what PullFeed.close returns). Messages
    # the server sends on the open pull request while the feed closes must be returned,
    # not dropped with the subscription, and the naks must not be redelivered to that
    # dead request: either way they would sit out ack_wait (30 s) before anyone had them.
    # Whether a delivery is in flight at the close is a race, so it is run several times
    # (the old close lost them in about one round out of five).
    for round_no in range(8):
        consumer = f"{durable}-{round_no}"
        await ensure_consumer(js, stream, consumer, None)
        await js.purge_stream(stream)
        feed = PullFeed(nc, stream, consumer, batch=100)
        await feed.start()
        assert await feed.take(0.05) == []  # a pull request is now open on the server
        events = [make_event() for _ in range(5)]
        await publish(nc, ns, events)  # delivered on that request as the feed closes
        left = await feed.close()
        await nc.flush()
        info = await js.consumer_info(stream, consumer)
        assert info.num_ack_pending == len(left), (round_no, info, len(left))
        for msg in left:
            await msg.nak()

        after = PullFeed(nc, stream, consumer, batch=100)
        await after.start()
        taken: list[Msg] = []
        deadline = time.monotonic() + 3  # far below ack_wait: only a nak brings them so soon
        while len(taken) < 5 and time.monotonic() < deadline:
            taken += await after.take(0.2)
        await after.close()
        assert sorted(decode_recorded(m.data).event_id for m in taken) == sorted(
            e.event_id for e in events), round_no


async def test_stop_returns_promptly_when_idle(
    js: JetStreamContext, stream: str, durable: str, dead_letters: InMemoryDeadLetters
) -> None:
    stop = asyncio.Event()

    async def handle(event: RecordedEvent, msg: Msg) -> None:
        raise AssertionError("nothing to handle")

    task = asyncio.create_task(run_consumer(
        js, stream=stream, durable=durable, filter_subjects=None, handle=handle,
        dead_letters=dead_letters, stop=stop,
    ))
    await asyncio.sleep(0.2)
    started = time.monotonic()
    stop.set()
    await asyncio.wait_for(task, 2)

    assert time.monotonic() - started < 0.5


async def test_filter_subjects_select_events(
    nc: Client, ns: Namespace, stream: str, make_event: MakeEvent, running: Runner
) -> None:
    mine = [make_event(project_id="a"), make_event(project_id="b")]
    await publish(nc, ns, [make_event(project_id="other"), *mine, make_event(project_id="c")])
    handled: list[str | None] = []

    async def handle(event: RecordedEvent, msg: Msg) -> None:
        handled.append(event.metadata.project_id)

    subjects = [ns.project_events("a"), ns.project_events("b")]
    async with running(handle, filter_subjects=subjects):
        await wait_until(lambda: len(handled) == 2)
        await asyncio.sleep(0.2)

    assert handled == ["a", "b"]


async def test_replicas_on_one_durable_share_the_work(
    nats_url: str, nc: Client, ns: Namespace, stream: str, durable: str,
    make_event: MakeEvent, dead_letters: InMemoryDeadLetters,
) -> None:
    events = [make_event() for _ in range(300)]
    await publish(nc, ns, events)
    handled: Counter[uuid.UUID] = Counter()
    by_replica: Counter[int] = Counter()
    stop = asyncio.Event()

    def replica(n: int) -> EventHandler:
        async def handle(event: RecordedEvent, msg: Msg) -> None:
            handled[event.event_id] += 1
            by_replica[n] += 1
            await asyncio.sleep(0)

        return handle

    clients = [await connect(nats_url, f"worker-{n}") for n in range(2)]
    tasks = [
        asyncio.create_task(run_consumer(
            c.jetstream(), stream=stream, durable=durable, filter_subjects=None,
            handle=replica(n), dead_letters=dead_letters, stop=stop, batch=10,
        ))
        for n, c in enumerate(clients)
    ]
    await wait_until(lambda: len(handled) == 300)
    stop.set()
    await asyncio.gather(*tasks)
    for client in clients:
        await drain(client)

    assert set(handled.values()) == {1}
    assert by_replica[0] > 0
    assert by_replica[1] > 0


async def test_a_deleted_consumer_is_created_again(
    nc: Client, js: JetStreamContext, ns: Namespace, stream: str, durable: str,
    make_event: MakeEvent, running: Runner,
) -> None:
    await publish(nc, ns, [make_event()])
    handled: list[uuid.UUID] = []

    async def handle(event: RecordedEvent, msg: Msg) -> None:
        handled.append(event.event_id)

    async with running(handle):
        await wait_until(lambda: len(handled) == 1)
        await js.delete_consumer(stream, durable)
        later = make_event()
        await publish(nc, ns, [later])
        # Re-created with deliver-all: the first event comes again (handlers are idempotent).
        await wait_until(lambda: later.event_id in handled, within=5)


async def test_a_consumer_started_before_its_stream_waits_for_it(
    nc: Client, js: JetStreamContext, ns: Namespace, durable: str, make_event: MakeEvent,
    dead_letters: InMemoryDeadLetters,
) -> None:
    handled: list[uuid.UUID] = []
    stop = asyncio.Event()

    async def handle(event: RecordedEvent, msg: Msg) -> None:
        handled.append(event.event_id)

    task = asyncio.create_task(run_consumer(
        js, stream=ns.stream_name("project"), durable=durable, filter_subjects=None,
        handle=handle, dead_letters=dead_letters, stop=stop,
    ))
    await asyncio.sleep(0.3)
    await ensure_stream(js, ns, "project")  # the owning service comes up later
    event = make_event()
    await publish(nc, ns, [event])

    await wait_until(lambda: handled == [event.event_id], within=3)
    stop.set()
    await asyncio.wait_for(task, 2)
