"""The conversations the OpenAI-compatible Manim writer sends: the original's formats
(a ```xml `<SCENE_OUTLINE>`, one tagged plan per part of a scene, code in `<CODE>`), in our
own words, and for our renderer: Manim Community 0.22 without LaTeX.
"""

from __future__ import annotations

import msgspec
from openai.types.chat import ChatCompletionSystemMessageParam, ChatCompletionUserMessageParam
from videogen_contracts.script.manim import scene_class_of

from videogen_providers.llm.prompts import Messages
from videogen_providers.manim.formats import NARRATION_TAG, STORYBOARD_TAG, TECHNICAL_TAG

SYSTEM = (
    "You design and write short educational videos with Manim Community Edition 0.22. "
    "LaTeX is not installed: never use Tex, MathTex, BulletedList, Title, DecimalNumber, "
    "Integer, Matrix or axis/number-line numbers; write text with Text or MarkupText and "
    "maths with MathTypst (Typst maths syntax, e.g. MathTypst(\"a^2 + b^2 = c^2\")). No "
    "external files (images, audio, video, fonts). The frame is 14.2 by 8 units centred on "
    "the origin; keep everything at least 0.5 units inside it and 0.3 units apart, placed "
    "relative to other objects (next_to, align_to, shift). Use colours that show on the "
    "default black background. Follow the answer format exactly, tags included."
)
_PLAN_FORMAT = """```xml
<SCENE_OUTLINE>
<SCENE_1>
Scene Title: [2 to 5 words]
Scene Purpose: [what the viewer learns here, and how it follows the scene before]
Scene Description: [what the scene shows and says]
Scene Layout: [where things sit on screen]
</SCENE_1>
<SCENE_2>
...
</SCENE_2>
</SCENE_OUTLINE>
```"""
_CODE_FORMAT = """<CODE>
```python
from manim import *

class {name}(Scene):
    def construct(self):
        ...
```
</CODE>"""


def _conversation(task: str) -> Messages:
    return [
        ChatCompletionSystemMessageParam(role="system", content=SYSTEM),
        ChatCompletionUserMessageParam(role="user", content=task),
    ]


def _video(topic: str, description: str) -> str:
    return f"Topic: {topic}\nDescription: {description or '(none given)'}"


def plan(topic: str, description: str, scene_count: int | None) -> Messages:
    count = f"exactly {scene_count}" if scene_count is not None else "between 3 and 7"
    return _conversation(
        f"{_video(topic, description)}\n\nPlan the video as {count} scenes, numbered from 1, "
        "that build from the basics to the harder ideas, each short (under a minute). No "
        "promotion, no quizzes. Answer with the plan only, in this format:\n" + _PLAN_FORMAT
    )


class SceneAsk(msgspec.Struct, frozen=True, kw_only=True):
    """What every plan of one scene is asked with."""

    topic: str
    description: str
    plan_xml: str
    outline: str
    scene_number: int


def _scene_task(scene: SceneAsk, known: str, task: str, tag: str, skeleton: str) -> Messages:
    return _conversation(
        f"{_video(scene.topic, scene.description)}\n\nThe whole plan:\n{scene.plan_xml}\n\n"
        f"Scene {scene.scene_number}, the one to plan now:\n{scene.outline}\n\n{known}"
        f"{task} Answer in this format:\n```xml\n<{tag}>\n{skeleton}\n</{tag}>\n```"
    )


def storyboard(scene: SceneAsk) -> Messages:
    return _scene_task(
        scene, "", "Write the scene's vision and storyboard: what it teaches, which Manim "
        "objects show it, and the order of the animations with their timings.",
        STORYBOARD_TAG, "[SCENE_VISION]\n...\n[STORYBOARD]\n...",
    )


def technical(scene: SceneAsk, board: str) -> Messages:
    return _scene_task(
        scene, f"Its storyboard:\n{board}\n\n", "Write the technical implementation plan: "
        "each Manim object with its parameters (text, font size, colour), how objects are "
        "grouped and placed, and each animation with its run_time.", TECHNICAL_TAG, "...",
    )


def narration(scene: SceneAsk, board: str, tech: str) -> Messages:
    return _scene_task(
        scene, f"Its storyboard:\n{board}\n\nIts technical plan:\n{tech}\n\n",
        "Write the animation and narration plan: when each animation happens, and the words "
        "the narrator says (plain sentences, no stage directions), under [NARRATION].",
        NARRATION_TAG, "[ANIMATION_STRATEGY]\n...\n[NARRATION]\n...",
    )


def _code_task(known: str, n: int, task: str) -> Messages:
    name = scene_class_of(n)
    return _conversation(
        f"{known}\n\n{task} Answer with the whole code of {name} only, in this format:\n"
        + _CODE_FORMAT.format(name=name)
    )


def code(topic: str, description: str, outline: str, implementation: str, n: int) -> Messages:
    return _code_task(
        f"{_video(topic, description)}\n\nScene {n}:\n{outline}\n\nIts implementation "
        f"plan:\n{implementation}", n,
        f"Write the complete Manim code of this scene as one class {scene_class_of(n)}(Scene).",
    )


def fix(
    topic: str, description: str, broken: str, error: str, n: int, implementation: str
) -> Messages:
    return _code_task(
        f"{_video(topic, description)}\n\nThe implementation plan of scene {n}:\n"
        f"{implementation}\n\nThis code of the scene failed to render:\n```python\n{broken}\n"
        f"```\n\nThe error:\n{error}", n,
        "Correct the code: fix what caused the error and keep everything else.",
    )


def edit(topic: str, current: str, request: str, n: int) -> Messages:
    return _code_task(
        f"Topic: {topic}\n\nThe code of scene {n}:\n```python\n{current}\n```", n,
        f"Change the scene as asked: {request}\nKeep what the request does not touch.",
    )


FORMAT_REASK = "Answer again, in exactly the format asked for."
