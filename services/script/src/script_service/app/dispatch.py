"""One entry for every script command and query: which use case handles which type."""

from __future__ import annotations

import msgspec
from videogen_contracts.replies import CommandAccepted
from videogen_contracts.script.commands import (
    AcceptExpansion,
    DeleteSentence,
    DraftScriptFromText,
    GenerateOutline,
    MoveSentence,
    QuickGenerate,
    RegenerateOutlineSection,
    ReorderSections,
    ReorderSentences,
    StartGeneration,
    UpdateSentence,
)
from videogen_contracts.script.queries import ExpandSection, GetProjectScript

from script_service.app.generation_start import GenerationStarter
from script_service.app.handlers import ScriptCommandHandler
from script_service.app.studio import StudioApp

EDITS = (
    AcceptExpansion,
    ReorderSections,
    ReorderSentences,
    MoveSentence,
    UpdateSentence,
    DeleteSentence,
)


class UnknownRequest(Exception):
    """A Struct that is no command or query of this service (a wiring bug)."""


class ScriptApp:
    def __init__(
        self, drafting: ScriptCommandHandler, studio: StudioApp, starter: GenerationStarter
    ) -> None:
        self.drafting = drafting
        self.studio = studio
        self.starter = starter

    async def handle(
        self, command: msgspec.Struct, *, correlation_id: str, causation_id: str | None
    ) -> CommandAccepted:
        """Apply a command; domain errors (NotFound, Conflict, Invalid...) propagate."""
        ids = (correlation_id, causation_id)
        if isinstance(command, DraftScriptFromText):
            return await self.drafting.handle(
                command, correlation_id=correlation_id, causation_id=causation_id
            )
        if isinstance(command, EDITS):
            return await self.studio.edit(command, *ids)
        if isinstance(command, QuickGenerate):
            return await self.studio.quick_generate(command, *ids)
        if isinstance(command, GenerateOutline):
            return await self.studio.generate_outline(command, *ids)
        if isinstance(command, RegenerateOutlineSection):
            return await self.studio.regenerate_outline_section(command, *ids)
        if isinstance(command, StartGeneration):
            return await self.starter.start(command, *ids)
        raise UnknownRequest(type(command).__name__)

    async def answer(self, query: msgspec.Struct) -> msgspec.Struct:
        """Answer a query (nothing changes); domain errors propagate."""
        if isinstance(query, ExpandSection):
            return await self.studio.expand_section(query)
        if isinstance(query, GetProjectScript):
            return await self.studio.project_script(query)
        raise UnknownRequest(type(query).__name__)
