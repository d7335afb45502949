"""The media service's consumers: the preparation queue and project deletions."""

from __future__ import annotations

import structlog
from nats.aio.msg import Msg
from videogen_bus.jobs import QueueConfig
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.media.events import SERVICE
from videogen_contracts.project.events import ProjectDeleted, event_decoder
from videogen_contracts.subjects import Namespace
from videogen_runtime.service import Plumbing

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


async def start_project_deletions(base: Plumbing, blobs: Blobs) -> None:
    """Delete a project's media blobs when the project is deleted.

    Deleting is idempotent (a second delete finds nothing), so a redelivered event needs
    no tracking row.
    """

    async def handle(event: RecordedEvent, _: Msg) -> None:
        deleted = event_decoder.decode(event.data)
        if not isinstance(deleted, ProjectDeleted):
            return
        prefixes = project_prefixes(deleted.project_id)
        for production_id in await productions_of_project(
            base.pool, base.schema, deleted.project_id
        ):
            prefixes.extend(production_prefixes(production_id))
        removed = sum([await blobs.delete_prefix(prefix) for prefix in prefixes])
        log.info("project.media_deleted", project_id=str(deleted.project_id), blobs=removed)

    subjects = [base.namespace.event_subject("project", "*", "ProjectDeleted")]
    await base.consume("project", "project-deletions", subjects, handle)
