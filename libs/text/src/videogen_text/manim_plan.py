"""The plan of a Manim video as the original writes it: `<SCENE_OUTLINE>` holding one
`<SCENE_n>` per scene, each with `Scene Title:`, `Scene Purpose:`, `Scene Description:` and
`Scene Layout:` lines (a value may run over several lines, up to the next label).

Parsed strictly, because a client may send its own plan (`implement {plan_xml}`) and the
model's plan is re-asked for when it is off: every error names what to change.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from videogen_contracts.script.manim import MAX_SCENES, ScenePlan

_OUTLINE = re.compile(r"<SCENE_OUTLINE>(.*?)</SCENE_OUTLINE>", re.DOTALL | re.IGNORECASE)
_SCENE = re.compile(r"<SCENE_(\d+)>(.*?)</SCENE_\1>", re.DOTALL | re.IGNORECASE)
_LABEL = re.compile(
    r"^\s*[*\-]*\s*\**\s*Scene\s+(Title|Purpose|Description|Layout)\s*\**\s*:\s*\**\s*(.*)$",
    re.IGNORECASE,
)
# Title and description carry the scene; purpose and layout may be left out.
_REQUIRED = ("title", "description")


def parse_scene_outline(xml: str) -> list[ScenePlan]:
    """The scenes of a plan, in order; ValueError with a reason a client can act on."""
    found = _OUTLINE.search(xml)
    if found is None:
        raise ValueError("no <SCENE_OUTLINE>…</SCENE_OUTLINE> in the plan")
    blocks = _SCENE.findall(found.group(1))
    if not blocks:
        raise ValueError("the <SCENE_OUTLINE> has no <SCENE_1>…</SCENE_1> scenes")
    numbers = [int(number) for number, _ in blocks]
    if numbers != list(range(1, len(numbers) + 1)):
        raise ValueError(
            f"scenes must be numbered 1..n in order, found {', '.join(map(str, numbers))}"
        )
    if len(blocks) > MAX_SCENES:
        raise ValueError(f"the plan has {len(blocks)} scenes; at most {MAX_SCENES} are allowed")
    return [parse_scene_block(int(number), body) for number, body in blocks]


def parse_scene_block(scene_number: int, body: str) -> ScenePlan:
    """One scene from the text inside its `<SCENE_n>` tags."""
    fields = _fields_of(body)
    for name in _REQUIRED:
        if not fields.get(name):
            raise ValueError(f"scene {scene_number} has no {name} (a `Scene {name.title()}:` line)")
    return ScenePlan(
        scene_number=scene_number, title=fields["title"], purpose=fields.get("purpose", ""),
        description=fields["description"], layout=fields.get("layout", ""),
    )


def _fields_of(body: str) -> dict[str, str]:
    fields: dict[str, list[str]] = {}
    current: str | None = None
    for line in body.splitlines():
        label = _LABEL.match(line)
        if label is not None:
            current = label.group(1).lower()
            fields[current] = [label.group(2).strip()]
        elif current is not None and line.strip():
            fields[current].append(line.strip())
    return {name: " ".join(p for p in parts if p).strip() for name, parts in fields.items()}


def format_scene(scene: ScenePlan) -> str:
    n = scene.scene_number
    return (
        f"<SCENE_{n}>\n"
        f"Scene Title: {scene.title}\n"
        f"Scene Purpose: {scene.purpose}\n"
        f"Scene Description: {scene.description}\n"
        f"Scene Layout: {scene.layout}\n"
        f"</SCENE_{n}>"
    )


def format_scene_outline(scenes: Sequence[ScenePlan]) -> str:
    """The plan's XML, as `parse_scene_outline` reads it back."""
    body = "\n\n".join(format_scene(scene) for scene in scenes)
    return f"<SCENE_OUTLINE>\n{body}\n</SCENE_OUTLINE>"


def scene_outline_of(scenes: Sequence[ScenePlan], scene_number: int) -> str:
    """The text of one scene, for the code step; ValueError if the plan has no such scene."""
    for scene in scenes:
        if scene.scene_number == scene_number:
            return format_scene(scene)
    raise ValueError(f"the plan has no scene {scene_number} (it has {len(scenes)})")

