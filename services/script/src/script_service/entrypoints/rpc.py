"""The script commands and queries on NATS request/reply: which use case serves which name
of the contract, served by the shared table (videogen_bus.serving). A broken language
model is `unavailable`, with the reason. Doc 003's Manim session commands have a table of
their own (`manim_command_handlers`), merged into the service's by the bootstrap."""

from __future__ import annotations

from videogen_bus.rpc import CommandHandler
from videogen_bus.serving import AnswerQuery, HandleCommand, endpoints
from videogen_contracts.script.commands import COMMANDS
from videogen_contracts.script.manim import MANIM_COMMANDS
from videogen_contracts.script.queries import QUERIES

from script_service.app.generation_start import GenerationStarter
from script_service.app.handlers import ScriptCommandHandler
from script_service.app.manim_session import ManimSessions
from script_service.app.manim_task.handlers import ManimTasks
from script_service.app.studio import StudioScripts

EDITS = (
    "accept_expansion",
    "reorder_sections",
    "reorder_sentences",
    "move_sentence",
    "update_sentence",
    "delete_sentence",
)


def script_commands(
    drafting: ScriptCommandHandler, studio: StudioScripts, starter: GenerationStarter
) -> dict[str, HandleCommand]:
    return {
        "draft_script_from_text": drafting.handle,
        "quick_generate": studio.quick_generate,
        "generate_outline": studio.generate_outline,
        "regenerate_outline_section": studio.regenerate_outline_section,
        "start_generation": starter.start,
        **dict.fromkeys(EDITS, studio.edit),
    }


def script_queries(studio: StudioScripts) -> dict[str, AnswerQuery]:
    return {"get_project_script": studio.project_script, "expand_section": studio.expand_section}


def command_handlers(
    drafting: ScriptCommandHandler, studio: StudioScripts, starter: GenerationStarter
) -> dict[str, CommandHandler]:
    return endpoints(
        {**COMMANDS, **QUERIES}, commands=script_commands(drafting, studio, starter),
        queries=script_queries(studio),
    )


def manim_commands(sessions: ManimSessions, tasks: ManimTasks) -> dict[str, HandleCommand]:
    """Every session command is decided by the one session handler; a task's by the task's."""
    served: dict[str, HandleCommand] = dict.fromkeys(MANIM_COMMANDS, sessions.handle)
    return served | {"manim_start_task": tasks.start, "manim_cancel_task": tasks.cancel}


def manim_command_handlers(sessions: ManimSessions, tasks: ManimTasks) -> dict[str, CommandHandler]:
    return endpoints(MANIM_COMMANDS, commands=manim_commands(sessions, tasks))
