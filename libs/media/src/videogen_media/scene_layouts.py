"""The seven layouts: where a scene's parts go, at what size, in what order they enter.

One grid for all: the box is the picture area (clear of the caption band) inside 10 %
side margins. On a landscape frame the visual (the icon on its shape) takes a left column
and the text stacks to its right; on portrait and square frames the visual sits on top
and the text is centred under it. Sizes come from the look's type scale (fractions of the
frame's short side); a stack taller than the box is set again smaller, and every text is
fitted to its width (typeset.fit_text), so nothing leaves the box.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from PIL import Image
from videogen_text.scene_text import SceneText

from videogen_media import scene_shapes
from videogen_media.icons import IconMatch, IconSet
from videogen_media.looks import Look
from videogen_media.scene_types import Entrance
from videogen_media.typeset import Face, draw_block, fit_text


@dataclass
class Sprite:
    image: Image.Image
    name: str
    x: int = 0
    y: int = 0
    enter: Entrance = "fade"
    enter_at: float = 0.0
    drift: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True, slots=True)
class Stage:
    """Everything a layout needs: the look and this scene's colours, the box, the icons."""

    look: Look
    accent: str
    background: str  # the palette's bottom colour (what shapes are mixed with)
    index: int
    width: int
    height: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1
    icons: IconSet
    matches: tuple[IconMatch, ...] = ()  # the scene's icon first; compare: one per side
    scale: float = 1.0  # < 1 when a stack had to be set again smaller
    extras: dict[str, str] = field(default_factory=dict)

    @property
    def short(self) -> int:
        return min(self.width, self.height)

    @property
    def landscape(self) -> bool:
        return self.width > self.height * 1.2

    @property
    def box_w(self) -> int:
        return self.box[2] - self.box[0]

    @property
    def box_h(self) -> int:
        return self.box[3] - self.box[1]

    def px(self, step: int, factor: float = 1.0) -> int:
        return max(10, round(self.look.scale[step] * self.short * self.scale * factor))


Layout = Callable[[Stage, SceneText], list[Sprite]]


def case(stage: Stage, text: str) -> str:
    """A headline in capitals for looks that set them so."""
    return text.upper() if stage.look.uppercase else text


def text_sprite(
    stage: Stage,
    text: str,
    name: str,
    *,
    step: int,
    width: int,
    lines: int,
    color: str,
    bold: bool = True,
    align: str = "left",
    factor: float = 1.0,
) -> Sprite | None:
    """`text` fitted to `width` (and the box's height) at the look's size `step`."""
    if not text.strip():
        return None
    look = stage.look
    face = Face(look.bold_font, look.weights[1]) if bold else Face(look.font, look.weights[0])
    size = stage.px(step, factor)
    block = fit_text(
        text,
        face,
        size=size,
        min_size=max(10, size // 3),
        width=width,
        height=stage.box_h,
        max_lines=lines,
    )
    if not block.lines:
        return None
    shadow = "#00000040" if look.name == "bold" else None
    return Sprite(draw_block(block, color, align=align, shadow=shadow), name)


def badge(stage: Stage, diameter: int, match: IconMatch | None = None) -> Sprite | None:
    match = match or (stage.matches[0] if stage.matches else None)
    if match is None:
        return None
    image = scene_shapes.icon_badge(
        stage.icons, match.icon, diameter, stage.look, stage.accent, stage.background, stage.index
    )
    return Sprite(image, "icon")


def stack(
    parts: list[Sprite | None], gap: int, region: tuple[int, int, int, int], align: str
) -> list[Sprite]:
    """`parts` one under the other, `gap` apart, centred vertically in `region`."""
    kept = [p for p in parts if p is not None]
    total = sum(p.image.height for p in kept) + gap * max(0, len(kept) - 1)
    x0, y0, x1, y1 = region
    y = y0 + max(0, (y1 - y0 - total) // 2)
    for part in kept:
        free = x1 - x0 - part.image.width
        part.x = x0 + (free // 2 if align == "center" else 0)
        part.y = y
        y += part.image.height + gap
    return kept


def height_of(parts: list[Sprite], gap: int) -> int:
    return sum(p.image.height for p in parts) + gap * max(0, len(parts) - 1)


def columns(
    stage: Stage, visual: float
) -> tuple[tuple[int, int, int, int], tuple[int, int, int, int]]:
    """(visual region, text region) of a landscape box; `visual`: its share of the width."""
    x0, y0, x1, y1 = stage.box
    split = x0 + round(stage.box_w * visual)
    gutter = round(stage.box_w * 0.05)
    return (x0, y0, split, y1), (split + gutter, y0, x1, y1)


def fitted(build: Layout) -> Layout:
    """`build` set again smaller while its parts reach outside the box."""

    def layout(stage: Stage, scene: SceneText) -> list[Sprite]:
        current = stage
        for _attempt in range(5):
            sprites = build(current, scene)
            top = min((s.y for s in sprites), default=stage.box[1])
            bottom = max((s.y + s.image.height for s in sprites), default=stage.box[3])
            left = min((s.x for s in sprites), default=stage.box[0])
            right = max((s.x + s.image.width for s in sprites), default=stage.box[2])
            if (
                top >= stage.box[1]
                and bottom <= stage.box[3]
                and left >= stage.box[0]
                and right <= stage.box[2]
            ):
                return sprites
            over = max((bottom - top) / stage.box_h, (right - left) / stage.box_w)
            current = replace(current, scale=current.scale * min(0.92, 0.97 / over))
        return sprites

    return layout


def kicker_text(stage: Stage, scene: SceneText) -> str:
    """The small label over a headline: the word the icon pictures, else a keyword the
    headline does not already say (none when it says them all)."""
    if stage.matches:
        return stage.matches[0].word.upper()
    said = scene.headline.lower()
    return next((k.upper() for k in scene.keywords if k not in said), "")


def mirror(sprites: list[Sprite], box: tuple[int, int, int, int]) -> list[Sprite]:
    """The layout flipped left to right inside `box`: right-to-left text reads from the
    right, so its headline hangs from the right edge and the visual sits on its right."""
    for sprite in sprites:
        sprite.x = box[0] + box[2] - sprite.x - sprite.image.width
    return sprites


def gap_of(stage: Stage, factor: float = 1.0) -> int:
    return max(
        round(stage.short * 0.018 * factor), round(stage.short * 0.035 * stage.scale * factor)
    )


def centre_block(parts: list[Sprite], region: tuple[int, int, int, int]) -> list[Sprite]:
    """Left-aligned `parts` moved together so their widest one is centred in `region`."""
    if not parts:
        return parts
    left = min(p.x for p in parts)
    right = max(p.x + p.image.width for p in parts)
    shift = region[0] + (region[2] - region[0] - (right - left)) // 2 - left
    for part in parts:
        part.x += shift
    return parts
