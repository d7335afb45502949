"""The Manim writing work queue: one durable consumer of the script stream for the three
writing requests, keyed by job id, and abandoned when a job is cancelled."""

from __future__ import annotations

from uuid import UUID

import msgspec
from videogen_bus.jobs import JobQueue, QueueConfig
from videogen_contracts.envelope import RecordedEvent, event_type_name
from videogen_contracts.script.events import SERVICE
from videogen_contracts.script.manim import (
    CodeRequested,
    ImplementationsRequested,
    ManimJobCancelled,
    PlanRequested,
)
from videogen_contracts.subjects import Namespace
from videogen_runtime.service import Plumbing

from script_service.config import ScriptConfig
from script_service.workers.manim_writing import ManimWritingJob

WRITING_REQUESTS = (PlanRequested, ImplementationsRequested, CodeRequested)


class _JobOf(msgspec.Struct):
    job_id: UUID


_job_decoder = msgspec.json.Decoder(_JobOf)


def job_id_of(event: RecordedEvent) -> str:
    """The job a session event is about (the queue's job key); never raises, as a key must
    not: an event without a job id is keyed by its stream (the runner rejects it)."""
    try:
        return str(_job_decoder.decode(event.data).job_id)
    except msgspec.DecodeError:
        return event.stream_id


def manim_writing_queue_config(ns: Namespace, config: ScriptConfig) -> QueueConfig:
    first, *more = (ns.event_subject(SERVICE, "*", event_type_name(t)) for t in WRITING_REQUESTS)
    return QueueConfig(
        stream=ns.stream_name(SERVICE), durable=ns.durable(SERVICE, "manim-writing"),
        filter_subject=first, extra_subjects=tuple(more), concurrency=config.manim_concurrency,
        ack_wait=config.ack_wait, max_attempts=config.max_attempts, idle_wait=1.0,
    )


async def start_manim_writing(
    base: Plumbing, config: ScriptConfig, job: ManimWritingJob
) -> JobQueue:
    """Take writing jobs until the stack closes; a cancelled job stops wherever it runs."""
    queue = await base.run_work_queue(
        manim_writing_queue_config(base.namespace, config), job, job_key=job_id_of
    )
    cancelled = base.namespace.event_subject(SERVICE, "*", event_type_name(ManimJobCancelled))
    await base.abandon_jobs_on([cancelled], job_id_of, queue)
    return queue
