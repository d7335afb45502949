"""The port the script service's Manim workers write through: a plan, the three plans of
each scene, the code of a scene, a fix of code whose render failed, and an edit.

Every call is independent (a worker may write scene 3 in another process than scene 2),
so each one gets everything it needs in its arguments.
"""

from __future__ import annotations

from typing import Protocol

import msgspec
from videogen_contracts.script.manim import SceneImplementation, ScenePlan


class PlanDraft(msgspec.Struct, frozen=True, kw_only=True):
    plan_xml: str
    scenes: list[ScenePlan]
    raw_response: str


class CodeDraft(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    raw_response: str


class ManimWriterError(Exception):
    """The writer cannot answer (a bad format after the re-ask, the vendor down): the job
    fails with `reason`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ManimWriter(Protocol):
    # "offline", or the model that writes ("openai:<model>").
    name: str

    async def plan(
        self, topic: str, description: str, scene_count: int | None, *,
        model: str | None = None, temperature: float = 0.7,
    ) -> PlanDraft: ...

    async def implement(
        self, topic: str, description: str, plan_xml: str, scene: ScenePlan, *,
        model: str | None = None,
    ) -> SceneImplementation: ...

    async def code(
        self, topic: str, description: str, scene_outline: str, implementation: str,
        scene_number: int, *, model: str | None = None,
    ) -> CodeDraft: ...

    async def fix(
        self, topic: str, description: str, code: str, error: str, scene_number: int,
        implementation: str, *, model: str | None = None,
    ) -> CodeDraft: ...

    async def edit(
        self, topic: str, code: str, edit_prompt: str, scene_number: int, *,
        model: str | None = None,
    ) -> CodeDraft: ...


def implementation_text(implementation: SceneImplementation) -> str:
    """The three plans of a scene as one text, the `implementation` of the code step."""
    return "\n\n".join((
        implementation.storyboard, implementation.technical_implementation,
        implementation.animation_narration,
    ))
