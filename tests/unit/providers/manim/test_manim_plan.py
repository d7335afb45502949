"""The plan's XML: read strictly, written back the same, with errors a client can act on."""

from __future__ import annotations

import pytest
from videogen_contracts.script.manim import MAX_SCENES, ScenePlan
from videogen_text.manim_plan import (
    format_scene_outline,
    parse_scene_outline,
    scene_outline_of,
)

PLAN = """Here is the plan.
```xml
<SCENE_OUTLINE>
    <SCENE_1>
    Scene Title: What Is a Vector
    Scene Purpose: Meet the arrow that has a size and a direction.
    Scene Description: An arrow grows from the origin.
    Its length and angle are labelled.
    Scene Layout: Axes centred; labels to the right.
    </SCENE_1>

    <SCENE_2>
    **Scene Title:** Adding Vectors
    **Scene Purpose:** Tip to tail.
    **Scene Description:** The second arrow moves to the tip of the first.
    **Scene Layout:** Two arrows, the sum dashed.
    </SCENE_2>
</SCENE_OUTLINE>
```"""


def test_a_plan_is_read_scene_by_scene_with_values_over_several_lines() -> None:
    first, second = parse_scene_outline(PLAN)

    assert first == ScenePlan(
        scene_number=1, title="What Is a Vector",
        purpose="Meet the arrow that has a size and a direction.",
        description="An arrow grows from the origin. Its length and angle are labelled.",
        layout="Axes centred; labels to the right.",
    )
    assert second.title == "Adding Vectors"
    assert second.description == "The second arrow moves to the tip of the first."


def test_a_formatted_plan_reads_back_the_same() -> None:
    scenes = parse_scene_outline(PLAN)

    assert parse_scene_outline(format_scene_outline(scenes)) == scenes


def test_one_scene_outline_is_the_text_of_that_scene() -> None:
    scenes = parse_scene_outline(PLAN)

    outline = scene_outline_of(scenes, 2)

    assert outline.startswith("<SCENE_2>\nScene Title: Adding Vectors\n")
    assert outline.endswith("</SCENE_2>")
    with pytest.raises(ValueError, match="no scene 3"):
        scene_outline_of(scenes, 3)


@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        ("Scene 1: intro", "no <SCENE_OUTLINE>"),
        ("<SCENE_OUTLINE></SCENE_OUTLINE>", "no <SCENE_1>"),
        (
            "<SCENE_OUTLINE><SCENE_1>Scene Title: A\nScene Description: d</SCENE_1>"
            "<SCENE_2>Scene Purpose: p\nScene Description: d</SCENE_2></SCENE_OUTLINE>",
            "scene 2 has no title",
        ),
        (
            "<SCENE_OUTLINE><SCENE_1>Scene Title: A</SCENE_1></SCENE_OUTLINE>",
            "scene 1 has no description",
        ),
        (
            "<SCENE_OUTLINE><SCENE_1>Scene Title: A\nScene Description: d</SCENE_1>"
            "<SCENE_3>Scene Title: C\nScene Description: d</SCENE_3></SCENE_OUTLINE>",
            "scenes must be numbered 1..n",
        ),
    ],
)
def test_a_bad_plan_is_refused_with_the_reason(xml: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_scene_outline(xml)


def test_a_plan_of_too_many_scenes_is_refused() -> None:
    scenes = [
        ScenePlan(scene_number=n, title=f"T{n}", purpose="", description="d", layout="")
        for n in range(1, MAX_SCENES + 2)
    ]

    with pytest.raises(ValueError, match=f"at most {MAX_SCENES}"):
        parse_scene_outline(format_scene_outline(scenes))
