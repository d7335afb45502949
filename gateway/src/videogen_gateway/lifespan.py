"""The gateway's resources, one async context manager each, opened in order at start.

database → schema (migrations) → NATS → position listener → projections. Litestar exits
them in reverse: the projections stop (finishing the event in hand) before NATS drains,
and NATS drains before the pool closes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress

import structlog
from litestar import Litestar
from videogen_bus.connection import connect, drain, until_connected
from videogen_bus.streams import ensure_stream
from videogen_eventstore.pool import create_pool

from videogen_gateway.command_client import Dispatcher
from videogen_gateway.positions import PositionWaiter, listening
from videogen_gateway.readmodels.migrations import migrate_gateway
from videogen_gateway.readmodels.projector import StreamProjector, projectors
from videogen_gateway.readmodels.projects.queries import ProjectQueries
from videogen_gateway.runtime import Runtime, runtime_of

log = structlog.get_logger("videogen_gateway.lifespan")

# How long the start waits for NATS before serving without it (reads only, commands 503).
NATS_START_WAIT = 5.0


@asynccontextmanager
async def database(app: Litestar) -> AsyncIterator[None]:
    rt = runtime_of(app.state)
    # The event store's pool: no per-release reset query (nothing here changes session
    # state), and acquire, connect and every statement bounded in time, so a hung database
    # answers 503s (unavailable.py) instead of piling requests up.
    rt.pool = await create_pool(rt.settings.database_url, min_size=2, max_size=16)
    try:
        yield
    finally:
        await rt.pool.close()


@asynccontextmanager
async def schema(app: Litestar) -> AsyncIterator[None]:
    rt = runtime_of(app.state)
    applied = await migrate_gateway(rt.pool, rt.schema)
    if applied:
        log.info("gateway.migrated", schema=rt.schema, versions=applied)
    rt.queries = ProjectQueries(rt.pool, rt.schema, rt.cache)
    yield


@asynccontextmanager
async def messaging(app: Litestar) -> AsyncIterator[None]:
    rt = runtime_of(app.state)
    # Waiting for NATS a little, not for ever: reads are served from the read models while
    # it is away; commands are refused (503) until it connects (command_client.py).
    rt.nc = await connect(rt.settings.nats_url, "gateway", wait=False)
    if not await until_connected(rt.nc, NATS_START_WAIT):
        log.warning("gateway.started_without_nats", url=rt.settings.nats_url)
    try:
        yield
    finally:
        await drain(rt.nc)


@asynccontextmanager
async def positions(app: Litestar) -> AsyncIterator[None]:
    rt = runtime_of(app.state)
    waiter = PositionWaiter(rt.pool, rt.schema)
    if rt.cache is not None:
        waiter.observe(rt.cache)
    waiter.observe(rt.hub)
    o = rt.options
    rt.waiter, rt.dispatcher = waiter, Dispatcher(
        rt.nc, rt.ns, waiter, resend_for=o.resend_for, attempt_timeout=o.attempt_timeout,
        visible_within=o.visible_within,
    )
    async with listening(waiter, rt.settings.database_url, rt.schema):
        yield


@asynccontextmanager
async def projections(app: Litestar) -> AsyncIterator[None]:
    rt = runtime_of(app.state)
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(project_until_stopped(rt, stop, service, projector),
                            name=f"gateway-{service}")
        for service, projector in projectors(rt.pool, rt.schema, rt.ns)
    ]
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(*tasks)


async def project_until_stopped(
    rt: Runtime, stop: asyncio.Event, service: str, projector: StreamProjector
) -> None:
    """Run one stream's projection consumer; if it fails (NATS away at start, say), again."""
    js = rt.nc.jetstream()
    while not stop.is_set():
        try:
            await ensure_stream(js, rt.ns, service)
            await projector.run(js, rt.ns.stream_name(service), stop, idle_wait=1.0)
        except Exception:
            # Task boundary: a crashed projection must come back, not die silently.
            log.exception("projection.crashed", consumer=projector.consumer)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=1.0)


def lifespans() -> list[Callable[[Litestar], AbstractAsyncContextManager[None]]]:
    return [database, schema, messaging, positions, projections]
