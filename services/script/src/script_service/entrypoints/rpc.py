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


# The ManimTask's commands, served by its own handler once it is wired (until then they are
# left out of the table, which serves every other name of MANIM_COMMANDS).
MANIM_TASK_COMMANDS = ("manim_start_task", "manim_cancel_task")


def manim_commands(sessions: ManimSessions) -> dict[str, HandleCommand]:
    """Every session command is decided by the one session handler."""
    return {name: sessions.handle for name in MANIM_COMMANDS if name not in MANIM_TASK_COMMANDS}


def manim_command_handlers(sessions: ManimSessions) -> dict[str, CommandHandler]:
    served = manim_commands(sessions)
    return endpoints({name: MANIM_COMMANDS[name] for name in served}, commands=served)
