"""The script service's consumers: project briefs (for every prompt) and the generation queue."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

from nats.aio.msg import Msg
from nats.js.client import JetStreamContext
from videogen_bus.consumer import DeadLetterSink, run_consumer
from videogen_bus.jobs import QueueConfig
from videogen_bus.streams import ensure_stream
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.script.events import SERVICE
from videogen_contracts.subjects import Namespace
from videogen_runtime.lifecycle import run_until_closed

from script_service.adapters.briefs_pg import PostgresBriefBook
from script_service.config import ScriptConfig


def generation_queue_config(ns: Namespace, config: ScriptConfig) -> QueueConfig:
    return QueueConfig(
        stream=ns.stream_name(SERVICE),
        durable=ns.durable(SERVICE, "generation"),
        filter_subject=ns.event_subject(SERVICE, "*", "GenerationQueued"),
        concurrency=config.concurrency,
        ack_wait=config.ack_wait,
        max_attempts=config.max_attempts,
    )


async def start_brief_intake(
    stack: AsyncExitStack,
    js: JetStreamContext,
    ns: Namespace,
    briefs: PostgresBriefBook,
    dead_letters: DeadLetterSink,
) -> None:
    """Copy every project's brief and cast events into our own table (see briefs_pg.py)."""

    async def handle(event: RecordedEvent, msg: Msg) -> None:
        await briefs.record(event)

    # The project's stream, with its owner's configuration: lets us start before it.
    await ensure_stream(js, ns, "project")
    # Every event of the project service: its project streams' events all count for the
    # version a caller may wait for (see briefs_pg.py); the rest is skipped there.
    subjects = [ns.stream_subjects("project")]

    async def consume(stop: asyncio.Event) -> None:
        await run_consumer(
            js,
            stream=ns.stream_name("project"),
            durable=ns.durable(SERVICE, "project-briefs"),
            filter_subjects=subjects,
            handle=handle,
            dead_letters=dead_letters,
            stop=stop,
        )

    await run_until_closed(stack, consume, "script-project-briefs")
