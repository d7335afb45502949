"""The actor travels over real NATS: a command sent while an actor is bound is handled for
that actor; a consumer or a job reacting to an event acts for the event's owner; nothing
bound is the system."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager

import msgspec
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js.client import JetStreamContext
from videogen_bus.actor import ADMIN, USER, acting_as, current_actor
from videogen_bus.consumer import run_consumer
from videogen_bus.headers import event_headers
from videogen_bus.jobs import Delivery, JobQueue, JobRunner
from videogen_bus.memory import InMemoryDeadLetters
from videogen_bus.publish import EventPublisher
from videogen_bus.rpc import send_command, serve_commands
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.identity import Actor
from videogen_contracts.replies import CommandAccepted, CommandReply
from videogen_contracts.subjects import Namespace

SERVICE = "project"
ALICE = Actor(user="alice")
ROOT = Actor(user="root", admin=True)

MakeEvent = Callable[..., RecordedEvent]
RunQueue = Callable[[JobRunner], AbstractAsyncContextManager[JobQueue]]  # conftest.run_queue


def owned(event: RecordedEvent, owner: str | None) -> RecordedEvent:
    metadata = msgspec.structs.replace(event.metadata, owner=owner)
    return msgspec.structs.replace(event, metadata=metadata)


async def wait_for_count(seen: list[Actor | None], count: int) -> None:
    for _ in range(500):
        if len(seen) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"saw {seen}, wanted {count}")


async def test_a_command_is_handled_for_the_actor_bound_when_it_was_sent(
    nc: Client, ns: Namespace
) -> None:
    seen: list[tuple[Actor | None, str | None, str | None]] = []

    async def handler(data: bytes, headers: Mapping[str, str]) -> CommandReply:
        seen.append((current_actor(), headers.get(USER), headers.get(ADMIN)))
        return CommandAccepted(stream_id="s", stream_version=1, global_position=1)

    server = await serve_commands(nc, ns, SERVICE, {"touch": handler})
    with acting_as(ALICE):
        await send_command(nc, ns, SERVICE, "touch", b"{}", correlation_id="c-1")
    with acting_as(ROOT):
        await send_command(nc, ns, SERVICE, "touch", b"{}", correlation_id="c-2")
    await send_command(nc, ns, SERVICE, "touch", b"{}", correlation_id="c-3")
    await server.close()

    assert seen == [(ALICE, "alice", None), (ROOT, "root", "1"), (None, None, None)]
    assert current_actor() is None  # nothing leaked into the sender's context


async def test_a_consumer_acts_for_the_owner_of_the_event(
    js: JetStreamContext, nc: Client, ns: Namespace, stream: str, make_event: MakeEvent
) -> None:
    seen: list[Actor | None] = []
    events = [owned(make_event(), "alice"), owned(make_event(), None)]
    assert event_headers(events[0])[USER] == "alice"
    assert USER not in event_headers(events[1])
    await EventPublisher(nc, ns).publish(events)

    async def handle(event: RecordedEvent, msg: Msg) -> None:
        seen.append(current_actor())

    stop = asyncio.Event()
    task = asyncio.create_task(run_consumer(
        js, stream=stream, durable=ns.durable("test", "actor"), filter_subjects=None,
        handle=handle, dead_letters=InMemoryDeadLetters(), stop=stop,
    ))
    try:
        await wait_for_count(seen, 2)
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
    assert seen == [ALICE, None]


async def test_a_job_acts_for_the_owner_of_the_event_that_asked_for_it(
    nc: Client, ns: Namespace, make_event: MakeEvent, run_queue: RunQueue
) -> None:
    seen: list[Actor | None] = []
    await EventPublisher(nc, ns).publish([owned(make_event(type="JobRequested"), "alice")])

    async def run_job(event: RecordedEvent, delivery: Delivery) -> None:
        seen.append(current_actor())

    async with run_queue(run_job):
        await wait_for_count(seen, 1)
    assert seen == [ALICE]
