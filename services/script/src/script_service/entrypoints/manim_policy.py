"""The ManimTask process manager's durable consumer on the script stream: the task events
that start or stop a task and every session job event (each names its task, or none for a
low-level call), shared by every replica of the script service as
`<ns>-script-manim-task-pm`."""

from __future__ import annotations

from videogen_contracts.script.events import SERVICE
from videogen_runtime.service import Plumbing

from script_service.app.manim_task.manager import CONSUMER, WATCHED, ManimTaskManager


async def start_manim_task_manager(base: Plumbing, manager: ManimTaskManager) -> None:
    """Run the consumer until the stack closes (it stops before the command server)."""
    subjects = [base.namespace.event_subject(SERVICE, "*", t) for t in WATCHED]
    await base.consume(SERVICE, CONSUMER, subjects, lambda event, _: manager.on_event(event))
