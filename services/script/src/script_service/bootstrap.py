"""Composition root: builds the script service from Settings and nothing else.

Resources are entered on an AsyncExitStack in start order, so the stack closes them in
reverse, which is the graceful-shutdown order: stop serving commands (in-flight ones
finish and reply), let the relay finish its batch and stop, drain NATS, close the pool.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from dataclasses import dataclass

import asyncpg
import structlog
from videogen_bus.connection import connect, drain
from videogen_bus.rpc import CommandServer
from videogen_bus.streams import ensure_stream
from videogen_contracts.script.events import SERVICE
from videogen_contracts.subjects import Namespace
from videogen_eventstore.migrations import migrate
from videogen_eventstore.postgres import PostgresEventStore
from videogen_eventstore.relay import Relay
from videogen_runtime.settings import Settings

from script_service.app.handlers import ScriptCommandHandler
from script_service.entrypoints.rpc import serve_script_commands

log = structlog.get_logger("script_service.bootstrap")


@dataclass(frozen=True)
class ScriptService:
    """The running parts, exposed for tests and health checks."""

    namespace: Namespace
    schema: str
    pool: asyncpg.Pool
    store: PostgresEventStore
    relay: Relay
    server: CommandServer


async def start_script_service(settings: Settings, stack: AsyncExitStack) -> ScriptService:
    ns = Namespace(settings.namespace)
    schema = settings.schema_for(SERVICE)
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=5)
    stack.push_async_callback(pool.close)
    applied = await migrate(pool, schema)
    log.info("schema.ready", schema=schema, applied=applied)

    nc = await connect(settings.nats_url, name=f"{SERVICE}-service")
    stack.push_async_callback(drain, nc)
    js = nc.jetstream()
    await ensure_stream(js, ns, SERVICE)

    relay = Relay(pool, schema, SERVICE, js, ns)
    _start_relay(relay, stack)

    store = PostgresEventStore(pool, schema, SERVICE)
    server = await serve_script_commands(nc, ns, ScriptCommandHandler(store))
    stack.push_async_callback(server.close)
    log.info("commands.serving", namespace=ns.name, stream=ns.stream_name(SERVICE))
    return ScriptService(ns, schema, pool, store, relay, server)


def _start_relay(relay: Relay, stack: AsyncExitStack) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop), name="script-relay")

    async def stop_relay() -> None:
        # The relay checks `stop` between batches: a batch in flight is published and
        # checkpointed first; whatever is left is published by the next start.
        stop.set()
        await task

    stack.push_async_callback(stop_relay)
