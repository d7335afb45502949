"""A production of kind "brief" (an Aura job): its script is written from the brief.

The project was created from the brief when the production started (topic, audience, goal,
tone, style, the plan's pacing and density), so the script service already knows what to
write about. When the production enters "scripting", the process manager asks the script
service to `quick_generate` the project's script (the ScriptWriter's quick_script, sized
to the plan's target duration), then reads it back with `get_project_script` and attaches
it exactly as a production of kind "project" does.
"""

from __future__ import annotations

from datetime import datetime

from videogen_bus.consumer import TransientError
from videogen_bus.rpc import CommandSender, ServiceUnavailable
from videogen_contracts.project.production import ProductionQueued
from videogen_contracts.replies import CommandRejected
from videogen_contracts.script.commands import QuickGenerate

from project_service.app.production.project_script import NoProjectScript

COMMAND = "quick_generate"
# The writer may be a remote LLM: give it the time a script takes, not a command's; but stay
# under the process manager's ack wait (30 s), past which its trigger would be redelivered.
WRITE_TIMEOUT_S = 25.0
DEFAULT_MINUTES = 1.0


async def write_script(
    sender: CommandSender,
    queued: ProductionQueued,
    command_id: str,
    now: datetime,
    *,
    correlation_id: str,
    causation_id: str,
) -> None:
    """Have the project's script written; raises NoProjectScript, or TransientError."""
    brief = queued.brief
    minutes = getattr(brief, "target_minutes", None) or DEFAULT_MINUTES
    command = QuickGenerate(
        command_id=command_id, now=now, project_id=queued.project_id, target_minutes=minutes,
        # The production created the project (its version 1) from the brief: the script
        # service waits until it has read that far.
        project_version=1,
    )
    try:
        reply = await sender.send_command(
            "script", COMMAND, command, correlation_id=correlation_id,
            causation_id=causation_id, timeout=WRITE_TIMEOUT_S,
        )
    except ServiceUnavailable as error:
        raise TransientError(str(error)) from error
    if not isinstance(reply, CommandRejected):
        return
    # The project was created with this production, in the same transaction: "not found"
    # only means the script service has not read that event yet. Ask again later.
    if reply.code in ("unavailable", "not_found"):
        raise TransientError(f"script.{COMMAND}: {reply.message}")
    raise NoProjectScript(f"the script could not be written: {reply.message}")
