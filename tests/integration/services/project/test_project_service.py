"""The project service in-process on real PostgreSQL and NATS, driven over request/reply.

Each test starts the service's own bootstrap in a world of its own (namespace + schema),
sends commands exactly as the gateway does, and checks the replies, the events table and
the events the relay published to JetStream.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
from nats.aio.client import Client
from project_service.bootstrap import ProjectService, start_project_service
from videogen_bus.connection import connect, drain
from videogen_bus.headers import CORRELATION, MSG_ID
from videogen_bus.rpc import ServiceUnavailable, send_command
from videogen_contracts.envelope import RecordedEvent, decode_recorded
from videogen_contracts.project.events import SERVICE, stream_id_for
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply
from videogen_contracts.subjects import Namespace
from videogen_runtime.settings import Settings


@pytest.fixture
async def service(pg_url: str, nats_url: str, world_id: str) -> AsyncIterator[ProjectService]:
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id)
    async with AsyncExitStack() as stack:
        yield await start_project_service(settings, stack)


@pytest.fixture
async def nc(nats_url: str) -> AsyncIterator[Client]:
    client = await connect(nats_url, "project-service-test")
    yield client
    await drain(client)


class Gateway:
    """Sends commands the way the gateway does: JSON body, a correlation id, `now`."""

    def __init__(self, nc: Client, ns: Namespace) -> None:
        self.nc = nc
        self.ns = ns
        self.correlation_id = str(uuid.uuid4())

    async def send(self, command: str, body: dict[str, Any] | bytes) -> CommandReply:
        payload = body if isinstance(body, bytes) else msgspec.json.encode(body)
        return await send_command(
            self.nc, self.ns, SERVICE, command, payload, correlation_id=self.correlation_id
        )

    async def ok(self, command: str, **fields: Any) -> CommandAccepted:
        reply = await self.send(command, self.body(**fields))
        assert isinstance(reply, CommandAccepted), reply
        return reply

    async def rejected(self, command: str, body: dict[str, Any] | bytes) -> CommandRejected:
        reply = await self.send(command, body)
        assert isinstance(reply, CommandRejected), reply
        return reply

    @staticmethod
    def body(**fields: Any) -> dict[str, Any]:
        return {"command_id": str(uuid.uuid4()), "now": datetime.now(UTC).isoformat(), **fields}


@pytest.fixture
def gateway(nc: Client, service: ProjectService) -> Gateway:
    return Gateway(nc, service.plumbing.namespace)


async def published(nc: Client, ns: Namespace, count: int) -> list[tuple[str, Any, bytes]]:
    """The first `count` messages of the service's stream: (subject, headers, body)."""
    js = nc.jetstream()
    sub = await js.subscribe(ns.stream_subjects(SERVICE), ordered_consumer=True)
    try:
        messages = [await sub.next_msg(timeout=5) for _ in range(count)]
        with pytest.raises(TimeoutError):
            await sub.next_msg(timeout=0.3)  # and nothing more
    finally:
        await sub.unsubscribe()
    return [(m.subject, m.headers, m.data) for m in messages]


async def test_each_command_is_accepted_appended_and_published(
    service: ProjectService, gateway: Gateway, nc: Client
) -> None:
    pid, alice, bob = (str(uuid.uuid4()) for _ in range(3))
    cast = [{"character_id": alice, "name": "Alice"}, {"character_id": bob, "name": "Bob"}]
    replies = [
        await gateway.ok("create_project", project_id=pid, topic="Volcanoes", style="doc"),
        await gateway.ok("update_project", project_id=pid, topic="Lava", style=None),
        await gateway.ok("add_cast_members", project_id=pid, members=cast),
        await gateway.ok("remove_cast_member", project_id=pid, character_id=alice),
        await gateway.ok("delete_project", project_id=pid),
    ]
    stream_id = stream_id_for(uuid.UUID(pid))
    assert [r.stream_version for r in replies] == [1, 2, 4, 5, 6]
    assert all(r.stream_id == stream_id and not r.duplicate for r in replies)
    positions = [r.global_position for r in replies]
    assert positions == sorted(positions)

    stored = await service.plumbing.store.read_stream(stream_id)
    types = ["ProjectCreated", "ProjectUpdated", "CastMemberAdded", "CastMemberAdded",
             "CastMemberRemoved", "ProjectDeleted"]  # fmt: skip
    assert [e.type for e in stored] == types
    assert {e.metadata.project_id for e in stored} == {pid}
    assert {e.metadata.correlation_id for e in stored} == {gateway.correlation_id}

    await asyncio.wait_for(service.plumbing.relay.caught_up(), 10)
    messages = await published(nc, service.plumbing.namespace, len(types))
    for (subject, headers, body), event in zip(messages, stored, strict=True):
        assert subject == service.plumbing.namespace.event_subject(SERVICE, pid, event.type)
        assert subject == f"{service.plumbing.namespace.name}.vg.project.{pid}.{event.type}"
        assert headers[MSG_ID] == str(event.event_id)
        assert headers[CORRELATION] == gateway.correlation_id
        assert _same_event(decode_recorded(body), event)


def _same_event(a: RecordedEvent, b: RecordedEvent) -> bool:
    return (a.event_id, a.stream_version, msgspec.json.decode(a.data)) == (
        b.event_id,
        b.stream_version,
        msgspec.json.decode(b.data),
    )


async def test_rejections_carry_the_domain_code_and_store_nothing(
    service: ProjectService, gateway: Gateway
) -> None:
    pid, alice = str(uuid.uuid4()), str(uuid.uuid4())
    missing = str(uuid.uuid4())
    body = gateway.body
    unknown = await gateway.rejected("update_project", body(project_id=missing, topic="x"))
    assert unknown.code == "not_found"
    await gateway.ok("create_project", project_id=pid, topic="Volcanoes")
    conflict = await gateway.rejected("create_project", body(project_id=pid, topic="again"))
    assert conflict.code == "conflict"

    blank = await gateway.rejected("update_project", body(project_id=pid, topic="  "))
    assert (blank.code, blank.field) == ("invalid", "topic")
    too_long = await gateway.rejected("update_project", body(project_id=pid, topic="x" * 501))
    assert (too_long.code, too_long.field) == ("invalid", "topic")
    duration = await gateway.rejected(
        "update_project", body(project_id=pid, target_duration_minutes=-3)
    )
    assert (duration.code, duration.field) == ("invalid", "target_duration_minutes")
    empty = await gateway.rejected("add_cast_members", body(project_id=pid, members=[]))
    assert (empty.code, empty.field) == ("invalid", "members")
    huge = [{"character_id": str(uuid.uuid4()), "name": f"c{i}"} for i in range(10_000)]
    batch = await gateway.rejected("add_cast_members", body(project_id=pid, members=huge))
    assert (batch.code, batch.field) == ("invalid", "members")

    wrong_type = await gateway.rejected("update_project", body(project_id=pid, topic=5))
    assert (wrong_type.code, wrong_type.field) == ("invalid", "topic")
    no_topic = await gateway.rejected("create_project", body(project_id=str(uuid.uuid4())))
    assert (no_topic.code, no_topic.field) == ("invalid", "topic")
    nested = await gateway.rejected(
        "add_cast_members", body(project_id=pid, members=[{"character_id": alice}])
    )
    assert (nested.code, nested.field) == ("invalid", "members[0].name")
    malformed = await gateway.rejected("update_project", b'{"topic": ')
    assert (malformed.code, malformed.field) == ("invalid", None)

    await gateway.ok(
        "add_cast_members", project_id=pid, members=[{"character_id": alice, "name": "A"}]
    )
    await gateway.ok("remove_cast_member", project_id=pid, character_id=alice)
    again = await gateway.rejected("remove_cast_member", body(project_id=pid, character_id=alice))
    assert again.code == "not_found"
    await gateway.ok("delete_project", project_id=pid)
    assert (await gateway.rejected("delete_project", body(project_id=pid))).code == "not_found"

    stored = await service.plumbing.store.read_stream(stream_id_for(uuid.UUID(pid)))
    assert [e.type for e in stored] == [
        "ProjectCreated", "CastMemberAdded", "CastMemberRemoved", "ProjectDeleted",
    ]  # fmt: skip
    assert await service.plumbing.store.read_stream(stream_id_for(uuid.UUID(missing))) == []


async def test_resending_a_command_id_is_a_no_op(
    service: ProjectService, gateway: Gateway, nc: Client
) -> None:
    pid = str(uuid.uuid4())
    create = gateway.body(project_id=pid, topic="Volcanoes")
    first = await gateway.send("create_project", create)
    again = await gateway.send("create_project", create)
    assert isinstance(first, CommandAccepted)
    assert isinstance(again, CommandAccepted)
    assert (again.duplicate, again.stream_version) == (True, first.stream_version)

    cast = [{"character_id": str(uuid.uuid4()), "name": n} for n in ("A", "B", "C")]
    add = gateway.body(project_id=pid, members=cast)
    added = await gateway.send("add_cast_members", add)
    await gateway.ok("update_project", project_id=pid, tone="calm")
    # A late resend (after another command) still answers with the original result.
    resent = await gateway.send("add_cast_members", add)
    assert isinstance(added, CommandAccepted)
    assert isinstance(resent, CommandAccepted)
    assert resent.duplicate
    assert (resent.stream_version, resent.global_position) == (
        added.stream_version,
        added.global_position,
    )

    stored = await service.plumbing.store.read_stream(stream_id_for(uuid.UUID(pid)))
    assert [e.type for e in stored] == [
        "ProjectCreated",
        *["CastMemberAdded"] * 3,
        "ProjectUpdated",
    ]
    await asyncio.wait_for(service.plumbing.relay.caught_up(), 10)
    assert len(await published(nc, service.plumbing.namespace, len(stored))) == len(stored)


async def test_shutdown_answers_in_flight_commands_and_a_restart_publishes_the_rest(
    pg_url: str, nats_url: str, world_id: str, nc: Client
) -> None:
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id)
    stack = AsyncExitStack()
    service = await start_project_service(settings, stack)
    gateway = Gateway(nc, service.plumbing.namespace)

    async def create(i: int) -> CommandReply | ServiceUnavailable:
        body = msgspec.json.encode(gateway.body(project_id=str(uuid.uuid4()), topic=f"t{i}"))
        try:
            return await send_command(
                nc, service.plumbing.namespace, SERVICE, "create_project", body,
                correlation_id=gateway.correlation_id, timeout=2,
            )  # fmt: skip
        except ServiceUnavailable as error:
            return error  # not answered: the service stopped before running it

    sends = [asyncio.create_task(create(i)) for i in range(40)]
    await asyncio.sleep(0.01)  # most are in flight now, some may not be delivered yet
    await stack.aclose()  # graceful: in-flight commands finish and reply first
    results = await asyncio.gather(*sends)
    accepted = [r for r in results if isinstance(r, CommandAccepted)]
    assert all(isinstance(r, CommandAccepted | ServiceUnavailable) for r in results)

    async with AsyncExitStack() as again:
        restarted = await start_project_service(settings, again)
        for reply in accepted:
            assert len(await restarted.plumbing.store.read_stream(reply.stream_id)) == 1
        stored = await restarted.plumbing.store.read_all(limit=1000)
        # Not relay.caught_up(): when the first relay already published everything, the
        # restarted one has nothing to publish and caught_up() would wait for progress.
        assert len(await published(nc, restarted.plumbing.namespace, len(stored))) == len(stored)
