"""Which event unions each service publishes: the one list schema generation and golden
tests walk. A new service (or aggregate) adds one line to `EVENT_UNIONS`."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import msgspec

from videogen_contracts.export.events import RenderEvent
from videogen_contracts.export.exports import ExportEvent
from videogen_contracts.media.ai_edits import AiEditEvent
from videogen_contracts.media.editing import AssetEvent, TimelineEvent
from videogen_contracts.media.events import MediaEvent
from videogen_contracts.project.api_keys import ApiKeyEvent
from videogen_contracts.project.events import ProjectEvent
from videogen_contracts.project.production import ProductionEvent
from videogen_contracts.project.settings import SettingsEvent
from videogen_contracts.script.events import ScriptEvent
from videogen_contracts.script.generation import GenerationEvent
from videogen_contracts.script.manim import ManimSessionEvent, ManimTaskEvent
from videogen_contracts.script.outline import OutlineEvent

# service → the tagged unions of its aggregates (tag_field="type").
EVENT_UNIONS: dict[str, tuple[Any, ...]] = {
    "project": (ProjectEvent, ProductionEvent, SettingsEvent, ApiKeyEvent),
    "script": (ScriptEvent, OutlineEvent, GenerationEvent, ManimSessionEvent, ManimTaskEvent),
    "media": (MediaEvent, AssetEvent, TimelineEvent, AiEditEvent),
    "export": (RenderEvent, ExportEvent),
}


@dataclass(frozen=True, slots=True)
class EventKind:
    service: str
    union: Any
    struct: type[msgspec.Struct]

    @property
    def type_name(self) -> str:
        """The tag stored in the envelope's `type` (the class name)."""
        return str(self.struct.__struct_config__.tag)

    @property
    def schema_version(self) -> int:
        return int(getattr(self.struct, "schema_version", 1))

    @property
    def file_name(self) -> str:
        return f"{self.type_name}.v{self.schema_version}.json"


def event_kinds() -> Iterator[EventKind]:
    """Every event type of every service, in registry order."""
    for service, unions in EVENT_UNIONS.items():
        for union in unions:
            # A union of one event (a young aggregate) is the Struct itself, without args.
            for struct in typing.get_args(union) or (union,):
                yield EventKind(service, union, struct)
