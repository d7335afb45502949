"""The OpenAI-compatible Manim writer against a local fake chat API (never the internet):
the original's formats read strictly, one re-ask on a bad format, and the fix loop proven
with real renders: broken code first, then the fix the error was sent back for."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from videogen_contracts.script.manim import ScenePlan
from videogen_providers.llm.openai_writer import OpenAISettings
from videogen_providers.llm.retry import RetryPolicy
from videogen_providers.manim.openai_manim import OpenAIManimWriter
from videogen_providers.manim.writer import ManimWriterError

from tests.integration.providers_llm.fake_openai import FakeOpenAI, Reply, error, serve

from .plain_render import render_plain

PLAN = """```xml
<SCENE_OUTLINE>
<SCENE_1>
Scene Title: Meet the Circle
Scene Purpose: See what a circle is.
Scene Description: A circle is drawn around its centre.
Scene Layout: The circle in the middle.
</SCENE_1>
<SCENE_2>
Scene Title: Its Area
Scene Purpose: Find the area.
Scene Description: The formula appears beside the circle.
Scene Layout: Circle left, formula right.
</SCENE_2>
</SCENE_OUTLINE>
```"""
SCENE = ScenePlan(
    scene_number=1, title="Meet the Circle", purpose="See what a circle is.",
    description="A circle is drawn around its centre.", layout="The circle in the middle.",
)
BROKEN = """<CODE>
```python
from manim import *

class Scene1(Scene):
    def construct(self):
        circle = Circle(color=BLUE)
        self.play(Create(circle), run_time=0.5)
        self.play(Write(undefined_label), run_time=0.5)
```
</CODE>"""
GOOD = """The label was never defined; here it is.
<CODE>
```python
from manim import *

class Scene1(Scene):
    def construct(self):
        circle = Circle(color=BLUE)
        label = Text("a circle", font_size=32).next_to(circle, DOWN)
        self.play(Create(circle), run_time=0.5)
        self.play(Write(label), run_time=0.5)
```
</CODE>"""


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    yield from serve()


@pytest.fixture
async def writer(fake: FakeOpenAI) -> AsyncIterator[OpenAIManimWriter]:
    writer = OpenAIManimWriter(OpenAISettings(
        base_url=fake.url, api_key="sk-test", model="configured-model", timeout=5.0,
        retry=RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=1.0),
    ))
    yield writer
    await writer.aclose()


def text(content: str) -> Reply:
    return Reply(content=content)


async def test_a_malformed_plan_is_asked_for_again_with_what_was_wrong(
    fake: FakeOpenAI, writer: OpenAIManimWriter
) -> None:
    fake.script(text("Scene 1: circles. Scene 2: areas."), text(PLAN))

    draft = await writer.plan("Circles", "for children", 2, model="planner-x", temperature=0.3)

    assert [s.title for s in draft.scenes] == ["Meet the Circle", "Its Area"]
    assert draft.plan_xml.startswith("<SCENE_OUTLINE>")
    assert draft.raw_response == PLAN
    first, second = fake.seen
    assert "response_format" not in first.body
    assert first.body["model"] == "planner-x"
    assert first.body["temperature"] == 0.3
    assert "<SCENE_OUTLINE>" in first.messages_text
    assert "exactly 2 scenes" in first.messages_text
    assert "was not valid: no <SCENE_OUTLINE>" in second.messages_text
    assert writer.name == "openai:configured-model"


async def test_two_bad_plans_fail_the_job_with_the_reason(
    fake: FakeOpenAI, writer: OpenAIManimWriter
) -> None:
    fake.script(text(PLAN), text(PLAN))

    with pytest.raises(ManimWriterError, match="2 scenes; exactly 3 were asked for"):
        await writer.plan("Circles", "", 3)


async def test_an_implementation_is_three_tagged_plans_each_fed_into_the_next(
    fake: FakeOpenAI, writer: OpenAIManimWriter
) -> None:
    board = "<SCENE_VISION_STORYBOARD_PLAN>\n[STORYBOARD]\nDraw the circle.\n" \
            "</SCENE_VISION_STORYBOARD_PLAN>"
    tech = "<SCENE_TECHNICAL_IMPLEMENTATION_PLAN>\nCircle(color=BLUE)\n" \
           "</SCENE_TECHNICAL_IMPLEMENTATION_PLAN>"
    narration = "<SCENE_ANIMATION_NARRATION_PLAN>\n[ANIMATION_STRATEGY]\nCreate it.\n" \
                "[NARRATION]\nThis is a circle.\nEvery point is as far from the centre.\n" \
                "</SCENE_ANIMATION_NARRATION_PLAN>"
    fake.script(text(f"```xml\n{board}\n```"), text(tech), text("no tags here"), text(narration))

    implementation = await writer.implement("Circles", "", PLAN, SCENE)

    assert implementation.storyboard == board
    assert implementation.technical_implementation == tech
    assert implementation.animation_narration == narration
    assert implementation.narration == "This is a circle. Every point is as far from the centre."
    asked_board, asked_tech, asked_narration, reasked = fake.seen
    assert "Scene Title: Meet the Circle" in asked_board.messages_text
    assert "Draw the circle." in asked_tech.messages_text
    assert "Circle(color=BLUE)" in asked_narration.messages_text
    assert "no <SCENE_ANIMATION_NARRATION_PLAN>" in reasked.messages_text


async def test_broken_code_fails_to_render_and_the_fix_for_its_error_renders(
    fake: FakeOpenAI, writer: OpenAIManimWriter, tmp_path: Path
) -> None:
    fake.script(text(BROKEN), text(GOOD))

    first = await writer.code("Circles", "", "<SCENE_1>…</SCENE_1>", "Draw a circle.", 1)
    failed = await render_plain(first.code, "Scene1", tmp_path / "v1")
    assert failed.returncode != 0
    assert "NameError" in failed.log
    error_tail = failed.log[-2000:]
    fixed = await writer.fix("Circles", "", first.code, error_tail, 1, "Draw a circle.")
    video = await render_plain(fixed.code, "Scene1", tmp_path / "v2")

    assert video.returncode == 0, video.log[-2000:]
    assert video.duration_s >= 0.9
    assert fixed.raw_response == GOOD
    fix_request = fake.seen[1]
    assert "undefined_label" in fix_request.messages_text
    assert "NameError" in fix_request.messages_text


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        ("```python\nfrom manim import *\n```", "no <CODE> block"),
        ("<CODE>\n```python\nclass Scene1(Scene:\n```\n</CODE>", "not valid Python"),
        ("<CODE>\n```python\nclass Scene2(Scene):\n    pass\n```\n</CODE>", "no class Scene1"),
        (
            "<CODE>\n```python\nclass Scene1(Scene):\n    def construct(self):\n"
            "        self.add(MathTex('x^2'))\n```\n</CODE>",
            "MathTex, which need LaTeX",
        ),
    ],
)
async def test_code_in_a_bad_format_is_asked_for_again(
    fake: FakeOpenAI, writer: OpenAIManimWriter, bad: str, problem: str
) -> None:
    fake.script(text(bad), text(GOOD))

    draft = await writer.edit("Circles", "old code", "label the circle", 1)

    assert "label = Text(" in draft.code
    assert problem in fake.seen[1].messages_text
    assert "label the circle" in fake.seen[0].messages_text


async def test_a_vendor_that_keeps_failing_fails_the_job_with_the_reason(
    fake: FakeOpenAI, writer: OpenAIManimWriter
) -> None:
    fake.script(error(503), error(503))

    with pytest.raises(ManimWriterError, match="HTTP 503"):
        await writer.code("Circles", "", "outline", "plan", 1)
    assert len(fake.seen) == 2
