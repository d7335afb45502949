"""What the region editor draws into a box: words (`drawtext`) and procedural sprites.

A sprite is honest about what it is: a flat shape of the named colour drawn with Pillow
(circle, square, star, heart, triangle, or a balloon on a string), moved by an overlay
expression of time (up, down, left, right) or scaled by one (pulse). Nothing here
generates or pretends to generate an object; the variant's labels say `procedural`.

Text and font go to ffmpeg as files in the render's scratch directory (`textfile=`, a
link to the font under a plain name), so no prompt text or font path ever has to be
escaped into the filter graph.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw
from videogen_contracts.media.ai_edits import RegionEdit, VariantSpec

from videogen_media.fonts import find_caption_font
from videogen_media.region_filters import Rect

SUPERSAMPLE = 4
PULSE_HZ = 1.2
DEFAULT_TEXT_COLOUR = "#ffffff"


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _star(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else outer * 0.45
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def draw_sprite(shape: str, colour: str, side: int) -> Image.Image:
    """The sprite as RGBA, `side` pixels wide (a balloon is taller: it has a string)."""
    s = side * SUPERSAMPLE
    height = round(s * 1.6) if shape == "balloon" else s
    image = Image.new("RGBA", (s, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    fill = (*_rgb(colour), 255)
    shine = (255, 255, 255, 90)
    match shape:
        case "balloon":
            body = round(s * 1.15)
            draw.line([(s / 2, body), (s / 2 - s * 0.08, height)], fill=(90, 90, 90, 255),
                      width=max(1, s // 40))
            draw.polygon([(s / 2, body - s * 0.04), (s * 0.44, body + s * 0.07),
                          (s * 0.56, body + s * 0.07)], fill=fill)
            draw.ellipse([0, 0, s - 1, body], fill=fill)
            draw.ellipse([s * 0.2, s * 0.14, s * 0.42, s * 0.42], fill=shine)
        case "square":
            draw.rounded_rectangle([0, 0, s - 1, s - 1], radius=s // 10, fill=fill)
        case "star":
            draw.polygon(_star(s / 2, s / 2, s / 2), fill=fill)
        case "heart":
            r = s / 4
            draw.ellipse([0, 0, 2 * r, 2 * r], fill=fill)
            draw.ellipse([2 * r, 0, 4 * r, 2 * r], fill=fill)
            draw.polygon([(s * 0.02, r * 1.3), (s * 0.98, r * 1.3), (s / 2, s - 1)], fill=fill)
        case "triangle":
            draw.polygon([(s / 2, 0), (s - 1, s - 1), (0, s - 1)], fill=fill)
        case _:  # circle, and any shape without a drawing of its own
            draw.ellipse([0, 0, s - 1, s - 1], fill=fill)
            draw.ellipse([s * 0.2, s * 0.14, s * 0.42, s * 0.36], fill=shine)
    return image.resize((side, round(height / SUPERSAMPLE)), Image.Resampling.LANCZOS)


def sprite_side(spec: VariantSpec, rect: Rect, margin: int) -> int:
    room = min(rect.w - 2 * margin, (rect.h - 2 * margin) / 1.6)
    return max(8, round(room * (0.3 + 0.35 * spec.strength)) // 2 * 2)


def sprite_inputs(
    edit: RegionEdit, spec: VariantSpec, rect: Rect, margin: int, fps: float, seconds: float,
    scratch: Path,
) -> list[str]:
    """The extra ffmpeg inputs: the sprite image, looped for the range (none for text)."""
    if edit.operation != "shape":
        return []
    path = scratch / "sprite.png"
    side = sprite_side(spec, rect, margin)
    draw_sprite(edit.shape or "circle", edit.color or "#e02020", side).save(path)
    return ["-loop", "1", "-framerate", f"{fps:.6g}", "-t", f"{seconds:.6f}", "-i", str(path)]


def _within(expr: str, margin: int, room: str) -> str:
    """`expr` kept between the margin and `room` less the margin (the feathered edge)."""
    return f"clip({expr},{margin},max({margin},{room}-{margin}))"


def motion_xy(motion: str, dx: int, dy: int, seconds: float, margin: int) -> tuple[str, str]:
    """overlay x/y expressions: across the box over the range (up: from its bottom to its
    top), or centred; shifted by dx/dy, and kept inside the box's unfeathered part."""
    progress = f"(t/{max(seconds, 0.1):.6f})"
    along_x = {"left": f"(1-{progress})", "right": progress}.get(motion, "0.5")
    along_y = {"up": f"(1-{progress})", "down": progress}.get(motion, "0.5")
    x = f"{margin}+(W-w-{2 * margin})*{along_x}+{dx}"
    y = f"{margin}+(H-h-{2 * margin})*{along_y}+{dy}"
    return _within(x, margin, "W-w"), _within(y, margin, "H-h")


def _text_patch(
    edit: RegionEdit, spec: VariantSpec, rect: Rect, margin: int, scratch: Path
) -> str:
    words = edit.text or ""
    font = find_caption_font()
    (scratch / "text.txt").write_text(words, encoding="utf-8")
    (scratch / f"font{font.path.suffix}").symlink_to(font.path)
    room_w, room_h = rect.w - 2 * margin, rect.h - 2 * margin
    size = max(8, round(room_h * (0.35 + 0.45 * spec.strength)))
    width = font.measure(size).getlength(words) or 1.0
    size = max(8, min(size, math.floor(size * room_w * 0.95 / width)))
    colour = (edit.color or DEFAULT_TEXT_COLOUR).lstrip("#")
    x = _within(f"(w-text_w)/2+{spec.dx}", margin, "w-text_w")
    y = _within(f"(h-text_h)/2+{spec.dy}", margin, "h-text_h")
    return (
        f"[box]drawtext=fontfile={scratch}/font{font.path.suffix}:textfile={scratch}/text.txt:"
        f"expansion=none:fontsize={size}:fontcolor=0x{colour}:borderw={max(1, size // 14)}:"
        f"bordercolor=black@0.7:x='{x}':y='{y}'[fx]"
    )


def sprite_patch(
    edit: RegionEdit, spec: VariantSpec, rect: Rect, margin: int, seconds: float, scratch: Path
) -> str:
    """The graph text turning `[box]` into `[fx]`: the words, or the moving sprite, drawn
    inside the box less its feathered margin (so the edge never fades them)."""
    if edit.operation == "text":
        return _text_patch(edit, spec, rect, margin, scratch)
    sprite = "[1:v]format=rgba"
    if edit.motion == "pulse":
        scale = f"(1+0.18*sin(2*PI*{PULSE_HZ}*t))"
        sprite += f",scale=w='trunc(iw*{scale}/2)*2':h='trunc(ih*{scale}/2)*2':eval=frame"
    x, y = motion_xy(edit.motion, spec.dx, spec.dy, seconds, margin)
    return f"{sprite}[sprite];\n[box][sprite]overlay=x='{x}':y='{y}':eval=frame:shortest=1[fx]"
