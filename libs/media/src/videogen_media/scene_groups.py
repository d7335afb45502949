"""The cards of several things: a comparison's two sides and a list's items.

A comparison is two cards, side by side on wide frames and stacked on portrait ones, each
with its own icon (or its initial, large) and its name, with a "VS" token between them. A
list is the lead-in as its headline and one numbered row per item, each its own layer so
the renderer can build the list item by item.
"""

from __future__ import annotations

from PIL import Image
from videogen_text.scene_text import SceneText

from videogen_media import scene_shapes
from videogen_media.backdrops import on_accent, rgb
from videogen_media.looks import BODY, FIGURE, HEADLINE, SMALL
from videogen_media.scene_layouts import (
    Sprite,
    Stage,
    badge,
    case,
    centre_block,
    columns,
    fitted,
    gap_of,
    stack,
    text_sprite,
)


def _side_card(stage: Stage, side: str, index: int, size: tuple[int, int]) -> Sprite:
    """One side of a comparison: its icon (or its initial) and its name, on a card; side by
    side on a wide card, stacked on a tall one."""
    look = stage.look
    panel = scene_shapes.card(size, look, stage.accent, stage.background)
    pad = (panel.width - size[0]) // 2, (panel.height - size[1]) // 2
    w, h = size
    wide = w > h * 1.6
    match = stage.matches[index] if index < len(stage.matches) else None
    diameter = round(min(h * 0.7, w * 0.3) if wide else min(w * 0.58, h * 0.5))
    label_w = round(w * 0.55) if wide else round(w * 0.86)
    icon_sprite = badge(stage, diameter, match) if match else None
    label = text_sprite(
        stage,
        case(stage, side),
        "label",
        step=HEADLINE,
        width=label_w,
        lines=2,
        color=look.text,
        align="left" if wide else "center",
    )
    if icon_sprite is None:  # the side's initial, large, as its picture
        icon_sprite = text_sprite(
            stage,
            side[:1].upper(),
            "initial",
            step=FIGURE,
            width=w,
            lines=1,
            color=stage.accent,
            align="center",
        )
    if wide:
        third = round(w * 0.36)
        parts = [
            *stack([icon_sprite], 0, (0, 0, third, h), "center"),
            *stack([label], 0, (third, 0, w - round(w * 0.04), h), "left"),
        ]
    else:
        parts = stack([icon_sprite, label], round(h * 0.06), (0, 0, w, h), "center")
    for part in parts:
        panel.alpha_composite(part.image, (pad[0] + part.x, pad[1] + part.y))
    return Sprite(panel, "left" if index == 0 else "right")


@fitted
def compare(stage: Stage, scene: SceneText) -> list[Sprite]:
    look = stage.look
    head = text_sprite(
        stage,
        case(stage, scene.headline),
        "headline",
        step=HEADLINE,
        width=stage.box_w,
        lines=1,
        color=look.text,
        align="center",
        factor=0.8,
    )
    gap = max(gap_of(stage, 1.4), round(stage.short * 0.11 * stage.scale * 1.25))
    head_h = head.image.height + gap if head else 0
    x0, y0, x1, y1 = stage.box
    sides = (*scene.items, "", "")[:2]
    tall = y1 - y0 - head_h
    if stage.height > stage.width:  # portrait: one side above the other
        size = (stage.box_w, round((tall - gap) / 2 * stage.scale))
        cards = [_side_card(stage, s, i, size) for i, s in enumerate(sides)]
    else:
        size = (round((stage.box_w - gap) / 2), round(tall * stage.scale))
        cards = [_side_card(stage, s, i, size) for i, s in enumerate(sides)]
    placed = stack([head], 0, (x0, y0, x1, y0 + head_h - gap), "center") if head else []
    portrait = stage.height > stage.width
    for i, c in enumerate(cards):
        if portrait:
            c.x, c.y = x0 + (stage.box_w - c.image.width) // 2, y0 + head_h + i * (size[1] + gap)
        else:
            c.x, c.y = x0 + i * (size[0] + gap) + (size[0] - c.image.width) // 2, y0 + head_h
    versus = _versus(stage, gap)
    mid_x = x0 + stage.box_w // 2
    mid_y = y0 + head_h + size[1] // 2 if not portrait else y0 + head_h + size[1] + gap // 2
    versus.x, versus.y = mid_x - versus.image.width // 2, mid_y - versus.image.height // 2
    return [*placed, cards[0], versus, cards[1]]


def _versus(stage: Stage, gap: int) -> Sprite:
    diameter = min(round(gap * 0.95), round(stage.short * 0.11 * stage.scale))
    token = scene_shapes.disc(diameter, (*rgb(stage.accent), 255))
    letters = text_sprite(
        stage,
        "VS",
        "versus",
        step=SMALL,
        width=diameter,
        lines=1,
        color=on_accent(stage.accent),
        align="center",
        factor=1.2,
    )
    if letters is not None:
        token.alpha_composite(
            letters.image,
            ((diameter - letters.image.width) // 2, (diameter - letters.image.height) // 2),
        )
    return Sprite(token, "versus")


@fitted
def bullets(stage: Stage, scene: SceneText) -> list[Sprite]:
    look = stage.look
    beside = stage.landscape and bool(stage.matches)
    visual, words = columns(stage, 0.32) if beside else (stage.box, stage.box)
    width = words[2] - words[0]
    head = text_sprite(
        stage,
        case(stage, scene.headline),
        "headline",
        step=HEADLINE,
        width=width,
        lines=2,
        color=look.text,
    )
    rows = [_item(stage, i, item, width) for i, item in enumerate(scene.items)]
    if beside:
        diameter = round(min(stage.box_h * 0.7, visual[2] - visual[0]) * stage.scale)
        column = stack([head, *rows], gap_of(stage, 0.55), words, "left")
        return [*stack([badge(stage, diameter)], 0, visual, "center"), *column]
    icon_sprite = badge(stage, round(min(stage.box_w * 0.3, stage.box_h * 0.24) * stage.scale))
    column = stack([head, *rows], gap_of(stage, 0.55), words, "left")
    if icon_sprite is None:
        return centre_block(column, words)
    gap = gap_of(stage)
    total = icon_sprite.image.height + gap + (column[-1].y + column[-1].image.height - column[0].y)
    top = stage.box[1] + max(0, (stage.box_h - total) // 2)
    shift = top + icon_sprite.image.height + gap - column[0].y
    for part in column:
        part.y += shift
    centre_block(column, words)
    icon_sprite.x = words[0] + (width - icon_sprite.image.width) // 2
    icon_sprite.y = top
    return [icon_sprite, *column]


def _item(stage: Stage, index: int, text: str, width: int) -> Sprite | None:
    look = stage.look
    size = stage.px(BODY, 1.2)
    dot = scene_shapes.disc(round(size * 1.25), (*rgb(stage.accent), 255))
    number = text_sprite(
        stage,
        str(index + 1),
        "n",
        step=BODY,
        width=dot.width,
        lines=1,
        color=on_accent(stage.accent),
        align="center",
        factor=0.8,
    )
    if number is not None:
        dot.alpha_composite(
            number.image,
            ((dot.width - number.image.width) // 2, (dot.height - number.image.height) // 2),
        )
    words = text_sprite(
        stage,
        text,
        f"item-{index + 1}",
        step=BODY,
        width=width - dot.width * 2,
        lines=1,
        color=look.text,
        bold=False,
        factor=1.2,
    )
    if words is None:
        return None
    gap = round(dot.width * 0.45)
    row = Image.new(
        "RGBA", (dot.width + gap + words.image.width, max(dot.height, words.image.height))
    )
    row.alpha_composite(dot, (0, (row.height - dot.height) // 2))
    row.alpha_composite(words.image, (dot.width + gap, (row.height - words.image.height) // 2))
    return Sprite(row, f"item-{index + 1}")
