"""Bus throughput: JetStream publish with acks, and consume-with-ack through run_consumer.

Run: `.venv/bin/python tests/bench/bench_bus.py [--messages 100000] [--window 4000]`.
Starts its own nats-server (file storage in a temp dir), prints msg/s; not pass/fail.
Targets (issue 2): publish ≥ 50,000 msg/s, consume with ack ≥ 40,000 msg/s.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import msgspec
from nats.aio.msg import Msg
from videogen_bus.connection import bus_connection
from videogen_bus.consumer import run_consumer
from videogen_bus.memory import InMemoryDeadLetters
from videogen_bus.publish import EventPublisher
from videogen_bus.streams import ensure_stream
from videogen_contracts.envelope import EventMetadata, RecordedEvent
from videogen_contracts.subjects import Namespace
from videogen_local.infra import start_nats

SERVICE = "project"


def make_events(count: int) -> list[RecordedEvent]:
    now = datetime.now(UTC)
    project = str(uuid.uuid4())
    data = msgspec.Raw(b'{"topic":"bench","style":"plain"}')
    meta = EventMetadata(correlation_id=str(uuid.uuid4()), project_id=project)
    return [
        RecordedEvent(
            service=SERVICE, global_position=i, transaction_id=i, stream_id=f"project-{project}",
            stream_version=i, event_id=uuid.uuid4(), type="ProjectUpdated", schema_version=1,
            data=data, metadata=meta, recorded_at=now,
        )
        for i in range(1, count + 1)
    ]


async def bench_publish(url: str, ns: Namespace, events: list[RecordedEvent], window: int) -> float:
    async with bus_connection(url, "bench-publish") as nc:
        await ensure_stream(nc.jetstream(), ns, SERVICE)
        publisher = EventPublisher(nc, ns)
        started = time.perf_counter()
        for start in range(0, len(events), window):
            await publisher.publish(events[start : start + window])
        return len(events) / (time.perf_counter() - started)


async def bench_consume(url: str, ns: Namespace, count: int, batch: int) -> float:
    async with bus_connection(url, "bench-consume") as nc:
        js = nc.jetstream()
        stop = asyncio.Event()
        seen = 0

        async def handle(event: RecordedEvent, msg: Msg) -> None:
            nonlocal seen
            seen += 1
            if seen == count:
                stop.set()

        started = time.perf_counter()
        await run_consumer(
            js, stream=ns.stream_name(SERVICE), durable=ns.durable("bench", "consume"),
            filter_subjects=None, handle=handle, dead_letters=InMemoryDeadLetters(),
            stop=stop, batch=batch,
        )
        elapsed = time.perf_counter() - started
        await nc.flush()  # the acks have left the client
        return count / elapsed


async def main(messages: int, window: int, batch: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-bus-") as tmp:
        server = start_nats(Path(tmp) / "nats")
        try:
            ns = Namespace("bench")
            events = make_events(messages)
            publish_rate = await bench_publish(server.url, ns, events, window)
            print(f"bus publish (JetStream, acked, window {window}): {publish_rate:,.0f} msg/s")
            consume_rate = await bench_consume(server.url, ns, messages, batch)
            print(f"bus consume with ack (run_consumer, batch {batch}): {consume_rate:,.0f} msg/s")
        finally:
            server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--window", type=int, default=4_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    asyncio.run(main(args.messages, args.window, args.batch))
