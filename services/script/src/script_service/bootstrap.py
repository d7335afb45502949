"""Composition root: builds the script service from Settings and nothing else.

`script_app` wires the application on whichever store, appender and brief book it is given
(Postgres here, the in-memory ones in unit tests); `manim_app` wires doc 003's Manim
sessions on a store and a ManimWriter. `start_script_service` opens the shared plumbing
(videogen_runtime.service) and enters the service's own parts after it, so the stack closes
them first, which is the graceful-shutdown order: stop taking Manim writing jobs and
generation runs (those in hand are handed back, to be resumed), stop serving commands
(in-flight ones finish and reply), stop the brief intake, let the relay finish its batch,
drain NATS, close the pool and the writer.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass

from videogen_bus.jobs import JobQueue
from videogen_contracts.script.events import SERVICE
from videogen_eventstore.api import EventStore
from videogen_eventstore.decider import Streams
from videogen_eventstore.multi_stream import AtomicAppender, PostgresAtomicAppender
from videogen_providers.llm.base import ScriptWriter
from videogen_providers.llm.select import writer_from_env
from videogen_providers.manim.select import manim_writer_from_env
from videogen_providers.manim.writer import ManimWriter
from videogen_runtime.service import Plumbing, open_plumbing
from videogen_runtime.settings import Settings

from script_service.adapters.briefs_pg import PostgresBriefBook, create_brief_table
from script_service.app.briefs import BriefBook
from script_service.app.generation_start import GenerationStarter
from script_service.app.handlers import ScriptCommandHandler
from script_service.app.manim_session import ManimSessions
from script_service.app.manim_task.handlers import ManimTasks
from script_service.app.manim_task.manager import ManimTaskManager
from script_service.app.studio import StudioScripts
from script_service.app.writer_calls import WriterCalls
from script_service.config import ScriptConfig
from script_service.entrypoints.consumers import generation_queue_config, start_brief_intake
from script_service.entrypoints.manim_policy import start_manim_task_manager
from script_service.entrypoints.manim_queues import start_manim_writing
from script_service.entrypoints.rpc import command_handlers, manim_command_handlers
from script_service.workers.generation import GenerationJob, GenerationTools
from script_service.workers.manim_writing import ManimWritingJob


@dataclass(frozen=True)
class ScriptParts:
    """The application: the use cases behind every command and query, and the generation job."""

    drafting: ScriptCommandHandler
    studio: StudioScripts
    starter: GenerationStarter
    streams: Streams
    job: GenerationJob


def script_app(
    store: EventStore,
    appender: AtomicAppender,
    briefs: BriefBook,
    calls: WriterCalls,
    brief_wait: float,
) -> ScriptParts:
    streams = Streams(store)
    return ScriptParts(
        drafting=ScriptCommandHandler(store),
        studio=StudioScripts(streams, briefs, calls, brief_wait),
        starter=GenerationStarter(streams, appender, briefs, brief_wait), streams=streams,
        job=GenerationJob(GenerationTools(streams, appender, calls, briefs)),
    )


@dataclass(frozen=True)
class ManimParts:
    """Doc 003's Manim sessions and tasks: the handlers of their commands, the writing job
    and the tasks' process manager."""

    sessions: ManimSessions
    writing: ManimWritingJob
    tasks: ManimTasks
    manager: ManimTaskManager


def manim_app(store: EventStore, writer: ManimWriter, llm_deadline: float) -> ManimParts:
    sessions = ManimSessions(store)
    tasks = ManimTasks(store)
    return ManimParts(
        sessions, ManimWritingJob(sessions, writer, deadline=llm_deadline), tasks,
        ManimTaskManager(tasks, sessions),
    )


@dataclass(frozen=True)
class ScriptService:
    """The running parts, exposed for tests."""

    plumbing: Plumbing
    queue: JobQueue
    briefs: PostgresBriefBook
    writer: ScriptWriter
    manim: ManimParts
    manim_queue: JobQueue


async def start_script_service(
    settings: Settings,
    stack: AsyncExitStack,
    *,
    config: ScriptConfig | None = None,
    writer: ScriptWriter | None = None,
    manim_writer: ManimWriter | None = None,
) -> ScriptService:
    """Start everything; `writer` and `manim_writer` replace the ones chosen from the
    environment (tests)."""
    config = config or ScriptConfig.from_env()
    writer = writer or writer_from_env()
    manim_writer = manim_writer or manim_writer_from_env()
    stack.push_async_callback(writer.aclose)
    # A vendor's Manim writer holds an HTTP client; the offline one holds nothing.
    close_manim_writer = getattr(manim_writer, "aclose", None)
    if close_manim_writer is not None:
        stack.push_async_callback(close_manim_writer)
    base = await open_plumbing(SERVICE, settings, stack, min_connections=1)
    await create_brief_table(base.pool, base.schema)
    briefs = PostgresBriefBook(base.pool, base.schema)
    await start_brief_intake(base, briefs)

    parts = script_app(
        base.store, PostgresAtomicAppender(base.pool, base.schema), briefs,
        WriterCalls(writer, config.llm_deadline), config.brief_wait,
    )
    manim = manim_app(base.store, manim_writer, config.llm_deadline)
    await base.serve(
        {**command_handlers(parts.drafting, parts.studio, parts.starter),
         **manim_command_handlers(manim.sessions, manim.tasks)},
        writer=writer.provider_label, manim_writer=manim_writer.name,
        concurrency=config.concurrency,
    )
    queue = await base.run_work_queue(generation_queue_config(base.namespace, config), parts.job)
    manim_queue = await start_manim_writing(base, config, manim.writing)
    # Entered last, so it stops first: no reaction is cut off by the pool closing under it.
    await start_manim_task_manager(base, manim.manager)
    return ScriptService(base, queue, briefs, writer, manim, manim_queue)
