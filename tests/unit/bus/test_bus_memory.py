"""The in-memory bus that policy unit tests use in place of NATS."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

import msgspec
import pytest
from videogen_bus.correlation import current_correlation_id
from videogen_bus.headers import CAUSATION, CORRELATION
from videogen_bus.memory import InMemoryBus, InMemoryDeadLetters, subject_matches
from videogen_bus.rpc import CommandSender, ServiceUnavailable
from videogen_contracts.envelope import EventMetadata, RecordedEvent
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply
from videogen_contracts.subjects import Namespace


def event(project_id: str = "p1", type: str = "ProjectCreated") -> RecordedEvent:
    return RecordedEvent(
        service="project", global_position=1, transaction_id=1, stream_id=f"project-{project_id}",
        stream_version=1, event_id=uuid.uuid4(), type=type, schema_version=1,
        data=msgspec.Raw(b"{}"),
        metadata=EventMetadata(correlation_id="c-1", project_id=project_id),
        recorded_at=datetime.now(UTC),
    )


class Rename(msgspec.Struct, frozen=True):
    topic: str


@pytest.mark.parametrize(
    ("pattern", "subject", "expected"),
    [
        ("vg.project.>", "vg.project.p1.ProjectCreated", True),
        ("vg.*.p1.>", "vg.media.p1.NarrationDone", True),
        ("vg.*.p1.>", "vg.media.p2.NarrationDone", False),
        ("vg.project.>", "vg.project", False),
        ("vg.project.*", "vg.project.p1.X", False),
        ("vg.project.p1.X", "vg.project.p1.X", True),
    ],
)
def test_subject_matching_follows_nats_wildcards(
    pattern: str, subject: str, expected: bool
) -> None:
    assert subject_matches(pattern, subject) is expected


async def test_published_events_reach_matching_subscribers_in_scope() -> None:
    bus = InMemoryBus(Namespace("w"))
    got: list[tuple[str, str | None]] = []

    async def on_event(e: RecordedEvent) -> None:
        got.append((e.type, current_correlation_id()))

    bus.subscribe(Namespace("w").project_events("p1"), on_event)

    await bus.publish_event(event("p1"))
    await bus.publish_event(event("p2"))

    assert got == [("ProjectCreated", "c-1")]
    assert [subject for subject, _ in bus.published] == [
        "w.vg.project.p1.ProjectCreated", "w.vg.project.p2.ProjectCreated"
    ]


async def test_commands_reach_their_handler_with_headers_and_are_recorded() -> None:
    bus = InMemoryBus()
    seen: list[Mapping[str, str]] = []

    async def rename(data: bytes, headers: Mapping[str, str]) -> CommandReply:
        msgspec.json.decode(data, type=Rename)
        seen.append(headers)
        return CommandAccepted(stream_id="s", stream_version=2, global_position=7)

    bus.serve_commands("project", {"rename": rename})
    sender: CommandSender = bus

    reply = await sender.send_command(
        "project", "rename", Rename("x"), correlation_id="c-2", causation_id="e-1"
    )

    assert reply == CommandAccepted(stream_id="s", stream_version=2, global_position=7)
    assert seen == [{CORRELATION: "c-2", CAUSATION: "e-1"}]
    assert [(s.service, s.command, s.payload) for s in bus.sent] == [
        ("project", "rename", b'{"topic":"x"}')
    ]


async def test_an_undecodable_command_is_rejected_as_invalid_like_on_nats() -> None:
    bus = InMemoryBus()

    async def rename(data: bytes, headers: Mapping[str, str]) -> CommandReply:
        msgspec.json.decode(data, type=Rename)
        raise AssertionError("unreachable")

    bus.serve_commands("project", {"rename": rename})

    reply = await bus.send_command("project", "rename", b"{}", correlation_id="c")

    assert isinstance(reply, CommandRejected)
    assert reply.code == "invalid"


async def test_no_handler_or_a_closed_server_is_service_unavailable() -> None:
    bus = InMemoryBus()
    server = bus.serve_commands("project", {})
    assert isinstance(await bus.send_command("project", "ping", b"", correlation_id="c"),
                      CommandAccepted)

    await server.close()

    with pytest.raises(ServiceUnavailable):
        await bus.send_command("project", "ping", b"", correlation_id="c")
    with pytest.raises(ServiceUnavailable):
        await bus.send_command("script", "write", b"", correlation_id="c")


async def test_dead_letters_are_kept_for_assertions() -> None:
    sink = InMemoryDeadLetters()

    await sink.record("gateway-projects", "vg.project.p1.X", b"??", "undecodable")

    assert [(d.consumer, d.payload) for d in sink.letters] == [("gateway-projects", b"??")]
