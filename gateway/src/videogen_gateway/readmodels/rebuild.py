"""`python -m videogen_gateway rebuild`: drop the read models and replay the logs into them.

Run it with the gateway stopped. It deletes the durable consumer (so the next one starts
at the stream's first message), drops the read-model tables and the projection's tracking
rows, recreates the tables, then runs the same projection the gateway runs until the
consumer's ack floor reaches the stream's last message as it was at the start. Events
appended meanwhile are left to the gateway's consumer, which continues from there.
"""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg
import structlog
from nats.js.client import JetStreamContext
from nats.js.errors import NotFoundError
from videogen_bus.connection import bus_connection
from videogen_bus.streams import ensure_stream
from videogen_gateway.readmodels.migrations import drop_read_models, migrate_gateway
from videogen_gateway.readmodels.projector import StreamProjector, projectors
from videogen_gateway.runtime import GatewayOptions, Runtime
from videogen_runtime.settings import Settings

log = structlog.get_logger("videogen_gateway.rebuild")

POLL_SECONDS = 0.1


async def rebuild(settings: Settings) -> int:
    """Rebuild every read model from the start of its streams; returns the events replayed."""
    rt = Runtime(settings, GatewayOptions())
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=4)
    try:
        async with bus_connection(settings.nats_url, "gateway-rebuild") as nc:
            js = nc.jetstream()
            sources = projectors(pool, rt.schema, rt.ns)
            for service, projector in sources:
                await ensure_stream(js, rt.ns, service)
                with contextlib.suppress(NotFoundError):
                    await js.delete_consumer(rt.ns.stream_name(service), projector.consumer)
            await migrate_gateway(pool, rt.schema)  # the tracking table must exist to clear it
            await drop_read_models(pool, rt.schema, [p.consumer for _, p in sources])
            await migrate_gateway(pool, rt.schema)
            replayed = 0
            for service, projector in sources:
                stream = rt.ns.stream_name(service)
                last = (await js.stream_info(stream)).state.last_seq
                log.info("rebuild.started", stream=stream, last_seq=last, schema=rt.schema)
                await _replay(js, stream, projector, last)
                log.info("rebuild.finished", stream=stream, replayed=last)
                replayed += int(last)
            return replayed
    finally:
        await pool.close()


async def _replay(js: JetStreamContext, stream: str, projector: StreamProjector, last: int) -> None:
    stop = asyncio.Event()
    consumer = asyncio.create_task(projector.run(js, stream, stop, idle_wait=0.5))
    try:
        while last > 0 and not consumer.done():
            await asyncio.sleep(POLL_SECONDS)
            with contextlib.suppress(NotFoundError):  # not created yet by run_consumer
                info = await js.consumer_info(stream, projector.consumer)
                if info.ack_floor and info.ack_floor.stream_seq >= last:
                    break
    finally:
        stop.set()
        await consumer  # re-raises if the consumer failed
