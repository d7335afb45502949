"""The script service's consumers: project briefs (for every prompt) and the generation queue."""

from __future__ import annotations

from videogen_bus.jobs import QueueConfig
from videogen_contracts.script.events import SERVICE
from videogen_contracts.subjects import Namespace
from videogen_runtime.service import Plumbing

from script_service.adapters.briefs_pg import PostgresBriefBook
from script_service.config import ScriptConfig


def generation_queue_config(ns: Namespace, config: ScriptConfig) -> QueueConfig:
    return QueueConfig(
        stream=ns.stream_name(SERVICE), durable=ns.durable(SERVICE, "generation"),
        filter_subject=ns.event_subject(SERVICE, "*", "GenerationQueued"),
        concurrency=config.concurrency, ack_wait=config.ack_wait, max_attempts=config.max_attempts,
    )


async def start_brief_intake(base: Plumbing, briefs: PostgresBriefBook) -> None:
    """Copy every project's brief and cast events into our own table (see briefs_pg.py)."""
    # Every event of the project service: its project streams' events all count for the
    # version a caller may wait for (see briefs_pg.py); the rest is skipped there.
    subjects = [base.namespace.stream_subjects("project")]
    await base.consume("project", "project-briefs", subjects, lambda event, _: briefs.record(event))
