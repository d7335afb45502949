"""The Manim render work queue: one job per `SceneRenderRequested` of the SCRIPT stream
(workers/manim_render.py), and its cancellation.

The media service consumes another service's stream here because the session's log is the
whole story of a render (contracts/script/manim.py): the request is a script event, and
the answer a script command. The stream is ensured first with its owner's configuration,
so the media service may start before the script service.

Jobs are keyed by job id, so a cancellation names the job to stop: `ManimJobCancelled` (one
job) or `ManimTaskCancelled` (the task's jobs still running). Every replica hears it (a
core subscription); the one running the job kills its sandbox (the job's task is
cancelled) and acks the message; the others remember it, so a job cancelled while waiting
in the stream is dropped when its turn comes.
"""

from __future__ import annotations

import msgspec
from videogen_bus.jobs import JobQueue, QueueConfig
from videogen_bus.streams import ensure_stream
from videogen_contracts.envelope import RecordedEvent
from videogen_contracts.media.events import SERVICE
from videogen_contracts.script.events import SERVICE as SCRIPT
from videogen_contracts.script.manim import (
    ManimJobCancelled,
    ManimTaskCancelled,
    manim_session_event_decoder,
    manim_task_event_decoder,
)
from videogen_contracts.subjects import Namespace
from videogen_runtime.service import Plumbing

from media_service.workers.manim_render import ManimRenderJob

# One render at a time per process: Manim (and the mux after it) uses the cores it gets,
# and more jobs wait in the stream, where any replica with a free slot takes the next.
MANIM_RENDER_CONCURRENCY = 1


def manim_render_queue_config(
    ns: Namespace, *, ack_wait: float, max_attempts: int
) -> QueueConfig:
    return QueueConfig(
        stream=ns.stream_name(SCRIPT),
        durable=ns.durable(SERVICE, "manim-renders"),
        filter_subject=ns.event_subject(SCRIPT, "*", "SceneRenderRequested"),
        concurrency=MANIM_RENDER_CONCURRENCY,
        ack_wait=ack_wait,
        max_attempts=max_attempts,
    )


class _JobOnly(msgspec.Struct):
    job_id: str = ""


_job_of = msgspec.json.Decoder(_JobOnly)


def job_id_of(event: RecordedEvent) -> str:
    """The queue's job key: the request's job id (never raises; "" for a bad body)."""
    try:
        return _job_of.decode(event.data).job_id
    except msgspec.DecodeError:
        return ""


def cancelled_jobs(event: RecordedEvent) -> list[str]:
    """The jobs a cancellation event stops (none for a body that does not decode)."""
    try:
        if event.type == "ManimJobCancelled":
            job = manim_session_event_decoder.decode(event.data)
            return [str(job.job_id)] if isinstance(job, ManimJobCancelled) else []
        if event.type == "ManimTaskCancelled":
            task = manim_task_event_decoder.decode(event.data)
            if isinstance(task, ManimTaskCancelled):
                return [str(j) for j in task.running_jobs]
    except msgspec.DecodeError:
        pass
    return []


async def start_manim_renders(
    base: Plumbing, job: ManimRenderJob, *, ack_wait: float, max_attempts: int
) -> JobQueue:
    ns = base.namespace
    await ensure_stream(base.js, ns, SCRIPT)
    queue = await base.run_work_queue(
        manim_render_queue_config(ns, ack_wait=ack_wait, max_attempts=max_attempts), job,
        job_key=job_id_of,
    )

    def on_cancel(event: RecordedEvent) -> None:
        for job_id in cancelled_jobs(event):
            job.cancelled(job_id)
            queue.abandon(job_id)

    await base.hear(
        [ns.event_subject(SCRIPT, "*", kind) for kind in ("ManimJobCancelled",
                                                          "ManimTaskCancelled")],
        on_cancel,
    )
    return queue
