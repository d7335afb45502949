"""SSE fan-out: 1,000 clients on one feed; append → delivery latency, CPU and memory.

Run: `.venv/bin/python tests/bench/bench_sse.py [--surface aura|studio|both] [--clients 1000]
[--events 200] [--every 0.05]`. Starts its own PostgreSQL and NATS (or uses
VIDEOGEN_TEST_DATABASE_URL / _NATS_URL), then the project service (and the script service for
the studio), and the gateway as processes, exactly as `make run` does. Both streams are read
by the same fan-out (videogen_gateway/fanout.py); `both` (the default) measures them back to
back on one stack:

- aura: one Aura job; clients on `/api/jobs/{id}/events`; the events appended are
  `ProductionAdvanced` (one `step-progress` each) in the project service's store.
- studio: one studio project whose script run has finished; clients on
  `/api/v1/projects/{id}/generation-status`; the events appended are
  `GenerationSectionStarted` on that run (one `progress` each) in the script service's
  store.

A load process (uvloop, raw sockets) opens `--clients` streams; once all of them have
replayed the feed, this process appends the events straight into the service's event store
and notes the wall-clock time of each append. Each client notes when each message's `id:`
arrives. The whole path is measured: the store's outbox → relay → NATS → the gateway's
projection (one transaction, NOTIFY) → the hub → one read for all streams → 1,000 sockets.
Targets (issue 5): p50 ≤ 15 ms, p99 ≤ 100 ms; memory per connection (the gateway's RSS
growth from 0 to all clients connected, divided by the clients) ≤ 40 KB. Prints figures
and the load average; not pass/fail.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import httpx

# A sibling script (tests/bench is on sys.path when a bench runs): its PostgreSQL + NATS.
from bench_gateway import _infra

ID_LINE = re.compile(rb"(?:^|\n)id: (\d+)\n")


# --- the watchers (their own process) ------------------------------------------------------


class _Watcher(asyncio.Protocol):
    """One SSE client: notes when each `id:` arrives. A Protocol, not a StreamReader, so the
    clients cost as little CPU as possible (they share the machine with the gateway)."""

    def __init__(self, request: bytes, seen: dict[int, float], ready: asyncio.Future[None]):
        self.request, self.seen, self.ready = request, seen, ready
        self.tail = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but they write.
        transport.write(self.request)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        now = time.time()
        buffer = self.tail + data
        for match in ID_LINE.finditer(buffer):
            self.seen.setdefault(int(match[1]), now)
        self.tail = buffer[-64:]  # an id line cut in two is completed by the next read
        if self.seen and not self.ready.done():
            self.ready.set_result(None)


async def _watchers(url: str, clients: int, settle: int) -> None:
    parsed = httpx.URL(url)
    host, port, path = parsed.host, parsed.port or 80, parsed.raw_path.decode()
    loop = asyncio.get_running_loop()
    seen: list[dict[int, float]] = [{} for _ in range(clients)]
    readies = [loop.create_future() for _ in range(clients)]
    request = (f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n"
               .encode())
    transports = []
    for i in range(clients):
        transport, _ = await loop.create_connection(
            lambda i=i: _Watcher(request, seen[i], readies[i]), host, port  # type: ignore[misc]
        )
        transports.append(transport)
        if i % 100 == 99:
            await asyncio.sleep(0.05)  # do not flood the accept queue in one instant
    await asyncio.wait_for(asyncio.gather(*readies), timeout=120)
    while any(max(s, default=0) < settle for s in seen):  # noqa: ASYNC110 - a poll is fine here
        await asyncio.sleep(0.05)
    print(json.dumps({"ready": clients}), flush=True)
    await loop.run_in_executor(None, sys.stdin.readline)  # until the driver is done
    for transport in transports:
        transport.close()
    print(json.dumps({"seen": [{str(k): v for k, v in s.items()} for s in seen]}), flush=True)


# --- the driver ------------------------------------------------------------------------------


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Feed(NamedTuple):
    """One scenario's stream and how to add a message to it."""

    name: str
    url: str
    base: int  # the feed's last id before the appends
    service: str  # whose event store the events go to
    stream_id: str
    metadata: Any  # EventMetadata
    event: Callable[[int, int], Any]  # (n, count) -> the n-th event


async def _append(
    pg_url: str, namespace: str, feed: Feed, count: int, every: float
) -> list[tuple[float, float]]:
    """Append `count` events to the feed's stream; for each, the wall time of the call and
    of its return (the commit: from then on the event exists)."""
    import asyncpg
    from videogen_contracts.envelope import NewEvent, to_raw
    from videogen_eventstore.postgres import PostgresEventStore

    pool = await asyncpg.create_pool(pg_url, min_size=1, max_size=2)
    store = PostgresEventStore(pool, f"{namespace}_{feed.service}", feed.service)
    times = []
    try:
        for n in range(count):
            event = feed.event(n, count)
            new = NewEvent(event_id=uuid.uuid4(), type=type(event).__name__, data=to_raw(event),
                           metadata=feed.metadata, schema_version=1)
            called = time.time()
            await store.append(feed.stream_id, [new], None)
            times.append((called, time.time()))
            await asyncio.sleep(every)
    finally:
        await pool.close()
    return times


async def _settled(pg_url: str, query: str, *args: Any) -> int:
    """The value of `query` once it stops changing (a feed whose messages stopped growing)."""
    import asyncpg

    conn = await asyncpg.connect(pg_url)
    try:
        last, same = -1, 0
        while same < 10:
            now = int(await conn.fetchval(query, *args) or 0)
            same = same + 1 if now == last else 0
            last = now
            await asyncio.sleep(0.1)
        return last
    finally:
        await conn.close()


def aura_feed(stack: Any, pg_url: str, namespace: str) -> Feed:
    """An Aura job; its process manager then waits on the script service, which is not
    running yet, so its messages settle."""
    from videogen_contracts.envelope import EventMetadata
    from videogen_contracts.project.production import ProductionAdvanced, stream_id_for

    response = httpx.post(f"{stack.base_url}/api/jobs", timeout=30,
                          json={"brief": {"topic": "SSE fan-out"}})
    response.raise_for_status()
    job_id = uuid.UUID(response.json()["jobId"])
    base = asyncio.run(_settled(
        pg_url, f'SELECT last_seq FROM "{namespace}_gateway".aura_jobs WHERE id = $1', job_id))

    def event(n: int, count: int) -> ProductionAdvanced:
        return ProductionAdvanced(
            production_id=job_id, from_stage="scripting", stage="scripting", progress=0,
            message=f"bench {n}", at=datetime.now(UTC), percent=n * 100 // count,
        )

    return Feed("aura", f"{stack.base_url}/api/jobs/{job_id}/events", base, "project",
                stream_id_for(job_id),
                EventMetadata(correlation_id="bench-sse", project_id=str(job_id)), event)


def studio_feed(stack: Any, pg_url: str, namespace: str) -> Feed:
    """A studio project with a finished script run, whose run gets more section starts.
    Starts the script service (after the Aura scenario, which must not have it)."""
    from videogen_contracts.envelope import EventMetadata
    from videogen_contracts.script.generation import (
        GenerationSectionStarted,
        generation_stream_id,
    )

    stack.start("script")
    api = f"{stack.base_url}/api/v1"
    project = httpx.post(f"{api}/projects", timeout=30, json={
        "topic": "SSE fan-out", "targetDuration": 1, "audience": "engineers"})
    project.raise_for_status()
    project_id = uuid.UUID(project.json()["id"])
    run = httpx.post(f"{api}/projects/{project_id}/generate-script-short", timeout=60,
                     json={"targetDuration": 1})
    run.raise_for_status()
    job_id = uuid.UUID(run.json()["jobId"])
    gateway = f'"{namespace}_gateway"'
    asyncio.run(_settled(pg_url, f"SELECT count(*) FROM {gateway}.generation_runs"
                         " WHERE id = $1 AND status = 'completed'", job_id))
    base = asyncio.run(_settled(
        pg_url, f"SELECT last_seq FROM {gateway}.generation_feeds WHERE project_id = $1",
        project_id))

    def event(n: int, count: int) -> GenerationSectionStarted:
        return GenerationSectionStarted(
            job_id=job_id, project_id=project_id, section_index=n % 10, total_sections=10,
            title=f"bench {n}", started_at=datetime.now(UTC),
        )

    return Feed("studio", f"{api}/projects/{project_id}/generation-status", base, "script",
                generation_stream_id(job_id),
                EventMetadata(correlation_id="bench-sse", project_id=str(project_id)), event)


FEEDS = {"aura": aura_feed, "studio": studio_feed}


def run(args: argparse.Namespace) -> None:
    from videogen_local.infra import free_port
    from videogen_local.stack import Stack, stack_env

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, args.clients * 2 + 512)),
                                                hard))
    surfaces = list(FEEDS) if args.surface == "both" else [args.surface]
    namespace = "b" + uuid.uuid4().hex[:8]
    with tempfile.TemporaryDirectory(prefix="bench-sse-") as tmp_dir:
        tmp = Path(tmp_dir)
        pg_url, nats_url, servers = _infra(tmp)
        env = stack_env(pg_url, nats_url, free_port(), namespace,
                        VIDEOGEN_LOG_LEVEL="warning", VIDEOGEN_DATA_DIR=str(tmp / "data"))
        stack = Stack(env, log_dir=tmp)
        try:
            stack.start("project")
            stack.start("gateway")
            stack.wait_ready()
            for n, surface in enumerate(surfaces):
                if n:
                    _restart_gateway(stack)  # the RSS per connection of a fresh process
                measure(stack, FEEDS[surface](stack, pg_url, namespace), pg_url, namespace,
                        args)
        finally:
            stack.stop()
            for server in servers:
                server.stop()


def _restart_gateway(stack: Any) -> None:
    proc = stack.children["gateway"].proc
    proc.terminate()
    proc.wait(30)
    stack.start("gateway")
    stack.wait_ready()


def measure(stack: Any, feed: Feed, pg_url: str, namespace: str,
            args: argparse.Namespace) -> None:
    gateway = stack.children["gateway"].proc.pid
    rss_before = _rss_kb(gateway)
    load = subprocess.Popen(
        [sys.executable, __file__, "--watch", feed.url, "--clients", str(args.clients),
         "--settle", str(feed.base)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert load.stdout is not None
    assert load.stdin is not None
    json.loads(load.stdout.readline())  # {"ready": n}: every stream replayed the feed
    time.sleep(1.0)
    rss_connected = _rss_kb(gateway)
    cpu = _cpu_s(gateway)
    load_average = os.getloadavg()
    appended = asyncio.run(_append(pg_url, namespace, feed, args.events, args.every))
    time.sleep(2.0)
    cpu = _cpu_s(gateway) - cpu
    load_average = tuple(max(a, b) for a, b in zip(load_average, os.getloadavg(), strict=True))
    rss_after = _rss_kb(gateway)
    load.stdin.write("done\n")
    load.stdin.flush()
    seen = json.loads(load.stdout.readline())["seen"]
    load.wait()
    report(feed, seen, appended, args, (rss_before, rss_connected, rss_after))
    print(f"gateway CPU during the events: {cpu:.2f} s = "
          f"{cpu / (args.events * args.clients) * 1e6:.1f} µs per delivery; machine load "
          f"average {' / '.join(f'{a:.2f}' for a in load_average)} (1/5/15 min, the higher"
          " of before and after)\n", flush=True)


def report(
    feed: Feed, seen: list[dict[str, float]], appended: list[tuple[float, float]],
    args: argparse.Namespace, rss: tuple[int, int, int],
) -> None:
    def latencies(which: int) -> list[float]:
        return [
            (client[key] - times[which]) * 1000
            for client in seen for n, times in enumerate(appended)
            if (key := str(feed.base + 1 + n)) in client
        ]

    from_call, from_commit = latencies(0), latencies(1)
    expected = len(seen) * len(appended)
    per_connection = (rss[1] - rss[0]) / len(seen)
    print(f"SSE fan-out ({feed.name}), {len(seen)} clients on one feed, {len(appended)} events "
          f"every {args.every * 1000:.0f} ms: {len(from_commit)}/{expected} deliveries")
    for name, values in (("commit", from_commit), ("append call", from_call)):
        print(f"from the {name} → delivery: p50 {_pct(values, 0.50):.1f} ms, "
              f"p99 {_pct(values, 0.99):.1f} ms, max {max(values):.1f} ms, "
              f"mean {statistics.fmean(values):.1f} ms   (target p50 ≤ 15 ms, p99 ≤ 100 ms)")
    print(f"gateway RSS: {rss[0] / 1024:.1f} MB idle, {rss[1] / 1024:.1f} MB with "
          f"{len(seen)} streams, {rss[2] / 1024:.1f} MB after the events → "
          f"{per_connection:.1f} KB per connection   (target ≤ 40 KB)")


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--surface", choices=[*FEEDS, "both"], default="both")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--every", type=float, default=0.05)
    parser.add_argument("--watch", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--settle", type=int, default=0, help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    options = _parse()
    if options.watch:
        import uvloop

        uvloop.run(_watchers(options.watch, options.clients, options.settle))
    else:
        run(options)
