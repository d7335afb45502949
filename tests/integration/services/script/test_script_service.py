"""The script service in-process on real PostgreSQL and NATS, driven over request/reply the
way the production process manager drives it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
from nats.aio.client import Client
from script_service.bootstrap import ScriptService, start_script_service
from videogen_bus.connection import connect, drain
from videogen_bus.rpc import send_command
from videogen_contracts.envelope import decode_recorded
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply
from videogen_contracts.script.events import SERVICE, ScriptDrafted, event_decoder, stream_id_for
from videogen_runtime.settings import Settings

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
async def service(pg_url: str, nats_url: str, world_id: str) -> AsyncIterator[ScriptService]:
    settings = Settings(database_url=pg_url, nats_url=nats_url, namespace=world_id)
    async with AsyncExitStack() as stack:
        yield await start_script_service(settings, stack)


@pytest.fixture
async def nc(nats_url: str) -> AsyncIterator[Client]:
    client = await connect(nats_url, "script-service-test")
    yield client
    await drain(client)


def body(script_id: uuid.UUID, text: str, command_id: str | None = None) -> dict[str, Any]:
    return {
        "command_id": command_id or str(uuid.uuid4()), "now": datetime.now(UTC).isoformat(),
        "script_id": str(script_id), "project_id": str(script_id),
        "production_id": str(script_id), "text": text,
    }


async def send(nc: Client, service: ScriptService, payload: dict[str, Any] | bytes) -> CommandReply:
    data = payload if isinstance(payload, bytes) else msgspec.json.encode(payload)
    return await send_command(
        nc, service.plumbing.namespace, SERVICE, "draft_script_from_text", data,
        correlation_id="corr-s",
    )


async def test_text_becomes_a_script_once_and_is_published(
    service: ScriptService, nc: Client
) -> None:
    sid = uuid.uuid4()
    command = body(sid, "Dr. Who arrived at 5 p.m. sharp. He left.\n\nThe end.", "draft-1")
    first = await send(nc, service, command)
    assert isinstance(first, CommandAccepted)
    assert first.stream_id == stream_id_for(sid)
    again = await send(nc, service, command)
    assert isinstance(again, CommandAccepted)
    assert again.duplicate
    assert again.stream_version == first.stream_version == 1

    recorded = await service.plumbing.store.read_stream(stream_id_for(sid))
    drafted = event_decoder.decode(recorded[0].data)
    assert isinstance(drafted, ScriptDrafted)
    assert [[n.text for n in s.sentences] for s in drafted.sections] == [
        ["Dr. Who arrived at 5 p.m. sharp.", "He left."], ["The end."],
    ]
    assert recorded[0].metadata.project_id == str(sid)
    assert recorded[0].metadata.correlation_id == "corr-s"

    await service.plumbing.relay.caught_up()
    js = nc.jetstream()
    subject = service.plumbing.namespace.event_subject(SERVICE, str(sid), "ScriptDrafted")
    message = await js.get_last_msg(service.plumbing.namespace.stream_name(SERVICE), subject)
    assert decode_recorded(message.data or b"").event_id == recorded[0].event_id


async def test_a_second_draft_of_the_same_script_is_a_conflict(
    service: ScriptService, nc: Client
) -> None:
    sid = uuid.uuid4()
    assert isinstance(await send(nc, service, body(sid, "Once.")), CommandAccepted)
    reply = await send(nc, service, body(sid, "Twice."))
    assert isinstance(reply, CommandRejected)
    assert reply.code == "conflict"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (body(uuid.uuid4(), "   "), "text"),
        (body(uuid.uuid4(), "... !!! 🎉"), "text"),
        ({k: v for k, v in body(uuid.uuid4(), "x").items() if k != "text"}, "text"),
        (b"{not json", None),
    ],
)
async def test_bad_input_is_rejected_as_invalid(
    service: ScriptService, nc: Client, payload: dict[str, Any] | bytes, field: str | None
) -> None:
    reply = await send(nc, service, payload)
    assert isinstance(reply, CommandRejected)
    assert (reply.code, reply.field) == ("invalid", field)
