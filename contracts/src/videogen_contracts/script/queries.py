"""Script queries: request/reply on `ns.command_subject("script", name)` that change nothing.

A query carries no `command_id` or `now` (there is nothing to deduplicate or to date).
The reply is `videogen_contracts.replies.QueryAnswered` whose `answer` is the JSON of the
query's answer Struct below, or `CommandRejected` (`not_found` when there is nothing to
answer about).
"""

from __future__ import annotations

from uuid import UUID

import msgspec

from videogen_contracts.script.events import LLMUsage, ScriptSection


class GetProjectScript(msgspec.Struct, frozen=True, kw_only=True):
    """The current script of a studio project, as edited so far."""

    project_id: UUID


class ProjectScript(msgspec.Struct, frozen=True, kw_only=True):
    """The answer to `GetProjectScript`: sections and their sentences, each in order."""

    project_id: UUID
    script_id: UUID
    # The script stream's version the answer was read at.
    version: int
    sections: list[ScriptSection]


class ExpandSection(msgspec.Struct, frozen=True, kw_only=True):
    """Suggest sentences to add to a section of a studio project's script; stores nothing.

    The script service calls its writer (an LLM, or the offline writer) while the caller
    waits: allow tens of seconds with a real model.
    """

    project_id: UUID
    section_id: UUID
    count: int = 3
    # The project stream version the sender has seen; the brief used has caught up to it.
    project_version: int = 0


class ExpansionSuggestions(msgspec.Struct, frozen=True, kw_only=True):
    """The answer to `ExpandSection`; `accept_expansion` inserts the ones a user keeps."""

    section_id: UUID
    sentences: list[str]
    # "offline" or "openai:<model>".
    provider_label: str
    usage: LLMUsage | None = None


QUERIES: dict[str, type[msgspec.Struct]] = {
    "get_project_script": GetProjectScript, "expand_section": ExpandSection,
}

ANSWERS: dict[str, type[msgspec.Struct]] = {
    "get_project_script": ProjectScript, "expand_section": ExpansionSuggestions,
}
