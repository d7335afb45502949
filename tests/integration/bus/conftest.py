"""Fixtures for the bus tests: a connection per test, recorded events to publish, and a work
queue on them."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime

import msgspec
import pytest
from nats.aio.client import Client
from nats.js.client import JetStreamContext
from videogen_bus.connection import connect, drain
from videogen_bus.jobs import JobQueue, JobRunner, QueueConfig
from videogen_bus.memory import InMemoryDeadLetters
from videogen_bus.streams import ensure_stream
from videogen_contracts.envelope import EventMetadata, RecordedEvent
from videogen_contracts.subjects import Namespace

SERVICE = "project"

MakeEvent = Callable[..., RecordedEvent]
RunQueue = Callable[[JobRunner], AbstractAsyncContextManager[JobQueue]]


@pytest.fixture
async def nc(nats_url: str) -> AsyncIterator[Client]:
    client = await connect(nats_url, "bus-test")
    yield client
    if not client.is_closed:
        await drain(client)


@pytest.fixture
def js(nc: Client) -> JetStreamContext:
    return nc.jetstream()


@pytest.fixture
async def stream(js: JetStreamContext, ns: Namespace) -> str:
    """This test's project stream, created."""
    await ensure_stream(js, ns, SERVICE)
    return ns.stream_name(SERVICE)


@pytest.fixture
def make_event() -> MakeEvent:
    counter = iter(range(1, 1_000_000))

    def make(
        *,
        project_id: str = "p1",
        type: str = "ProjectUpdated",
        correlation_id: str = "corr-1",
        causation_id: str | None = None,
        data: bytes = b'{"topic":"x"}',
    ) -> RecordedEvent:
        n = next(counter)
        return RecordedEvent(
            service=SERVICE, global_position=n, transaction_id=n, stream_id=f"project-{project_id}",
            stream_version=n, event_id=uuid.uuid4(), type=type, schema_version=1,
            data=msgspec.Raw(data),
            metadata=EventMetadata(
                correlation_id=correlation_id, causation_id=causation_id, project_id=project_id
            ),
            recorded_at=datetime.now(UTC),
        )

    return make


@pytest.fixture
def run_queue(js: JetStreamContext, ns: Namespace, stream: str) -> RunQueue:
    """`async with run_queue(run_job) as queue:` a work queue on this test's `JobRequested`
    events runs inside the block, and is stopped at its end."""

    @asynccontextmanager
    async def run(run_job: JobRunner) -> AsyncIterator[JobQueue]:
        config = QueueConfig(
            stream=stream, durable=ns.durable("test", "jobs"),
            filter_subject=ns.event_subject(SERVICE, "*", "JobRequested"), idle_wait=0.2,
        )
        queue = JobQueue(js, config, run_job, InMemoryDeadLetters())
        stop = asyncio.Event()
        task = asyncio.create_task(queue.run(stop))
        try:
            yield queue
        finally:
            stop.set()
            await asyncio.wait_for(task, 5)

    return run
