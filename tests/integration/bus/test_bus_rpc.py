"""Commands by request/reply against a real nats-server: queue groups, failures, shutdown."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Mapping

import msgspec
import pytest
import structlog
from nats.aio.client import Client
from videogen_bus.connection import connect, drain
from videogen_bus.correlation import current_correlation_id
from videogen_bus.headers import CAUSATION, CORRELATION
from videogen_bus.rpc import (
    CommandHandler,
    NatsCommandSender,
    ServiceUnavailable,
    ping,
    send_command,
    serve_commands,
)
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply
from videogen_contracts.subjects import Namespace

SERVICE = "project"


class Rename(msgspec.Struct, frozen=True):
    project_id: str
    topic: str


def accepted(stream_id: str, version: int = 1) -> CommandAccepted:
    return CommandAccepted(stream_id=stream_id, stream_version=version, global_position=version)


async def rename(data: bytes, headers: Mapping[str, str]) -> CommandReply:
    command = msgspec.json.decode(data, type=Rename)
    return accepted(f"project-{command.project_id}")


async def test_round_trip_with_typed_payload_and_reply(nc: Client, ns: Namespace) -> None:
    server = await serve_commands(nc, ns, SERVICE, {"rename": rename})

    reply = await send_command(
        nc, ns, SERVICE, "rename", Rename("p1", "new"), correlation_id="c-1"
    )

    assert reply == accepted("project-p1")
    await server.close()


async def test_ids_travel_in_headers_and_the_handler_runs_in_the_correlation_scope(
    nc: Client, ns: Namespace
) -> None:
    seen: list[tuple[str | None, str | None, str | None]] = []

    async def handler(data: bytes, headers: Mapping[str, str]) -> CommandReply:
        seen.append((headers.get(CORRELATION), headers.get(CAUSATION), current_correlation_id()))
        return accepted("s")

    await serve_commands(nc, ns, SERVICE, {"touch": handler})
    sender = NatsCommandSender(nc, ns)

    await sender.send_command(SERVICE, "touch", b"{}", correlation_id="c-9", causation_id="e-3")

    assert seen == [("c-9", "e-3", "c-9")]


async def test_replicas_in_the_queue_group_share_the_requests(
    nats_url: str, nc: Client, ns: Namespace
) -> None:
    served: Counter[str] = Counter()

    def replica(name: str) -> CommandHandler:
        async def handler(data: bytes, headers: Mapping[str, str]) -> CommandReply:
            served[name] += 1
            await asyncio.sleep(0.001)
            return accepted(name)

        return handler

    replicas = [await connect(nats_url, f"replica-{i}") for i in range(2)]
    for i, replica_nc in enumerate(replicas):
        await serve_commands(replica_nc, ns, SERVICE, {"work": replica(f"r{i}")})

    replies = await asyncio.gather(*(
        send_command(nc, ns, SERVICE, "work", b"{}", correlation_id=f"c-{n}") for n in range(200)
    ))

    assert len(replies) == 200
    assert sum(served.values()) == 200  # each request answered by exactly one replica
    assert served["r0"] > 0
    assert served["r1"] > 0
    for replica_nc in replicas:
        await drain(replica_nc)


async def test_no_responders_is_service_unavailable_at_once(nc: Client, ns: Namespace) -> None:
    started = time.monotonic()

    with pytest.raises(ServiceUnavailable, match="no responders"):
        await send_command(nc, ns, SERVICE, "rename", b"{}", correlation_id="c", timeout=5)

    assert time.monotonic() - started < 1.0


async def test_a_handler_that_never_answers_is_a_timeout(nc: Client, ns: Namespace) -> None:
    async def stuck(data: bytes, headers: Mapping[str, str]) -> CommandReply:
        await asyncio.sleep(5)
        return accepted("late")

    server = await serve_commands(nc, ns, SERVICE, {"stuck": stuck})

    with pytest.raises(ServiceUnavailable, match="no reply within"):
        await send_command(nc, ns, SERVICE, "stuck", b"{}", correlation_id="c", timeout=0.2)
    await server.close(grace=0.1)


async def test_a_handler_exception_is_rejected_as_unavailable_and_logged(
    nc: Client, ns: Namespace
) -> None:
    async def broken(data: bytes, headers: Mapping[str, str]) -> CommandReply:
        raise RuntimeError("database exploded")

    await serve_commands(nc, ns, SERVICE, {"broken": broken})

    with structlog.testing.capture_logs(
        processors=[structlog.contextvars.merge_contextvars]
    ) as logs:
        reply = await send_command(nc, ns, SERVICE, "broken", b"{}", correlation_id="c-boom")

    assert isinstance(reply, CommandRejected)
    assert reply.code == "unavailable"
    assert "c-boom" in reply.message
    assert "exploded" not in reply.message
    [failure] = [entry for entry in logs if entry["event"] == "command.failed"]
    assert failure["correlation_id"] == "c-boom"
    assert failure["log_level"] == "error"


async def test_a_payload_that_does_not_decode_is_rejected_as_invalid(
    nc: Client, ns: Namespace
) -> None:
    await serve_commands(nc, ns, SERVICE, {"rename": rename})

    reply = await send_command(
        nc, ns, SERVICE, "rename", b'{"project_id": 5}', correlation_id="c"
    )

    assert isinstance(reply, CommandRejected)
    assert reply.code == "invalid"


async def test_ping_answers_while_served_and_not_after_close(nc: Client, ns: Namespace) -> None:
    server = await serve_commands(nc, ns, SERVICE, {})

    assert await ping(nc, ns, SERVICE) < 1.0
    await server.close()
    with pytest.raises(ServiceUnavailable):
        await ping(nc, ns, SERVICE, timeout=0.5)


async def test_slow_handlers_run_concurrently(nc: Client, ns: Namespace) -> None:
    async def slow(data: bytes, headers: Mapping[str, str]) -> CommandReply:
        await asyncio.sleep(0.3)
        return accepted("slow")

    await serve_commands(nc, ns, SERVICE, {"slow": slow})
    started = time.monotonic()

    await asyncio.gather(*(
        send_command(nc, ns, SERVICE, "slow", b"{}", correlation_id="c") for _ in range(10)
    ))

    assert time.monotonic() - started < 1.5  # ten in sequence would take 3 s


async def test_drain_lets_in_flight_commands_reply_first(
    nats_url: str, nc: Client, ns: Namespace
) -> None:
    entered = asyncio.Event()

    async def slow(data: bytes, headers: Mapping[str, str]) -> CommandReply:
        entered.set()
        await asyncio.sleep(0.3)
        return accepted("finished")

    server_nc = await connect(nats_url, "draining-replica")
    await serve_commands(server_nc, ns, SERVICE, {"slow": slow})
    # Served as a client sees it (what the gateway's readiness waits for): on a loaded
    # machine a request sent on another connection at once has met "no responders".
    for _ in range(100):
        try:
            await ping(nc, ns, SERVICE)
            break
        except ServiceUnavailable:
            await asyncio.sleep(0.05)
    request = asyncio.create_task(
        send_command(nc, ns, SERVICE, "slow", b"{}", correlation_id="c", timeout=3)
    )
    await asyncio.wait_for(entered.wait(), 10)

    await drain(server_nc)

    assert await request == accepted("finished")
    assert server_nc.is_closed
    with pytest.raises(ServiceUnavailable, match="no responders"):
        await send_command(nc, ns, SERVICE, "slow", b"{}", correlation_id="c")


async def test_the_micro_service_is_discoverable(nc: Client, ns: Namespace) -> None:
    await serve_commands(nc, ns, SERVICE, {"rename": rename}, version="1.2.3")

    msg = await nc.request(f"$SRV.INFO.{ns.name}-{SERVICE}", b"", timeout=1)

    info = msgspec.json.decode(msg.data)
    assert info["version"] == "1.2.3"
    subjects = {endpoint["subject"] for endpoint in info["endpoints"]}
    assert subjects == {ns.command_subject(SERVICE, "rename"), ns.command_subject(SERVICE, "ping")}
    assert {endpoint["queue_group"] for endpoint in info["endpoints"]} == {
        ns.command_queue(SERVICE)
    }
