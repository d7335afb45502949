"""The actor in headers, and the in-memory bus binding it as the NATS one does: a command is
handled for the actor its headers carry, a reaction for the owner of its event."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

import msgspec
from videogen_bus.actor import ADMIN, USER, acting_as, actor_headers, actor_of, current_actor
from videogen_bus.headers import CORRELATION, command_headers
from videogen_bus.memory import InMemoryBus
from videogen_contracts.envelope import EventMetadata, RecordedEvent
from videogen_contracts.identity import LOCAL_PRINCIPAL, Actor
from videogen_contracts.replies import CommandAccepted, CommandReply

ALICE = Actor(user="alice")
ROOT = Actor(user="root", admin=True)


def event(owner: str | None) -> RecordedEvent:
    return RecordedEvent(
        service="project", global_position=1, transaction_id=1, stream_id="project-p1",
        stream_version=1, event_id=uuid.uuid4(), type="ProjectCreated", schema_version=1,
        data=msgspec.Raw(b"{}"),
        metadata=EventMetadata(correlation_id="c-1", project_id="p1", owner=owner),
        recorded_at=datetime.now(UTC),
    )


def test_an_actor_round_trips_through_headers() -> None:
    for actor in (ALICE, ROOT, LOCAL_PRINCIPAL.actor()):
        assert actor_of(actor_headers(actor)) == actor
    assert actor_headers(None) == {}
    assert actor_of({}) is None
    assert actor_of({USER: "", ADMIN: "1"}) is None  # no user: no admin either


def test_command_headers_carry_the_bound_actor() -> None:
    assert command_headers("c-1") == {CORRELATION: "c-1"}
    with acting_as(ALICE):
        assert command_headers("c-1") == {CORRELATION: "c-1", USER: "alice"}
        with acting_as(ROOT):
            assert command_headers("c-1")[ADMIN] == "1"
        with acting_as(None):
            assert USER not in command_headers("c-1")
    assert current_actor() is None


async def test_the_in_memory_bus_handles_a_command_for_the_actor_of_its_headers() -> None:
    bus = InMemoryBus()
    seen: list[Actor | None] = []

    async def touch(data: bytes, headers: Mapping[str, str]) -> CommandReply:
        seen.append(current_actor())
        return CommandAccepted(stream_id="s", stream_version=1, global_position=1)

    bus.serve_commands("project", {"touch": touch})
    with acting_as(ROOT):
        await bus.send_command("project", "touch", b"{}", correlation_id="c-1")
    await bus.send_command("project", "touch", b"{}", correlation_id="c-2")
    assert seen == [ROOT, None]
    assert bus.sent[0].headers[USER] == "root"


async def test_the_in_memory_bus_reacts_for_the_owner_of_the_event() -> None:
    bus = InMemoryBus()
    seen: list[Actor | None] = []

    async def react(e: RecordedEvent) -> None:
        seen.append(current_actor())

    bus.subscribe("vg.project.>", react)
    with acting_as(ROOT):  # the publisher's actor is not the reaction's
        await bus.publish_event(event("alice"))
        await bus.publish_event(event(None))
    assert seen == [ALICE, None]
