"""Connections: waiting for NATS at start, surviving its restart, draining at the end."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path

from nats.aio.msg import Msg
from videogen_bus.connection import bus_connection, connect, drain
from videogen_bus.consumer import run_consumer
from videogen_bus.memory import InMemoryDeadLetters
from videogen_bus.publish import EventPublisher
from videogen_bus.pull import PullFeed
from videogen_bus.rpc import send_command, serve_commands
from videogen_bus.streams import ensure_stream
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.replies import CommandAccepted, CommandReply
from videogen_contracts.subjects import Namespace
from videogen_local.infra import Server, free_port, start_nats

MakeEvent = Callable[..., RecordedEvent]


async def wait_until(check: Callable[[], bool], within: float) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def test_connect_waits_for_a_server_that_starts_later(tmp_path: Path) -> None:
    port = free_port()
    connecting = asyncio.create_task(connect(f"nats://127.0.0.1:{port}", "early-bird"))
    await asyncio.sleep(0.6)
    assert not connecting.done()

    server = await asyncio.to_thread(start_nats, tmp_path / "late", port)
    try:
        nc = await asyncio.wait_for(connecting, 5)
        assert nc.is_connected
        await drain(nc)
    finally:
        server.stop()


async def test_bus_connection_drains_on_exit(nats_url: str) -> None:
    async with bus_connection(nats_url, "scoped") as nc:
        assert nc.is_connected
    assert nc.is_closed


async def test_an_idle_pull_is_renewed_when_it_expires(
    nats_url: str, ns: Namespace, make_event: MakeEvent
) -> None:
    async with bus_connection(nats_url, "idle") as nc:
        js = nc.jetstream()
        await ensure_stream(js, ns, "project")
        stream = ns.stream_name("project")
        await js.add_consumer(stream, durable_name="idle", name="idle")
        feed = PullFeed(nc, stream, "idle", batch=10, expires=0.2)
        await feed.start()

        taking = asyncio.create_task(feed.take(max_wait=3))
        await asyncio.sleep(0.5)  # the first request expired (408) and was renewed
        published = time.monotonic()
        await EventPublisher(nc, ns).publish([make_event()])
        msgs = await taking
        # Delivered on the renewed request, not after giving up on a silent one (~1.2 s).
        assert time.monotonic() - published < 0.5
        assert len(msgs) == 1
        await msgs[0].ack()
        assert await feed.close() == []


async def test_commands_and_consumers_survive_a_nats_restart(
    own_nats: Server, tmp_path: Path, ns: Namespace, make_event: MakeEvent
) -> None:
    async def handler(data: bytes, headers: Mapping[str, str]) -> CommandReply:
        return CommandAccepted(stream_id="s", stream_version=1, global_position=1)

    handled: list[uuid.UUID] = []

    async def handle(event: RecordedEvent, msg: Msg) -> None:
        handled.append(event.event_id)

    nc = await connect(own_nats.url, "survivor")
    js = nc.jetstream()
    await ensure_stream(js, ns, "project")
    await serve_commands(nc, ns, "project", {"work": handler})
    stop = asyncio.Event()
    consumer = asyncio.create_task(run_consumer(
        js, stream=ns.stream_name("project"), durable="survivor", filter_subjects=None,
        handle=handle, dead_letters=InMemoryDeadLetters(), stop=stop,
    ))
    await asyncio.sleep(0.2)

    own_nats.kill()
    restarted = await asyncio.to_thread(start_nats, tmp_path / "nats", own_nats.port)
    try:
        await wait_until(lambda: nc.is_connected, within=10)
        reply = await send_command(nc, ns, "project", "work", b"{}", correlation_id="c")
        assert isinstance(reply, CommandAccepted)
        event = make_event()
        await EventPublisher(nc, ns).publish([event])
        # The pull request died with the server; the feed notices the reconnect.
        await wait_until(lambda: event.event_id in handled, within=3)
    finally:
        stop.set()
        await asyncio.wait_for(consumer, 5)
        await drain(nc)
        restarted.stop()
