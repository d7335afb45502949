"""The cards, one function per layout: title, icon, type, stat, quote, compare, list.

Each returns its sprites placed in frame pixels, in reading order (the order they enter).
The hierarchy is the same everywhere: one dominant element (the icon, the figure, the
quote, the two sides), a headline, and at most one small kicker in the accent.
"""

from __future__ import annotations

from PIL import Image
from videogen_text.scene_text import SceneText

from videogen_media import scene_shapes
from videogen_media.backdrops import on_accent, rgb
from videogen_media.looks import BODY, FIGURE, HEADLINE, SMALL, TITLE
from videogen_media.scene_layouts import (
    Layout,
    Sprite,
    Stage,
    badge,
    centre_block,
    columns,
    fitted,
    gap_of,
    height_of,
    kicker_text,
    stack,
    text_sprite,
)


def _case(stage: Stage, text: str) -> str:
    return text.upper() if stage.look.uppercase else text


@fitted
def title(stage: Stage, scene: SceneText) -> list[Sprite]:
    look, width = stage.look, stage.box_w
    has_icon = bool(stage.matches)
    diameter = round(
        min(stage.box_h * 0.46, width * (0.3 if stage.landscape else 0.5)) * stage.scale
    )
    head = text_sprite(
        stage,
        _case(stage, scene.headline),
        "headline",
        step=TITLE,
        width=width,
        lines=2,
        color=look.text,
        align="center",
        factor=1.2 if has_icon else 1.45,
    )
    bar = Sprite(
        scene_shapes.rule(
            round(width * 0.12), max(4, round(stage.short * 0.012)), stage.accent, look.roundness
        ),
        "rule",
    )
    parts = [badge(stage, diameter), head, bar]
    return stack(parts, gap_of(stage, 1.5), stage.box, "center")


@fitted
def icon(stage: Stage, scene: SceneText) -> list[Sprite]:
    look = stage.look
    if stage.landscape:
        visual, words = columns(stage, 0.4)
        diameter = round(min(stage.box_h * 0.86, (visual[2] - visual[0])) * stage.scale)
        width, align = words[2] - words[0], "left"
    else:
        diameter = round(min(stage.box_w * 0.56, stage.box_h * 0.5) * stage.scale)
        visual = words = stage.box
        width, align = stage.box_w, "center"
    kicker = text_sprite(
        stage,
        kicker_text(stage, scene),
        "kicker",
        step=SMALL,
        width=width,
        lines=1,
        color=stage.accent,
        align=align,
        factor=1.15,
    )
    head = text_sprite(
        stage,
        _case(stage, scene.headline),
        "headline",
        step=HEADLINE,
        width=width,
        lines=3,
        color=look.text,
        align=align,
        factor=1.25,
    )
    icon_sprite = badge(stage, diameter)
    if stage.landscape:
        return [
            *stack([icon_sprite], 0, visual, "center"),
            *stack([kicker, head], gap_of(stage, 0.5), words, align),
        ]
    return stack([icon_sprite, kicker, head], gap_of(stage), stage.box, "center")


@fitted
def typographic(stage: Stage, scene: SceneText) -> list[Sprite]:
    look = stage.look
    align = "left" if stage.landscape else "center"
    inset = round(stage.short * 0.06) if stage.landscape else 0
    region = (stage.box[0] + inset, stage.box[1], stage.box[2], stage.box[3])
    width = region[2] - region[0]
    kicker = text_sprite(
        stage,
        kicker_text(stage, scene),
        "kicker",
        step=SMALL,
        width=width,
        lines=1,
        color=stage.accent,
        align=align,
    )
    head = text_sprite(
        stage,
        _case(stage, scene.headline),
        "headline",
        step=TITLE,
        width=width,
        lines=3,
        color=look.text,
        align=align,
        factor=1.1,
    )
    parts = stack([kicker, head], gap_of(stage, 0.6), region, align)
    thick = max(6, round(stage.short * 0.014))
    if stage.landscape and parts:
        top, height = parts[0].y, height_of(parts, gap_of(stage, 0.6))
        bar = Sprite(
            scene_shapes.rule(thick, height, stage.accent, look.roundness),
            "rule",
            x=stage.box[0],
            y=top,
        )
        return [bar, *parts]
    bar = Sprite(
        scene_shapes.rule(round(width * 0.16), thick, stage.accent, look.roundness), "rule"
    )
    return stack([*parts, bar], gap_of(stage, 0.8), region, "center")


@fitted
def stat(stage: Stage, scene: SceneText) -> list[Sprite]:
    look = stage.look
    has_icon = bool(stage.matches)
    if stage.landscape and has_icon:
        visual, words = columns(stage, 0.34)
        width, align = words[2] - words[0], "left"
    else:
        visual = words = stage.box
        width, align = stage.box_w, "center"
    kicker = text_sprite(
        stage,
        scene.headline.upper(),
        "headline",
        step=SMALL,
        width=width,
        lines=2,
        color=look.muted,
        align=align,
        factor=1.15,
    )
    figure = text_sprite(
        stage,
        scene.figure or "",
        "figure",
        step=FIGURE,
        width=width,
        lines=1,
        color=stage.accent,
        align=align,
    )
    label = text_sprite(
        stage,
        _case(stage, scene.figure_label or ""),
        "label",
        step=HEADLINE,
        width=width,
        lines=2,
        color=look.text,
        align=align,
    )
    text = [kicker, figure, label]
    if stage.landscape and has_icon:
        diameter = round(min(stage.box_h * 0.7, visual[2] - visual[0]) * stage.scale)
        return [
            *stack([badge(stage, diameter)], 0, visual, "center"),
            *stack(text, gap_of(stage, 0.4), words, align),
        ]
    diameter = round(min(stage.box_w * 0.4, stage.box_h * 0.3) * stage.scale)
    return stack([badge(stage, diameter), *text], gap_of(stage, 0.5), stage.box, "center")


@fitted
def quote(stage: Stage, scene: SceneText) -> list[Sprite]:
    look = stage.look
    align = "left" if stage.landscape else "center"
    width = stage.box_w - (round(stage.short * 0.04) if stage.landscape else 0)
    mark = text_sprite(
        stage,
        "“",
        "quote-mark",
        step=FIGURE,
        width=stage.box_w,
        lines=1,
        color=stage.accent,
        align=align,
        factor=1.6,
    )
    body = text_sprite(
        stage,
        scene.quote or scene.headline,
        "quote",
        step=HEADLINE,
        width=width,
        lines=5,
        color=look.text,
        align=align,
        factor=0.85,
    )
    who = text_sprite(
        stage,
        f"— {scene.attribution}" if scene.attribution else "",
        "attribution",
        step=BODY,
        width=width,
        lines=1,
        color=look.muted,
        bold=False,
        align=align,
    )
    region = (
        stage.box
        if not stage.landscape
        else (stage.box[0] + round(stage.short * 0.04), *stage.box[1:])
    )
    return stack([mark, body, who], gap_of(stage, 0.5), region, align)


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
        _case(stage, side),
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
        _case(stage, scene.headline),
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
        _case(stage, scene.headline),
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


LAYOUTS: dict[str, Layout] = {
    "title": title,
    "icon": icon,
    "type": typographic,
    "stat": stat,
    "quote": quote,
    "compare": compare,
    "list": bullets,
}
