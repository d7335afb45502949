"""The Manim combine work queue: one job per `CombineRequested` of the SCRIPT stream
(workers/manim_combine.py).

The export service consumes another service's stream here because the session's log is
the whole story of a combine (contracts/script/manim.py): the request is a script event,
and the answer a script command. The stream is ensured first with its owner's
configuration, so the export service may start before the script service.

No cancellation is heard: a combine takes seconds, and an answer for a job its task
cancelled meanwhile is a no-op in the session.
"""

from __future__ import annotations

from videogen_bus.jobs import JobQueue
from videogen_bus.streams import ensure_stream
from videogen_contracts.script.events import SERVICE as SCRIPT
from videogen_runtime.service import Plumbing

from export_service.config import ExportConfig
from export_service.workers.manim_combine import ManimCombineJob, manim_combine_queue_config


async def start_manim_combines(
    base: Plumbing, job: ManimCombineJob, config: ExportConfig
) -> JobQueue:
    ns = base.namespace
    await ensure_stream(base.js, ns, SCRIPT)
    return await base.run_work_queue(
        manim_combine_queue_config(ns, ack_wait=config.ack_wait,
                                   max_attempts=config.max_attempts),
        job,
    )  # fmt: skip
