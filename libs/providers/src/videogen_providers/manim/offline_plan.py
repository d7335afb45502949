"""The offline writer's plans: an arc of scenes over the topic, each naming the template it
is drawn with, and the three per-scene plans in the original's tags.

An arc goes from an opening title card through a diagram and a graph to a formula and a
recap; longer plans add the other templates in the middle. So the scenes of one prompt
always differ, and each scene's words lead `scene_text.read_scene` to its template.
"""

from __future__ import annotations

from videogen_contracts.script.manim import (
    MAX_SCENES,
    MIN_SCENES,
    SceneImplementation,
    ScenePlan,
)

from videogen_providers.llm.prose import seeded
from videogen_providers.manim.scene_text import subject_of

# (template, title, purpose, description, layout); {s} is the subject, {S} capitalised.
_ARC = {
    "title card": (
        "{S}", "Introduce {s} and what this video covers",
        "Open with the name of the topic. Ask what {s} is and why it matters",
        "A title card: a large centred title, a rule beneath it, one line of subtitle",
    ),
    "labelled diagram": (
        "How It Fits Together", "Show the parts of {s} and how one leads to the next",
        "Show {s} as three connected parts: {a}, {b} and {c}. Each arrow shows what flows on",
        "A labelled diagram: three boxes in a row joined by arrows, a caption below",
    ),
    "function graph": (
        "Seeing the Pattern", "Turn {s} into a curve we can read",
        "Plot how one quantity of {s} changes with another. A dot follows the curve",
        "A function graph on axes under the title, the curve's meaning below it",
    ),
    "formula": (
        "The Key Formula", "Sum up {s} in one short rule",
        "Write the rule behind {s}. Frame it and say in words what it means",
        "A formula in the centre, framed, with its meaning in words below",
    ),
    "bullet reveal": (
        "Recap", "Gather the key points of {s}",
        "{S} has parts that work together. A pattern shows how it behaves. "
        "One rule sums it up",
        "Bullet points revealed one by one under the title",
    ),
    "bar chart": (
        "By the Numbers", "Compare the parts of {s} side by side",
        "Compare {a}, {b} and {c} with the values {n1}, {n2} and {n3}",
        "A bar chart: bars rising from a base line, names below, values on top",
    ),
    "number line": (
        "Where It Sits", "Place the values of {s} on a scale",
        "Mark {n1} and {n2} on a number line from 0 to 10. A pointer moves between them",
        "A number line across the frame, dots on it, a pointer above",
    ),
    "table": (
        "Side by Side", "Lay out what each part of {s} means",
        "{a} brings the material. {b} does the work. {c} is what we get",
        "A table of two columns, part and meaning, under the title",
    ),
    "shape transform": (
        "From One Form to Another", "Show how {s} turns one thing into another",
        "Start from {a} and transform it into {c}. The change is the point",
        "A shape transform: a square on the left becomes another shape on the right",
    ),
}
_CORE = ("title card", "labelled diagram", "function graph", "formula", "bullet reveal")
_MIDDLE = ("bar chart", "number line", "table", "shape transform")
_PARTS = (("Data", "Model", "Prediction"), ("Input", "Process", "Output"),
          ("Question", "Evidence", "Answer"), ("Cause", "Mechanism", "Effect"))


def arc_templates(count: int) -> list[str]:
    """The templates of a plan of `count` scenes: the core arc, longer ones padded inside."""
    if count <= len(_CORE):
        return list(_CORE[:count])
    middle = [_MIDDLE[i % len(_MIDDLE)] for i in range(count - len(_CORE))]
    return [*_CORE[:3], *middle, *_CORE[3:]]


def offline_scenes(topic: str, description: str, scene_count: int | None) -> list[ScenePlan]:
    rng = seeded("manim-plan", topic, description)
    count = scene_count if scene_count is not None else rng.randint(3, 5)
    count = min(MAX_SCENES, max(MIN_SCENES, count))
    subject = subject_of(topic)
    a, b, c = _PARTS[rng.randrange(len(_PARTS))]
    numbers = [rng.randint(2, 9) for _ in range(3)]
    fill: dict[str, object] = {
        "s": subject, "S": subject[:1].upper() + subject[1:], "a": a, "b": b, "c": c,
        "n1": numbers[0], "n2": numbers[1], "n3": numbers[2],
    }
    scenes: list[ScenePlan] = []
    for number, template in enumerate(arc_templates(count), start=1):
        title, purpose, desc, layout = (part.format(**fill) for part in _ARC[template])
        repeat = len([s for s in scenes if s.title.startswith(title)])
        scenes.append(ScenePlan(
            scene_number=number, title=f"{title} ({repeat + 1})" if repeat else title,
            purpose=purpose + ".", description=desc + ".", layout=layout + ".",
        ))
    return scenes


def offline_implementation(topic: str, scene: ScenePlan, template: str) -> SceneImplementation:
    narration = narration_of(scene)
    storyboard = (
        "<SCENE_VISION_STORYBOARD_PLAN>\n[SCENE_VISION]\n"
        f"Scene Title: {scene.title}\nScene Purpose: {scene.purpose}\n"
        f"Scene Description: {scene.description}\n[STORYBOARD]\n"
        f"1. The title {scene.title!r} is written at the top.\n"
        f"2. {scene.layout}\n3. A short pause holds the last frame.\n"
        "</SCENE_VISION_STORYBOARD_PLAN>"
    )
    technical = (
        "<SCENE_TECHNICAL_IMPLEMENTATION_PLAN>\n"
        f"Template: {template}\n"
        "Text is `Text`, maths is `MathTypst` (no LaTeX); objects are placed relative to the "
        "title with `next_to` and kept inside the frame with `scale_to_fit_width`.\n"
        f"Topic: {topic}\n"
        "</SCENE_TECHNICAL_IMPLEMENTATION_PLAN>"
    )
    animation = (
        "<SCENE_ANIMATION_NARRATION_PLAN>\n[ANIMATION_STRATEGY]\n"
        "Write the title, then build the visual piece by piece (about 5 seconds), then hold.\n"
        f"[NARRATION]\n{narration}\n"
        "</SCENE_ANIMATION_NARRATION_PLAN>"
    )
    return SceneImplementation(
        scene_number=scene.scene_number, storyboard=storyboard,
        technical_implementation=technical, animation_narration=animation, narration=narration,
    )


def narration_of(scene: ScenePlan) -> str:
    """One to three plain sentences of the scene's own text."""
    sentences = [scene.title, scene.purpose, scene.description.split(". ")[0]]
    cleaned = [" ".join(s.split()).rstrip(".") for s in sentences if s.strip()]
    return " ".join(f"{s}." for s in cleaned[:3])
