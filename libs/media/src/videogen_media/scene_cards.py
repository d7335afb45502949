"""The cards, one function per layout: title, icon, type, stat, quote, compare, list.

Each returns its sprites placed in frame pixels, in reading order (the order they enter).
The hierarchy is the same everywhere: one dominant element (the icon, the figure, the
quote, the two sides), a headline, and at most one small kicker in the accent.
"""

from __future__ import annotations

from videogen_text.scene_text import SceneText

from videogen_media import scene_shapes
from videogen_media.looks import BODY, FIGURE, HEADLINE, SMALL, TITLE
from videogen_media.scene_groups import bullets, compare
from videogen_media.scene_layouts import (
    Layout,
    Sprite,
    Stage,
    badge,
    case,
    columns,
    fitted,
    gap_of,
    height_of,
    kicker_text,
    stack,
    text_sprite,
)


@fitted
def title(stage: Stage, scene: SceneText) -> list[Sprite]:
    look, width = stage.look, stage.box_w
    has_icon = bool(stage.matches)
    diameter = round(
        min(stage.box_h * 0.46, width * (0.3 if stage.landscape else 0.5)) * stage.scale
    )
    head = text_sprite(
        stage,
        case(stage, scene.headline),
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
        case(stage, scene.headline),
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
        case(stage, scene.headline),
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
        case(stage, scene.figure_label or ""),
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


LAYOUTS: dict[str, Layout] = {
    "title": title,
    "icon": icon,
    "type": typographic,
    "stat": stat,
    "quote": quote,
    "compare": compare,
    "list": bullets,
}
