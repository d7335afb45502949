"""A production of kind "project": its script is the studio project's current script.

Nothing is drafted: when the production enters "scripting", the process manager asks the
script service (query `get_project_script`) for the project's sections and sentences as
edited so far, and attaches them as the production's script. From there the production
runs as any other. Sentence ids are the studio's own, so the media service finds each
unchanged sentence's narration by content and synthesizes only what was edited.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from videogen_bus.consumer import TransientError
from videogen_bus.rpc import CommandSender, ServiceUnavailable
from videogen_contracts.project.production import ProductionQueued
from videogen_contracts.replies import CommandRejected, QueryAnswered
from videogen_contracts.script.queries import GetProjectScript, ProjectScript

from project_service.app.production.reactions import script_sentences
from project_service.domain.production.commands import AttachScript

QUERY = "get_project_script"


class NoProjectScript(Exception):
    """The project has no script to render (never written, or emptied): the job fails."""


async def current_script(
    sender: CommandSender, project_id: UUID, *, correlation_id: str, causation_id: str
) -> ProjectScript:
    """The project's script now; raises NoProjectScript, or TransientError to retry later."""
    try:
        reply = await sender.send_command(
            "script", QUERY, GetProjectScript(project_id=project_id),
            correlation_id=correlation_id, causation_id=causation_id,
        )
    except ServiceUnavailable as error:
        raise TransientError(str(error)) from error
    if isinstance(reply, CommandRejected):
        if reply.code == "unavailable":
            raise TransientError(f"script.{QUERY}: {reply.message}")
        raise NoProjectScript(f"the project has no script to render: {reply.message}")
    if not isinstance(reply, QueryAnswered):
        raise TransientError(f"script.{QUERY} answered like a command; an old replica?")
    try:
        return msgspec.json.decode(reply.answer, type=ProjectScript)
    except msgspec.DecodeError as error:
        raise TransientError(f"script.{QUERY}: malformed answer: {error}") from error


def attach_project_script(
    queued: ProductionQueued, script: ProjectScript, command_id: str, now: datetime
) -> AttachScript:
    """The step that records `script` as the production's; raises NoProjectScript if empty."""
    sentences = script_sentences(script.sections)
    if not sentences:
        raise NoProjectScript(f"the script of project {queued.project_id} has no sentences")
    return AttachScript(
        command_id=command_id, now=now, production_id=queued.production_id,
        script_id=script.script_id, sentences=sentences,
    )
