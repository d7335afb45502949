"""Composition root: builds the project service from Settings and nothing else.

`start_project_service` enters every resource on an AsyncExitStack in start order, so the
stack closes them in reverse, which is the graceful-shutdown order: stop serving commands
(in-flight ones finish and reply), let the relay finish its batch and stop, drain NATS,
close the pool.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from dataclasses import dataclass

import asyncpg
import structlog
from videogen_bus.connection import connect, drain
from videogen_bus.rpc import CommandServer, NatsCommandSender
from videogen_bus.streams import ensure_stream
from videogen_contracts.project.events import SERVICE
from videogen_contracts.subjects import Namespace
from videogen_eventstore.migrations import migrate
from videogen_eventstore.multi_stream import PostgresAtomicAppender
from videogen_eventstore.pool import create_pool
from videogen_eventstore.postgres import PostgresEventStore
from videogen_eventstore.relay import Relay
from videogen_runtime.settings import Settings

from project_service.app.handlers import ProjectCommandHandler
from project_service.app.production.handlers import ProductionHandlers
from project_service.app.settings_handlers import SettingsHandlers
from project_service.entrypoints.production.consumers import (
    production_policy,
    start_production_manager,
)
from project_service.entrypoints.production.rpc import production_command_handlers
from project_service.entrypoints.production.watch import start_stall_watch
from project_service.entrypoints.rpc import serve_project_commands
from project_service.entrypoints.settings_rpc import settings_handlers

log = structlog.get_logger("project_service.bootstrap")


@dataclass(frozen=True)
class ProjectService:
    """The running parts, exposed for tests and health checks."""

    namespace: Namespace
    schema: str
    pool: asyncpg.Pool
    store: PostgresEventStore
    relay: Relay
    server: CommandServer


async def start_project_service(settings: Settings, stack: AsyncExitStack) -> ProjectService:
    ns = Namespace(settings.namespace)
    schema = settings.schema_for(SERVICE)
    pool = await create_pool(settings.database_url, min_size=2, max_size=10)
    stack.push_async_callback(pool.close)
    applied = await migrate(pool, schema)
    log.info("schema.ready", schema=schema, applied=applied)

    nc = await connect(settings.nats_url, name=f"{SERVICE}-service")
    stack.push_async_callback(drain, nc)
    js = nc.jetstream()
    await ensure_stream(js, ns, SERVICE)

    relay = Relay(pool, schema, SERVICE, js, ns)
    await _start_relay(relay, stack)

    store = PostgresEventStore(pool, schema, SERVICE)
    production = ProductionHandlers(store, PostgresAtomicAppender(pool, schema))
    server = await serve_project_commands(
        nc, ns, ProjectCommandHandler(store),
        {**production_command_handlers(production), **settings_handlers(SettingsHandlers(store))},
    )
    stack.push_async_callback(server.close)
    # The production process manager; its consumers stop before the server and the relay.
    policy = production_policy(production, NatsCommandSender(nc, ns), pool, schema)
    await start_production_manager(stack, js, ns, policy, pool, schema)
    await start_stall_watch(stack, js, ns, production, pool, schema)
    log.info("commands.serving", namespace=ns.name, stream=ns.stream_name(SERVICE))
    return ProjectService(ns, schema, pool, store, relay, server)


async def _start_relay(relay: Relay, stack: AsyncExitStack) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop), name="project-relay")

    async def stop_relay() -> None:
        # The relay checks `stop` between batches: a batch in flight is published and
        # checkpointed first; whatever is left is published by the next start.
        stop.set()
        await task

    stack.push_async_callback(stop_relay)
