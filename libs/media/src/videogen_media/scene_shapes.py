"""The drawn parts of a scene's layers: the icon on its soft shape, cards, badges, rules.

Everything is drawn at twice its size and reduced (anti-aliased edges), as tight RGBA
sprites, in the look's colours: the shape behind an icon is a pale disc of the accent
(clean), a dark translucent disc (bold), a thin ring (documentary) or a white blob with a
soft shadow (playful).
"""

from __future__ import annotations

import math

from PIL import Image, ImageDraw, ImageFilter

from videogen_media.backdrops import mix, rgb
from videogen_media.icons import Icon, IconSet
from videogen_media.looks import Look

SS = 2  # supersampling


def _blob_points(cx: float, cy: float, r: float, seed: int) -> list[tuple[float, float]]:
    """A wobbly circle: the radius varies with three low harmonics (phases from `seed`)."""
    phases = [(seed * 1.7 + k * 2.3) % (2 * math.pi) for k in range(3)]
    points = []
    for step in range(96):
        a = 2 * math.pi * step / 96
        wobble = 1 + 0.045 * math.sin(2 * a + phases[0]) + 0.035 * math.sin(3 * a + phases[1])
        wobble += 0.02 * math.sin(5 * a + phases[2])
        points.append((cx + r * wobble * math.cos(a), cy + r * wobble * math.sin(a)))
    return points


def _shadow(image: Image.Image, offset: int, alpha: int) -> Image.Image:
    """`image` over a soft dark copy of itself, shifted down by `offset`."""
    pad = offset * 3
    out = Image.new("RGBA", (image.width + 2 * pad, image.height + 2 * pad))
    shadow = Image.new("RGBA", image.size, (20, 10, 40, 0))
    shadow.putalpha(image.getchannel("A").point(lambda v: v * alpha // 255))
    out.alpha_composite(shadow, (pad, pad + offset))
    out = out.convert("RGBa").filter(ImageFilter.GaussianBlur(offset)).convert("RGBA")
    out.alpha_composite(image, (pad, pad))
    return out


def shape_colors(look: Look, accent: str, background: str) -> tuple[tuple[int, int, int, int], str]:
    """(fill of the shape behind an icon, the icon's colour)."""
    if look.icon_shape == "ring":
        return (*mix(background, accent, 0.12), 235), accent
    if look.name == "bold":
        return (10, 0, 30, 70), accent
    if look.icon_shape == "blob":
        return (255, 255, 255, 235), accent
    return (*mix(background, accent, 0.16), 255), accent


def icon_badge(
    icons: IconSet, icon: Icon, diameter: int, look: Look, accent: str, background: str, seed: int
) -> Image.Image:
    """The icon, large, in the accent, centred on its soft shape (`diameter` across)."""
    fill, color = shape_colors(look, accent, background)
    d = diameter * SS
    canvas = Image.new("RGBA", (d, d))
    draw = ImageDraw.Draw(canvas)
    if look.icon_shape == "blob":
        draw.polygon(_blob_points(d / 2, d / 2, d * 0.46, seed), fill=fill)
    else:
        draw.ellipse((0, 0, d - 1, d - 1), fill=fill)
    if look.icon_shape == "ring":
        width = max(2, d // 70)
        inset = d * 0.06
        draw.ellipse((inset, inset, d - inset, d - inset), outline=(*rgb(accent), 255), width=width)
    badge = canvas.convert("RGBa").reduce(SS).convert("RGBA")
    glyph_size = round(diameter * (0.5 if look.icon_shape == "ring" else 0.56))
    glyph = icons.rasterise(icon, glyph_size, color)
    offset = (diameter - glyph_size) // 2
    badge.alpha_composite(glyph, (offset, offset))
    if look.icon_shape == "blob":
        return _shadow(badge, max(2, diameter // 40), 70)
    return badge


def card(size: tuple[int, int], look: Look, accent: str, background: str) -> Image.Image:
    """A rounded panel for one side of a comparison."""
    w, h = size[0] * SS, size[1] * SS
    radius = round(min(w, h) * 0.5 * max(0.04, look.roundness * 0.28))
    canvas = Image.new("RGBA", (w, h))
    draw = ImageDraw.Draw(canvas)
    if look.name == "bold":
        fill: tuple[int, int, int, int] = (10, 0, 30, 60)
    elif look.name == "documentary":
        fill = (255, 255, 255, 14)
    elif look.name == "playful":
        fill = (255, 255, 255, 225)
    else:
        fill = (255, 255, 255, 200)
    draw.rounded_rectangle((0, 0, w - 1, h - 1), radius=radius, fill=fill)
    if look.name == "documentary":
        draw.rounded_rectangle(
            (0, 0, w - 1, h - 1), radius=radius, outline=(*rgb(accent), 160), width=max(2, SS * 2)
        )
    elif look.name == "clean":
        draw.rectangle((0, 0, w - 1, max(SS * 4, h // 60)), fill=(*rgb(accent), 255))
    image = canvas.convert("RGBa").reduce(SS).convert("RGBA")
    return _shadow(image, max(2, size[1] // 60), 50) if look.name == "playful" else image


def disc(diameter: int, color: tuple[int, int, int, int]) -> Image.Image:
    d = diameter * SS
    canvas = Image.new("RGBA", (d, d))
    ImageDraw.Draw(canvas).ellipse((0, 0, d - 1, d - 1), fill=color)
    return canvas.convert("RGBa").reduce(SS).convert("RGBA")


def rule(width: int, height: int, color: str, roundness: float) -> Image.Image:
    """A short accent bar (under a title, beside a typographic headline)."""
    w, h = width * SS, height * SS
    canvas = Image.new("RGBA", (w, h))
    radius = round(min(w, h) / 2 * roundness)
    ImageDraw.Draw(canvas).rounded_rectangle((0, 0, w - 1, h - 1), radius=radius, fill=color)
    return canvas.convert("RGBa").reduce(SS).convert("RGBA")


def plate(size: tuple[int, int], alpha: int) -> Image.Image:
    """A dark translucent plate behind text over footage or a photo."""
    return Image.new("RGBA", size, (8, 8, 12, alpha))
