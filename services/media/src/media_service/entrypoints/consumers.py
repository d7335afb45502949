"""The media service's consumers: the preparation queue and project deletions."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import asyncpg
import structlog
from nats.aio.msg import Msg
from nats.js.client import JetStreamContext
from videogen_bus.consumer import DeadLetterSink, run_consumer
from videogen_bus.jobs import QueueConfig
from videogen_bus.streams import ensure_stream
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.media.events import SERVICE
from videogen_contracts.project.events import ProjectDeleted, event_decoder
from videogen_contracts.subjects import Namespace
from videogen_runtime.lifecycle import run_until_closed

from media_service.adapters.productions import productions_of_project
from media_service.config import MediaConfig
from media_service.workers.keys import production_prefixes, project_prefixes
from media_service.workers.ports import Blobs

log = structlog.get_logger("media_service.consumers")


def preparation_queue_config(ns: Namespace, config: MediaConfig) -> QueueConfig:
    return QueueConfig(
        stream=ns.stream_name(SERVICE),
        durable=ns.durable(SERVICE, "preparation"),
        filter_subject=ns.event_subject(SERVICE, "*", "MediaPreparationRequested"),
        # A retried production resumes its preparation: the same job, started again.
        extra_subjects=(ns.event_subject(SERVICE, "*", "MediaPreparationResumed"),),
        concurrency=config.concurrency,
        ack_wait=config.ack_wait,
        max_attempts=config.max_attempts,
    )


async def start_project_deletions(
    stack: AsyncExitStack,
    js: JetStreamContext,
    ns: Namespace,
    pool: asyncpg.Pool,
    schema: str,
    blobs: Blobs,
    dead_letters: DeadLetterSink,
) -> None:
    """Delete a project's media blobs when the project is deleted.

    Deleting is idempotent (a second delete finds nothing), so a redelivered event needs
    no tracking row.
    """

    async def handle(event: RecordedEvent, msg: Msg) -> None:
        deleted = event_decoder.decode(event.data)
        if not isinstance(deleted, ProjectDeleted):
            return
        prefixes = project_prefixes(deleted.project_id)
        for production_id in await productions_of_project(pool, schema, deleted.project_id):
            prefixes.extend(production_prefixes(production_id))
        removed = 0
        for prefix in prefixes:
            removed += await blobs.delete_prefix(prefix)
        log.info("project.media_deleted", project_id=str(deleted.project_id), blobs=removed)

    # The project's stream, with its owner's configuration: lets us start before it.
    await ensure_stream(js, ns, "project")

    async def consume(stop: asyncio.Event) -> None:
        await run_consumer(
            js,
            stream=ns.stream_name("project"),
            durable=ns.durable(SERVICE, "project-deletions"),
            filter_subjects=[ns.event_subject("project", "*", "ProjectDeleted")],
            handle=handle,
            dead_letters=dead_letters,
            stop=stop,
        )

    await run_until_closed(stack, consume, "media-project-deletions")
