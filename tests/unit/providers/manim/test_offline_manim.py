"""The offline Manim writer: deterministic, varied scenes from the plan's words, fixes that
are template code, and edits that work on any code. (Rendering is tested in
tests/integration/manim/test_templates_render.py.)"""

from __future__ import annotations

import ast

import pytest
from videogen_contracts.script.manim import ScenePlan
from videogen_providers.manim.edits import style_of
from videogen_providers.manim.formats import LATEX_CLASSES
from videogen_providers.manim.offline import OfflineManimWriter
from videogen_providers.manim.scene_text import TEMPLATES, read_scene
from videogen_providers.manim.writer import implementation_text
from videogen_text.manim_plan import parse_scene_outline, scene_outline_of

TOPIC = "Explain machine learning basics"


def classes_and_calls(code: str) -> tuple[list[str], set[str]]:
    tree = ast.parse(code)
    classes = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
    calls = {
        node.func.id for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    return classes, calls


async def written_scenes(topic: str, count: int | None) -> list[tuple[ScenePlan, str, str]]:
    """(scene, its implementation text, its code) for every scene of a plan."""
    writer = OfflineManimWriter()
    plan = await writer.plan(topic, "", count)
    out = []
    for scene in plan.scenes:
        implementation = await writer.implement(topic, "", plan.plan_xml, scene)
        text = implementation_text(implementation)
        outline = scene_outline_of(plan.scenes, scene.scene_number)
        draft = await writer.code(topic, "", outline, text, scene.scene_number)
        out.append((scene, text, draft.code))
    return out


async def test_a_plan_reads_back_and_has_three_to_five_scenes_unless_asked() -> None:
    writer = OfflineManimWriter()

    chosen = await writer.plan(TOPIC, "", None)
    asked = await writer.plan(TOPIC, "", 7)

    assert 3 <= len(chosen.scenes) <= 5
    assert parse_scene_outline(chosen.plan_xml) == chosen.scenes
    assert [s.scene_number for s in asked.scenes] == list(range(1, 8))
    assert len({s.title for s in asked.scenes}) == 7
    assert chosen == await writer.plan(TOPIC, "", None)  # deterministic
    assert "machine learning basics" in chosen.plan_xml.lower()
    assert "explain machine" not in chosen.plan_xml.lower()


@pytest.mark.parametrize(("asked", "made"), [(20, 20), (1, 1), (0, 1), (99, 20)])
async def test_a_plan_has_the_scenes_asked_for_within_the_limits(asked: int, made: int) -> None:
    plan = await OfflineManimWriter().plan(TOPIC, "", asked)

    assert parse_scene_outline(plan.plan_xml) == plan.scenes
    assert len(plan.scenes) == made
    assert len({s.title for s in plan.scenes}) == made


async def test_the_scenes_of_one_prompt_use_different_templates_and_code() -> None:
    scenes = await written_scenes(TOPIC, 5)

    templates = [read_scene(TOPIC, s.scene_number, text).template for s, text, _ in scenes]
    assert len(set(templates)) == 5
    assert len({code for _, _, code in scenes}) == 5
    for scene, _, code in scenes:
        classes, calls = classes_and_calls(code)
        assert classes == [f"Scene{scene.scene_number}"]
        assert not calls & LATEX_CLASSES


async def test_every_template_is_reachable_and_latex_free() -> None:
    scenes = await written_scenes("How vaccines train the immune system", 9)

    templates = {read_scene("x", s.scene_number, text).template for s, text, _ in scenes}
    assert templates == set(TEMPLATES)
    assert all(not classes_and_calls(code)[1] & LATEX_CLASSES for _, _, code in scenes)


async def test_an_implementation_narrates_one_to_three_plain_sentences_of_the_scene() -> None:
    writer = OfflineManimWriter()
    plan = await writer.plan(TOPIC, "", 3)

    implementation = await writer.implement(TOPIC, "", plan.plan_xml, plan.scenes[1])

    assert implementation.scene_number == 2
    assert implementation.narration.startswith(plan.scenes[1].title)
    assert 1 <= implementation.narration.count(".") <= 3
    assert "<" not in implementation.narration
    assert "[" not in implementation.narration
    assert "<SCENE_VISION_STORYBOARD_PLAN>" in implementation.storyboard
    assert "<SCENE_TECHNICAL_IMPLEMENTATION_PLAN>" in implementation.technical_implementation
    assert "[NARRATION]" in implementation.animation_narration


@pytest.mark.parametrize(
    ("words", "template"),
    [
        ("Plot the loss curve as training goes on", "function graph"),
        ("Compare the numbers of each class", "bar chart"),
        ("Write the equation behind it", "formula"),
        ("A square turns into a circle: transform one into the other", "shape transform"),
        ("The process flows through three steps", "labelled diagram"),
    ],
)
def test_the_template_follows_the_scenes_words(words: str, template: str) -> None:
    outline = f"Scene Title: Part two\nScene Description: {words}."

    assert read_scene(TOPIC, 2, outline).template == template


async def test_a_fix_is_the_template_code_of_the_scene() -> None:
    writer = OfflineManimWriter()
    [_, (scene, text, code), _] = await written_scenes(TOPIC, 3)

    fixed = await writer.fix(TOPIC, "", "broken(", "SyntaxError", scene.scene_number, text)

    assert fixed.code == code


async def test_an_edit_appends_a_block_that_redeclares_the_scene_and_stacks() -> None:
    writer = OfflineManimWriter()
    foreign = "from manim import *\n\nclass Scene2(Scene):\n    def construct(self):\n" \
              "        self.play(Create(Circle()))\n"

    once = await writer.edit(TOPIC, foreign, "make it more colorful", 2)
    twice = await writer.edit(TOPIC, once.code, "slower, please", 2)

    assert once.code.startswith(foreign.rstrip())
    assert classes_and_calls(once.code)[0] == ["Scene2", "Scene2"]
    assert classes_and_calls(twice.code)[0] == ["Scene2", "Scene2", "Scene2"]
    assert "_Scene2BeforeEdit1 = Scene2" in twice.code
    assert "_Scene2BeforeEdit2 = Scene2" in twice.code
    assert "PALETTE = " in once.code


@pytest.mark.parametrize(
    ("prompt", "field", "value"),
    [
        ("Make it more colorful and engaging", "border", True),
        ("make it red", "background", "#2B0A0A"),
        ("darker please", "overlay", ("#000000", 0.4)),
        ("slower", "pace", 1.4),
        ("a bit faster", "pace", 0.7),
        ("make the shapes bigger", "zoom", 1.3),
    ],
)
def test_an_edit_prompt_picks_its_style(prompt: str, field: str, value: object) -> None:
    assert getattr(style_of(prompt), field) == value


def test_an_unknown_edit_prompt_still_restyles() -> None:
    style = style_of("add more energy to it")

    assert style.palette is not None
    assert style.border
