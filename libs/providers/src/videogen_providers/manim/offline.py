"""The default Manim writer: no network, deterministic, labelled "offline".

Plans follow an arc of templates over the topic (offline_plan.py); code is a template
filled with the scene's text (templates.py); a fix is the scene's template code again,
which always renders; an edit appends a restyling block to whatever code it is given
(edits.py).
"""

from __future__ import annotations

from videogen_contracts.script.manim import SceneImplementation, ScenePlan
from videogen_text.manim_plan import format_scene_outline, scene_outline_of

from videogen_providers.manim.edits import edited_code
from videogen_providers.manim.offline_plan import offline_implementation, offline_scenes
from videogen_providers.manim.scene_text import read_scene
from videogen_providers.manim.templates import scene_code
from videogen_providers.manim.writer import CodeDraft, PlanDraft

OFFLINE = "offline"


class OfflineManimWriter:
    name = OFFLINE

    async def plan(
        self, topic: str, description: str, scene_count: int | None, *,
        model: str | None = None, temperature: float = 0.7,
    ) -> PlanDraft:
        scenes = offline_scenes(topic, description, scene_count)
        plan_xml = format_scene_outline(scenes)
        return PlanDraft(plan_xml=plan_xml, scenes=scenes, raw_response=plan_xml)

    async def implement(
        self, topic: str, description: str, plan_xml: str, scene: ScenePlan, *,
        model: str | None = None,
    ) -> SceneImplementation:
        outline = scene_outline_of([scene], scene.scene_number)
        template = read_scene(topic, scene.scene_number, outline).template
        return offline_implementation(topic, scene, template)

    async def code(
        self, topic: str, description: str, scene_outline: str, implementation: str,
        scene_number: int, *, model: str | None = None,
    ) -> CodeDraft:
        return _drafted(scene_code(read_scene(topic, scene_number, scene_outline, implementation)))

    async def fix(
        self, topic: str, description: str, code: str, error: str, scene_number: int,
        implementation: str, *, model: str | None = None,
    ) -> CodeDraft:
        # The template code of the scene is known to render, whatever broke the last one.
        return await self.code(topic, description, "", implementation, scene_number)

    async def edit(
        self, topic: str, code: str, edit_prompt: str, scene_number: int, *,
        model: str | None = None,
    ) -> CodeDraft:
        return _drafted(edited_code(code, edit_prompt, scene_number))


def _drafted(code: str) -> CodeDraft:
    return CodeDraft(code=code, raw_response=code)
