"""Bus throughput: JetStream publish with acks, and consume-with-ack through run_consumer.

Run: `.venv/bin/python tests/bench/bench_bus.py [--messages 100000] [--window 4000]`.
Starts its own nats-server (file storage in a temp dir), prints msg/s; not pass/fail.
Targets (issue 2): publish ≥ 50,000 msg/s, consume with ack ≥ 40,000 msg/s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

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


class Rate(NamedTuple):
    messages: int
    seconds: float
    cpu_seconds: float
    server_cpu_seconds: float = 0.0

    def __str__(self) -> str:
        # CPU per message tells client cost from server cost on a busy two-core box, where
        # the msg/s figure alone moves with whatever else is running.
        per_second = self.messages / self.seconds
        client_us = self.cpu_seconds / self.messages * 1e6
        server_us = self.server_cpu_seconds / self.messages * 1e6
        return (
            f"{per_second:,.0f} msg/s (CPU per message: client {client_us:.1f} µs, "
            f"nats-server {server_us:.1f} µs)"
        )


def process_cpu(pid: int) -> float:
    """utime + stime of a process, in seconds (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def bench_publish(url: str, ns: Namespace, events: list[RecordedEvent], window: int) -> Rate:
    async with bus_connection(url, "bench-publish") as nc:
        await ensure_stream(nc.jetstream(), ns, SERVICE)
        publisher = EventPublisher(nc, ns)
        started, cpu = time.perf_counter(), time.process_time()
        for start in range(0, len(events), window):
            await publisher.publish(events[start : start + window])
        return Rate(len(events), time.perf_counter() - started, time.process_time() - cpu)


async def bench_consume(url: str, ns: Namespace, count: int, batch: int) -> Rate:
    async with bus_connection(url, "bench-consume") as nc:
        js = nc.jetstream()
        stop = asyncio.Event()
        seen = 0

        async def handle(event: RecordedEvent, msg: Msg) -> None:
            nonlocal seen
            seen += 1
            if seen == count:
                stop.set()

        started, cpu = time.perf_counter(), time.process_time()
        await run_consumer(
            js, stream=ns.stream_name(SERVICE), durable=ns.durable("bench", "consume"),
            filter_subjects=None, handle=handle, dead_letters=InMemoryDeadLetters(),
            stop=stop, batch=batch,
        )
        await nc.flush()  # the acks have left the client
        return Rate(count, time.perf_counter() - started, time.process_time() - cpu)


async def main(messages: int, window: int, batch: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-bus-") as tmp:
        server = start_nats(Path(tmp) / "nats")
        try:
            ns = Namespace("bench")
            events = make_events(messages)
            before = process_cpu(server.proc.pid)
            publish = await bench_publish(server.url, ns, events, window)
            publish = publish._replace(server_cpu_seconds=process_cpu(server.proc.pid) - before)
            print(f"bus publish, JetStream acked, window {window}: {publish}")
            before = process_cpu(server.proc.pid)
            consume = await bench_consume(server.url, ns, messages, batch)
            consume = consume._replace(server_cpu_seconds=process_cpu(server.proc.pid) - before)
            print(f"bus consume with ack, run_consumer batch {batch}: {consume}")
        finally:
            server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--window", type=int, default=4_000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(main(args.messages, args.window, args.batch))
