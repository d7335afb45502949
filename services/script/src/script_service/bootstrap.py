"""Composition root: builds the script service from Settings and nothing else.

Resources are entered on an AsyncExitStack in start order, so the stack closes them in
reverse, which is the graceful-shutdown order: stop taking generation runs (those in hand
are handed back, to be resumed), stop serving commands (in-flight ones finish and reply),
stop the brief intake, let the relay finish its batch and stop, drain NATS, close the
writer and the pool.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass

import asyncpg
import structlog
from videogen_bus.connection import connect, drain
from videogen_bus.jobs import JobQueue
from videogen_bus.rpc import CommandServer
from videogen_bus.streams import ensure_stream
from videogen_contracts.script.events import SERVICE
from videogen_contracts.subjects import Namespace
from videogen_eventstore.deadletters import PostgresDeadLetters
from videogen_eventstore.decider import Streams
from videogen_eventstore.migrations import migrate
from videogen_eventstore.multi_stream import PostgresAtomicAppender
from videogen_eventstore.pool import create_pool
from videogen_eventstore.postgres import PostgresEventStore
from videogen_eventstore.relay import Relay
from videogen_providers.llm.base import ScriptWriter
from videogen_providers.llm.select import writer_from_env
from videogen_runtime.lifecycle import run_until_closed
from videogen_runtime.settings import Settings

from script_service.adapters.briefs_pg import PostgresBriefBook, create_brief_table
from script_service.app.generation_start import GenerationStarter
from script_service.app.handlers import ScriptCommandHandler
from script_service.app.studio import StudioScripts
from script_service.app.writer_calls import WriterCalls
from script_service.config import ScriptConfig
from script_service.entrypoints.consumers import start_brief_intake, start_generation_worker
from script_service.entrypoints.rpc import serve_script_commands
from script_service.workers.generation import GenerationJob, GenerationTools

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
    queue: JobQueue
    briefs: PostgresBriefBook
    writer: ScriptWriter


async def start_script_service(
    settings: Settings,
    stack: AsyncExitStack,
    *,
    config: ScriptConfig | None = None,
    writer: ScriptWriter | None = None,
) -> ScriptService:
    """Start everything; `writer` replaces the one chosen from the environment (tests)."""
    config = config or ScriptConfig.from_env()
    writer = writer or writer_from_env()
    stack.push_async_callback(writer.aclose)
    ns = Namespace(settings.namespace)
    schema = settings.schema_for(SERVICE)
    pool = await create_pool(settings.database_url, min_size=1, max_size=10)
    stack.push_async_callback(pool.close)
    applied = await migrate(pool, schema)
    await create_brief_table(pool, schema)
    log.info("schema.ready", schema=schema, applied=applied)

    nc = await connect(settings.nats_url, name=f"{SERVICE}-service")
    stack.push_async_callback(drain, nc)
    js = nc.jetstream()
    await ensure_stream(js, ns, SERVICE)

    relay = Relay(pool, schema, SERVICE, js, ns)
    await run_until_closed(stack, relay.run, "script-relay")

    store = PostgresEventStore(pool, schema, SERVICE)
    streams = Streams(store)
    briefs = PostgresBriefBook(pool, schema)
    dead_letters = PostgresDeadLetters(pool, schema)
    await start_brief_intake(stack, js, ns, briefs, dead_letters)

    calls = WriterCalls(writer, config.llm_deadline)
    appender = PostgresAtomicAppender(pool, schema)
    server = await serve_script_commands(
        nc,
        ns,
        ScriptCommandHandler(store),
        StudioScripts(streams, briefs, calls, config.brief_wait),
        GenerationStarter(streams, appender, briefs, config.brief_wait),
    )
    stack.push_async_callback(server.close)
    job = GenerationJob(GenerationTools(streams, appender, calls, briefs))
    queue = await start_generation_worker(stack, js, ns, config, job, dead_letters)
    log.info(
        "commands.serving",
        namespace=ns.name,
        stream=ns.stream_name(SERVICE),
        writer=writer.provider_label,
        concurrency=config.concurrency,
    )
    return ScriptService(ns, schema, pool, store, relay, server, queue, briefs, writer)
