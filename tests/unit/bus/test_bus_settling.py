"""What the consumer loop does with one delivered message: ack, nak(delay) or term."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast

import msgspec
import pytest
from nats.aio.msg import Msg
from videogen_bus.consumer import (
    PoisonMessage,
    Settler,
    TransientError,
    exponential_backoff,
)
from videogen_bus.headers import CORRELATION, event_headers
from videogen_bus.memory import InMemoryDeadLetters
from videogen_contracts.envelope import EventMetadata, RecordedEvent, encode_recorded


@dataclass
class Metadata:
    num_delivered: int


@dataclass
class FakeMsg:
    """Just what the settler touches of a JetStream message."""

    data: bytes
    num_delivered: int = 1
    subject: str = "vg.project.p1.ProjectCreated"
    headers: dict[str, str] = field(default_factory=dict)
    settled: list[str] = field(default_factory=list)

    @property
    def metadata(self) -> Metadata:
        return Metadata(self.num_delivered)

    @property
    def is_acked(self) -> bool:
        return bool(self.settled)

    async def ack(self) -> None:
        self.settled.append("ack")

    async def nak(self, delay: float | None = None) -> None:
        self.settled.append(f"nak {delay}")

    async def term(self) -> None:
        self.settled.append("term")


def recorded() -> RecordedEvent:
    return RecordedEvent(
        service="project", global_position=1, transaction_id=1, stream_id="project-p1",
        stream_version=1, event_id=uuid.uuid4(), type="ProjectCreated", schema_version=1,
        data=msgspec.Raw(b"{}"), metadata=EventMetadata(correlation_id="c-1"),
        recorded_at=datetime.now(UTC),
    )


def message(num_delivered: int = 1) -> FakeMsg:
    event = recorded()
    return FakeMsg(encode_recorded(event), num_delivered, headers=event_headers(event))


def settler(
    error: Exception | None = None, sink: InMemoryDeadLetters | None = None
) -> Settler:
    async def handle(event: RecordedEvent, msg: Msg) -> None:
        if error is not None:
            raise error

    return Settler("c-test", handle, sink or InMemoryDeadLetters(), 5, lambda n: n * 10.0)


async def test_success_is_acked() -> None:
    msg = message()
    await settler().process(cast(Msg, msg))
    assert msg.settled == ["ack"]


async def test_a_message_the_handler_settled_is_not_acked_again() -> None:
    async def handle(event: RecordedEvent, msg: Msg) -> None:
        await msg.term()

    msg = message()
    await Settler("c", handle, InMemoryDeadLetters(), 5, lambda n: 0.0).process(cast(Msg, msg))
    assert msg.settled == ["term"]


@pytest.mark.parametrize("error", [TransientError("db down"), RuntimeError("bug")])
async def test_a_failure_is_nakd_with_the_backoff_of_its_attempt(error: Exception) -> None:
    msg = message(num_delivered=2)
    await settler(error).process(cast(Msg, msg))
    assert msg.settled == ["nak 20.0"]


async def test_the_last_delivery_that_fails_is_dead_lettered_and_termed() -> None:
    sink = InMemoryDeadLetters()
    msg = message(num_delivered=5)
    await settler(TransientError("still down"), sink).process(cast(Msg, msg))
    assert msg.settled == ["term"]
    assert "failed 5 times" in sink.letters[0].error


async def test_poison_is_dead_lettered_at_once() -> None:
    sink = InMemoryDeadLetters()
    msg = message()
    await settler(PoisonMessage("no upcaster"), sink).process(cast(Msg, msg))
    assert msg.settled == ["term"]
    assert sink.letters[0].consumer == "c-test"


async def test_an_undecodable_body_is_dead_lettered_with_its_payload() -> None:
    sink = InMemoryDeadLetters()
    msg = FakeMsg(b"not json", headers={CORRELATION: "c-9"})
    await settler(sink=sink).process(cast(Msg, msg))
    assert msg.settled == ["term"]
    assert (sink.letters[0].payload, sink.letters[0].subject) == (b"not json", msg.subject)


async def test_when_the_dead_letter_sink_fails_the_message_is_kept() -> None:
    class DownSink:
        async def record(self, consumer: str, subject: str, payload: bytes, error: str) -> None:
            raise ConnectionError("postgres down")

    msg = FakeMsg(b"not json", num_delivered=3)
    await Settler("c", settler().handle, DownSink(), 5, lambda n: 1.5).process(cast(Msg, msg))
    assert msg.settled == ["nak 1.5"]


@pytest.mark.parametrize("attempt", [1, 2, 5, 10, 50])
def test_backoff_doubles_with_jitter_up_to_a_cap(attempt: int) -> None:
    ceiling = min(60.0, 0.5 * 2 ** (attempt - 1))
    delays = [exponential_backoff(attempt) for _ in range(200)]
    assert all(ceiling / 2 <= d <= ceiling for d in delays)
    assert len(set(delays)) > 1
