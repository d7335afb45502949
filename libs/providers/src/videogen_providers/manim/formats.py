"""The formats a model must answer in, read strictly: each failure says what was wrong, in
words the model gets back with the re-ask.

- a plan: `<SCENE_OUTLINE>` (in a ```xml fence; the tags are what is checked),
- each of a scene's three plans: its own tag, the narration plan with a `[NARRATION]` part,
- code: `<CODE>` holding one ```python fence, which must parse, define `Scene{n}` and use
  none of the classes that need LaTeX (not installed: text is Text/MarkupText, maths is
  MathTypst).
"""

from __future__ import annotations

import ast
import re

from videogen_contracts.script.manim import ScenePlan, scene_class_of
from videogen_text.manim_plan import parse_scene_outline

STORYBOARD_TAG = "SCENE_VISION_STORYBOARD_PLAN"
TECHNICAL_TAG = "SCENE_TECHNICAL_IMPLEMENTATION_PLAN"
NARRATION_TAG = "SCENE_ANIMATION_NARRATION_PLAN"
_CODE = re.compile(r"<CODE>\s*```(?:python|py)?[ \t]*\n(.*?)```\s*</CODE>", re.DOTALL)
_NARRATION = re.compile(r"\[NARRATION\]\s*(.*)", re.DOTALL)
# Manim classes that typeset with LaTeX, which is not installed.
LATEX_CLASSES = frozenset({
    "Tex", "MathTex", "SingleStringMathTex", "BulletedList", "Title", "MathTable",
    "DecimalNumber", "Integer", "Variable", "Matrix", "IntegerMatrix", "DecimalMatrix",
})


class BadFormat(ValueError):
    """The answer is not in the format asked for; the message goes back to the model."""


def read_plan(content: str, scene_count: int | None) -> list[ScenePlan]:
    try:
        scenes = parse_scene_outline(content)
    except ValueError as error:
        raise BadFormat(str(error)) from error
    if scene_count is not None and len(scenes) != scene_count:
        raise BadFormat(f"the plan has {len(scenes)} scenes; exactly {scene_count} were asked for")
    return scenes


def read_tagged(content: str, tag: str) -> str:
    """`<TAG>…</TAG>`, tags included (as the original keeps them)."""
    found = re.search(rf"<{tag}>(.*?)</{tag}>", content, re.DOTALL)
    if found is None or not found.group(1).strip():
        raise BadFormat(f"no <{tag}>…</{tag}> block with content in the reply")
    return found.group(0).strip()


def read_narration(plan: str) -> str:
    """The words spoken in the scene: the `[NARRATION]` part of the narration plan."""
    inner = plan.removeprefix(f"<{NARRATION_TAG}>").removesuffix(f"</{NARRATION_TAG}>")
    found = _NARRATION.search(inner)
    if found is None or not found.group(1).strip():
        raise BadFormat(f"the <{NARRATION_TAG}> has no [NARRATION] part with the spoken words")
    return " ".join(found.group(1).split())


def read_code(content: str, scene_number: int) -> str:
    found = _CODE.search(content)
    if found is None:
        raise BadFormat("no <CODE> block holding one ```python fence in the reply")
    code = found.group(1).strip() + "\n"
    try:
        tree = ast.parse(code)
    except SyntaxError as error:
        problem = f"the code is not valid Python: {error.msg} (line {error.lineno})"
        raise BadFormat(problem) from error
    name = scene_class_of(scene_number)
    if not any(isinstance(node, ast.ClassDef) and node.name == name for node in tree.body):
        raise BadFormat(f"the code defines no class {name}")
    used = sorted({
        node.func.id for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        and node.func.id in LATEX_CLASSES
    })
    if used:
        raise BadFormat(
            f"the code uses {', '.join(used)}, which need LaTeX, and LaTeX is not installed: "
            "use Text or MarkupText for text and MathTypst for maths"
        )
    return code
