"""The production commands' request handlers: every failure is a typed rejection."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec
from project_service.app.production.handlers import ProductionHandlers
from project_service.entrypoints.production.rpc import production_command_handlers
from videogen_bus.rpc import CommandHandler
from videogen_contracts.replies import CommandAccepted, CommandRejected, CommandReply
from videogen_eventstore.memory import InMemoryEventStore
from videogen_eventstore.multi_stream import InMemoryAtomicAppender

HEADERS = {"Vg-Correlation-Id": "corr-rpc"}


def handlers() -> tuple[dict[str, CommandHandler], InMemoryEventStore]:
    store = InMemoryEventStore("project")
    app = ProductionHandlers(store, InMemoryAtomicAppender(store))
    return production_command_handlers(app), store


async def call(handler: CommandHandler, **fields: Any) -> CommandReply:
    body = {"command_id": str(uuid.uuid4()), "now": datetime.now(UTC).isoformat(), **fields}
    return await handler(msgspec.json.encode(body), HEADERS)


async def test_start_then_cancel_then_cancel_again() -> None:
    served, store = handlers()
    job = str(uuid.uuid4())
    started = await call(served["start_production"], production_id=job, project_id=job,
                         text="Hello there.")
    assert isinstance(started, CommandAccepted)
    assert started.stream_id == f"production-{job}"
    assert [e.type for e in await store.read_stream(f"project-{job}")] == ["ProjectCreated"]
    events = await store.read_stream(f"production-{job}")
    assert [e.metadata.correlation_id for e in events] == ["corr-rpc"]
    assert events[0].metadata.project_id == job

    cancelled = await call(served["cancel_production"], production_id=job, reason="changed mind")
    assert isinstance(cancelled, CommandAccepted)
    again = await call(served["cancel_production"], production_id=job)
    assert isinstance(again, CommandRejected)
    assert again.code == "conflict"


async def test_bad_requests_are_typed_rejections() -> None:
    served, _ = handlers()
    job = str(uuid.uuid4())
    blank = await call(served["start_production"], production_id=job, project_id=job, text=" ")
    assert isinstance(blank, CommandRejected)
    assert (blank.code, blank.field) == ("invalid", "text")
    wrong_type = await call(served["start_production"], production_id=job, project_id=job, text=5)
    assert isinstance(wrong_type, CommandRejected)
    assert (wrong_type.code, wrong_type.field) == ("invalid", "text")
    malformed = await served["start_production"](b"{", HEADERS)
    assert isinstance(malformed, CommandRejected)
    assert malformed.code == "invalid"
    unknown = await call(served["cancel_production"], production_id=job)
    assert isinstance(unknown, CommandRejected)
    assert unknown.code == "not_found"


async def test_a_repeated_start_is_answered_from_the_first() -> None:
    served, store = handlers()
    job = str(uuid.uuid4())
    body = {"command_id": "same", "now": datetime.now(UTC).isoformat(), "production_id": job,
            "project_id": job, "text": "Hello."}
    first = await served["start_production"](msgspec.json.encode(body), HEADERS)
    second = await served["start_production"](msgspec.json.encode(body), HEADERS)
    assert isinstance(first, CommandAccepted)
    assert isinstance(second, CommandAccepted)
    assert second.duplicate
    assert second.stream_version == first.stream_version
    assert len(await store.read_all()) == 2  # ProjectCreated + ProductionQueued, once
