"""The project service's request handlers on the in-memory store: decoding, domain error
codes, idempotency by command_id, and concurrent updates (no NATS, no PostgreSQL)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
from project_service.app.handlers import ProjectCommandHandler
from project_service.entrypoints.rpc import command_handlers
from videogen_bus.headers import CORRELATION
from videogen_bus.serving import field_of
from videogen_contracts.envelope import NewEvent
from videogen_contracts.project.commands import COMMANDS
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply
from videogen_eventstore.api import AppendResult, WrongExpectedVersion
from videogen_eventstore.memory import InMemoryEventStore
from videogen_eventstore.testing import InterleavingStore


class Service:
    def __init__(self, store: InMemoryEventStore | None = None) -> None:
        self.store = store or InMemoryEventStore("project")
        self.handlers = command_handlers(ProjectCommandHandler(self.store))

    async def send(self, command: str, body: dict[str, Any] | bytes) -> CommandReply:
        data = body if isinstance(body, bytes) else msgspec.json.encode(body)
        return await self.handlers[command](data, {CORRELATION: "corr-1"})


def body(**fields: Any) -> dict[str, Any]:
    return {"command_id": str(uuid.uuid4()), "now": datetime.now(UTC).isoformat(), **fields}


def test_every_contract_command_has_a_handler() -> None:
    assert set(command_handlers(ProjectCommandHandler(InMemoryEventStore("p")))) == set(COMMANDS)


@pytest.mark.parametrize(
    ("message", "field"),
    [
        ("Expected `str`, got `int` - at `$.topic`", "topic"),
        ("Object missing required field `topic`", "topic"),
        ("Object missing required field `name` - at `$.members[0]`", "members[0].name"),
        ("Expected `str | null`, got `int` - at `$.members[0].role`", "members[0].role"),
        ("Expected `object`, got `array`", None),
    ],
)
def test_field_of_names_the_field_msgspec_points_at(message: str, field: str | None) -> None:
    assert field_of(message) == field


async def test_replies_carry_versions_and_domain_codes() -> None:
    service = Service()
    pid = str(uuid.uuid4())
    created = await service.send("create_project", body(project_id=pid, topic="Volcanoes"))
    assert created == CommandAccepted(
        stream_id=f"project-{pid}", stream_version=1, global_position=1
    )
    conflict = await service.send("create_project", body(project_id=pid, topic="Again"))
    assert isinstance(conflict, CommandRejected)
    assert conflict.code == "conflict"
    missing = await service.send("delete_project", body(project_id=str(uuid.uuid4())))
    assert isinstance(missing, CommandRejected)
    assert missing.code == "not_found"
    invalid = await service.send("update_project", body(project_id=pid, goal="g" * 201))
    assert invalid == CommandRejected(
        code="invalid", message="goal must be at most 200 characters (got 201)", field="goal"
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (b"", None),
        (b"[]", None),
        (b'{"topic": "x"}', "command_id"),
        (msgspec.json.encode(body(project_id="not-a-uuid", topic="x")), "project_id"),
        (msgspec.json.encode(body(project_id=str(uuid.uuid4()), topic=["x"])), "topic"),
        (msgspec.json.encode(body(project_id=str(uuid.uuid4()), topic="x", aspect_ratio="4:3")),
         "aspect_ratio"),
        (msgspec.json.encode(body(project_id=str(uuid.uuid4()), topic="x",
                                  target_duration_minutes="ten")), "target_duration_minutes"),
        (msgspec.json.encode({**body(project_id=str(uuid.uuid4()), topic="x"),
                              "now": "2025-01-01T00:00:00"}), "now"),
    ],
)  # fmt: skip
async def test_a_body_that_does_not_decode_is_invalid_and_names_the_field(
    payload: bytes, field: str | None
) -> None:
    service = Service()
    reply = await service.send("create_project", payload)
    assert isinstance(reply, CommandRejected)
    assert (reply.code, reply.field) == ("invalid", field)
    assert await service.store.read_all() == []


async def test_a_huge_bad_enum_value_is_not_echoed_in_full() -> None:
    reply = await Service().send(
        "create_project", body(project_id=str(uuid.uuid4()), topic="x", aspect_ratio="9" * 100_000)
    )
    assert isinstance(reply, CommandRejected)
    assert len(reply.message) < 400


async def test_a_resent_command_returns_its_earlier_result_and_appends_nothing() -> None:
    service = Service()
    pid = str(uuid.uuid4())
    await service.send("create_project", body(project_id=pid, topic="Volcanoes"))
    members = [{"character_id": str(uuid.uuid4()), "name": n} for n in "AB"]
    add = body(project_id=pid, members=members)
    first = await service.send("add_cast_members", add)
    again = await service.send("add_cast_members", add)
    assert isinstance(first, CommandAccepted)
    assert again == msgspec.structs.replace(first, duplicate=True)
    assert len(await service.store.read_stream(f"project-{pid}")) == 3


async def test_an_update_naming_no_field_appends_nothing() -> None:
    service = Service()
    pid = str(uuid.uuid4())
    await service.send("create_project", body(project_id=pid, topic="Volcanoes"))
    reply = await service.send("update_project", body(project_id=pid))
    assert isinstance(reply, CommandAccepted)
    assert reply.stream_version == 1
    assert len(await service.store.read_stream(f"project-{pid}")) == 1


async def test_concurrent_updates_are_all_applied_one_after_the_other() -> None:
    store = InterleavingStore("project")
    service = Service(store)
    pid = str(uuid.uuid4())
    await service.send("create_project", body(project_id=pid, topic="Volcanoes"))
    tones = [f"tone {i}" for i in range(4)]
    replies = await asyncio.gather(
        *(service.send("update_project", body(project_id=pid, tone=t)) for t in tones)
    )
    assert all(isinstance(r, CommandAccepted) for r in replies)
    versions = sorted(r.stream_version for r in replies if isinstance(r, CommandAccepted))
    assert versions == [2, 3, 4, 5]
    assert store.conflicts > 0  # they did race, and the losers decided again


class AlwaysLosingStore(InMemoryEventStore):
    async def append(
        self, stream_id: str, events: Sequence[NewEvent], expected_version: int | None
    ) -> AppendResult:
        raise WrongExpectedVersion(stream_id, expected_version, (expected_version or 0) + 1)


async def test_an_update_that_keeps_losing_the_race_is_a_conflict_not_a_lost_update() -> None:
    reply = await Service(AlwaysLosingStore("project")).send(
        "create_project", body(project_id=str(uuid.uuid4()), topic="x")
    )
    assert isinstance(reply, CommandRejected)
    assert reply.code == "conflict"
