"""Event-store append benchmark: prints figures, passes or fails nothing.

    .venv/bin/python tests/bench/bench_eventstore.py [--url URL] [--seconds 3]

Without --url it starts two embedded PostgreSQL servers of its own, one durable (fsync on,
synchronous commit: what `make run` uses) and one not (what the tests use), and measures
both. Writers are asyncio tasks in this one process, each appending to streams of its own
with an expected-version check, through one pool (`videogen_eventstore.pool.create_pool`).
On a small machine the client and PostgreSQL share the CPUs, so the figures are a floor.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import msgspec
from videogen_contracts.envelope import EventMetadata, NewEvent
from videogen_eventstore.api import NO_STREAM
from videogen_eventstore.migrations import migrate, quote_ident
from videogen_eventstore.pool import create_pool
from videogen_eventstore.postgres import PostgresEventStore
from videogen_local.infra import start_postgres

STREAM_LENGTH = 50  # a writer moves to a fresh stream after this many events
PROJECT_ID = str(uuid.uuid4())
DATA = msgspec.Raw(b'{"topic":"The history of tea","style":"documentary","duration":120}')


@dataclass
class Figures:
    events: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000


def _events(count: int) -> list[NewEvent]:
    """What one command appends: `count` events sharing the command's metadata."""
    meta = EventMetadata(
        correlation_id=str(uuid.uuid4()), command_id=str(uuid.uuid4()), project_id=PROJECT_ID
    )
    return [
        NewEvent(event_id=uuid.uuid4(), type="ProjectCreated", data=DATA, metadata=meta)
        for _ in range(count)
    ]


async def _writer(
    store: PostgresEventStore, batch: int, deadline: float, latencies: list[float]
) -> int:
    written = 0
    stream, version = f"bench-{uuid.uuid4()}", NO_STREAM
    while (start := time.perf_counter()) < deadline:
        events = _events(batch)
        result = await store.append(stream, events, version)
        latencies.append(time.perf_counter() - start)
        written += batch
        version = result.stream_version
        if version >= STREAM_LENGTH:
            stream, version = f"bench-{uuid.uuid4()}", NO_STREAM
    return written


async def measure(store: PostgresEventStore, writers: int, batch: int, seconds: float) -> Figures:
    await asyncio.gather(
        *(_writer(store, batch, time.perf_counter() + 0.3, []) for _ in range(writers))
    )
    latencies: list[float] = []
    start = time.perf_counter()
    counts = await asyncio.gather(
        *(_writer(store, batch, start + seconds, latencies) for _ in range(writers))
    )
    return Figures(sum(counts), time.perf_counter() - start, latencies)


async def bench_server(url: str, label: str, seconds: float, writer_counts: list[int]) -> None:
    pool = await create_pool(url, min_size=max(writer_counts), max_size=max(writer_counts))
    schema = "bench_" + uuid.uuid4().hex[:8]
    await migrate(pool, schema)
    store = PostgresEventStore(pool, schema, "bench")
    try:
        print(f"\n{label}")
        for writers in writer_counts:
            f = await measure(store, writers, 1, seconds)
            print(
                f"  single-event appends, {writers:>2} writers: {f.rate:>8,.0f} events/s"
                f"   p50 {f.percentile(0.50):5.2f} ms   p99 {f.percentile(0.99):5.2f} ms"
            )
        for writers in (8, 16):
            f = await measure(store, writers, 10, seconds)
            print(
                f"  10-event batches,     {writers:>2} writers: {f.rate:>8,.0f} events/s"
                f"   p50 {f.percentile(0.50):5.2f} ms   p99 {f.percentile(0.99):5.2f} ms"
                " per batch"
            )
    finally:
        await pool.execute(f"DROP SCHEMA {quote_ident(schema)} CASCADE")
        await pool.close()


def _use_uvloop() -> str:
    try:
        import uvloop
    except ImportError:
        return "asyncio"
    uvloop.install()
    return "uvloop"


async def main(args: argparse.Namespace) -> None:
    writer_counts = [int(w) for w in args.writers.split(",")]
    if args.url:
        await bench_server(args.url, f"PostgreSQL at {args.url}", args.seconds, writer_counts)
        return
    with tempfile.TemporaryDirectory(prefix="bench-eventstore-") as tmp:
        for durable in (True, False):
            server = start_postgres(Path(tmp) / f"pg-{durable}", durable=durable)
            try:
                label = (
                    "embedded PostgreSQL, durable=True (fsync, synchronous_commit)"
                    if durable
                    else "embedded PostgreSQL, durable=False (fsync off, as in the tests)"
                )
                await bench_server(server.url, label, args.seconds, writer_counts)
            finally:
                server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="benchmark this PostgreSQL instead of embedded ones")
    parser.add_argument("--seconds", type=float, default=3.0, help="per measurement")
    parser.add_argument("--writers", default="8,16,32")
    loop = _use_uvloop()
    print(f"event store benchmark: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {loop}")
    asyncio.run(main(parser.parse_args()))
