"""A scene's background: a gradient and the look's shapes, different for every scene.

The palette rotates with the scene's index and the shapes' placement comes from it too
(a seeded generator), so neighbouring scenes differ in colour and composition while the
video stays in one look; the same (look, index, size) always gives the same picture.
Soft shapes are drawn at a quarter of the size and scaled up (the scale-up is the blur);
crisp ones at twice the size and reduced (the reduction is the anti-aliasing). About
30 ms for 1280x720 here.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from videogen_media.looks import Look


def rgb(color: str) -> tuple[int, int, int]:
    value = color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def mix(a: str, b: str, t: float) -> tuple[int, int, int]:
    """`a` moved towards `b` by `t` (0..1)."""
    ca, cb = rgb(a), rgb(b)
    return tuple(round(x + (y - x) * t) for x, y in zip(ca, cb, strict=True))  # type: ignore[return-value]


def on_accent(accent: str) -> str:
    """Text colour that reads on a fill of `accent`: near-black on light, white on dark."""
    r, g, b = rgb(accent)
    return "#1B1530" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 150 else "#FFFFFF"


def palette(look: Look, index: int) -> tuple[str, str, str]:
    return look.palettes[index % len(look.palettes)]


def _gradient(size: tuple[int, int], top: str, bottom: str, angle: float) -> np.ndarray:
    """A linear gradient along `angle` (0: top to bottom), as float RGB."""
    w, h = size
    dx, dy = math.sin(angle), math.cos(angle)
    # t is linear in x and y: the sum of a row and a column (broadcast), not a full grid.
    t = (np.arange(w, dtype=np.float32)[None, :] - w / 2) * (dx / w) + (
        np.arange(h, dtype=np.float32)[:, None] - h / 2
    ) * (dy / h)
    t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
    a = np.array(rgb(top), np.float32)
    b = np.array(rgb(bottom), np.float32)
    return a + (b - a) * t[..., None]  # type: ignore[no-any-return]


Soft = list[
    tuple[float, float, float, str, int]
]  # circles: cx, cy, r (of the width), colour, alpha
Paint = list[tuple[str, list[tuple[float, float]], tuple[int, int, int, int]]]


def _soft(small: Image.Image, shapes: Soft) -> None:
    """Blurred circles composited onto the small canvas (the scale-up blurs them further)."""
    layer = Image.new("RGBA", small.size)
    draw = ImageDraw.Draw(layer)
    for cx, cy, r, color, alpha in shapes:
        x, y, rad = cx * small.width, cy * small.height, r * small.width
        draw.ellipse((x - rad, y - rad, x + rad, y + rad), fill=(*rgb(color), alpha))
    # Blurred premultiplied ("RGBa"): the transparent black around a shape would otherwise
    # bleed into its edge as a dark ring.
    blurred = layer.convert("RGBa").filter(ImageFilter.GaussianBlur(max(1, small.width // 28)))
    small.alpha_composite(blurred.convert("RGBA"))


def _crisp(image: Image.Image, paint: Paint) -> None:
    """Polygons, ellipses and rings (kind, points in pixels, rgba) composited onto `image`:
    one alpha mask per colour, drawn at twice the size and reduced (anti-aliasing)."""
    w, h = image.size
    by_color: dict[tuple[int, int, int], list[tuple[str, list[tuple[float, float]], int]]] = {}
    for kind, points, (r, g, b, a) in paint:
        by_color.setdefault((r, g, b), []).append((kind, points, a))
    for color, shapes in by_color.items():
        mask = Image.new("L", (w * 2, h * 2))
        draw = ImageDraw.Draw(mask)
        for kind, points, alpha in shapes:
            scaled = [(x * 2, y * 2) for x, y in points]
            if kind == "ellipse":
                draw.ellipse((scaled[0], scaled[1]), fill=alpha)
            elif kind == "ring":
                draw.ellipse((scaled[0], scaled[1]), outline=alpha, width=max(2, h // 180) * 2)
            else:
                draw.polygon(scaled, fill=alpha)
        image.paste(Image.new("RGB", (w, h), color), (0, 0), mask.reduce(2))


def _orbs(
    look: Look, index: int, size: tuple[int, int], rng: np.random.Generator
) -> tuple[Soft, Paint]:
    _top, _bottom, accent = palette(look, index)
    corners = [(0.92, 0.1), (0.08, 0.12), (0.9, 0.88), (0.1, 0.86)]
    x, y = corners[index % 4]
    far = corners[(index + 2) % 4]
    soft: Soft = [
        (x, y, 0.36 + 0.06 * rng.random(), accent, 34),
        (far[0], far[1], 0.18 + 0.05 * rng.random(), accent, 20),
        (0.5 + 0.3 * (rng.random() - 0.5), 0.5, 0.5, "#FFFFFF", 70),
    ]
    w, h = size
    r = 0.1 * min(w, h) + 0.04 * min(w, h) * rng.random()
    rx, ry = far[0] * w, far[1] * h
    return soft, [("ring", [(rx - r, ry - r), (rx + r, ry + r)], (*rgb(accent), 70))]


def _bands(
    look: Look, index: int, size: tuple[int, int], rng: np.random.Generator
) -> tuple[Soft, Paint]:
    _top, _bottom, accent = palette(look, index)
    w, h = size
    slant = (0.35 + 0.25 * rng.random()) * (1 if index % 2 else -1)
    paint: Paint = []
    for k, (alpha, width) in enumerate(((34, 0.22), (22, 0.12), (46, 0.05))):
        x0 = w * (0.15 + 0.3 * k + 0.2 * rng.random())
        dx, bw = slant * h, width * w
        paint.append(
            (
                "polygon",
                [(x0, 0), (x0 + bw, 0), (x0 + bw + dx, h), (x0 + dx, h)],
                (255, 255, 255, alpha),
            )
        )
    r = 0.32 * max(w, h)
    cx, cy = (w * (0.95 if index % 2 else 0.05), h * (0.15 + 0.7 * rng.random()))
    paint.append(("ellipse", [(cx - r, cy - r), (cx + r, cy + r)], (*rgb(accent), 40)))
    return [], paint


def _grain(
    look: Look, index: int, size: tuple[int, int], rng: np.random.Generator
) -> tuple[Soft, Paint]:
    _top, _bottom, accent = palette(look, index)
    cx, cy = [(0.85, 0.15), (0.15, 0.2), (0.8, 0.8), (0.2, 0.75)][index % 4]
    w, h = size
    y = round(h * (0.06 if index % 2 else 0.94))
    thick = max(1.0, h / 360)
    line = [(w * 0.1, y), (w * 0.3, y), (w * 0.3, y + thick), (w * 0.1, y + thick)]
    return [(cx, cy, 0.45, accent, 40), (cx, cy, 0.2, accent, 30)], [
        ("polygon", line, (*rgb(accent), 150))
    ]


def _confetti(
    look: Look, index: int, size: tuple[int, int], rng: np.random.Generator
) -> tuple[Soft, Paint]:
    _top, _bottom, accent = palette(look, index)
    w, h = size
    short = min(w, h)
    soft: Soft = [
        (rng.random(), 0.1 + 0.2 * rng.random(), 0.25, "#FFFFFF", 60),
        (rng.random(), 0.8 + 0.2 * rng.random(), 0.3, "#FFFFFF", 50),
    ]
    paint: Paint = []
    colors = [(*rgb(accent), 200), (255, 255, 255, 190), (*rgb(look.text), 60)]
    for k in range(14):
        # Confetti along the edges (the middle is for the scene's own layers).
        u, v = rng.random(), 0.02 + 0.09 * rng.random()
        x, y = {0: (u, v), 1: (u, 1 - v), 2: (v, u), 3: (1 - v, u)}[k % 4]
        x, y = x * w, y * h
        r = short * (0.008 + 0.014 * rng.random())
        fill = colors[k % len(colors)]
        if k % 3 == 0:
            a = rng.random() * math.pi
            pts = [
                (x + r * 2.2 * math.cos(a + t), y + r * 2.2 * math.sin(a + t))
                for t in (0, 2.1, 4.2)
            ]
            paint.append(("polygon", pts, fill))
        else:
            paint.append(("ellipse", [(x - r, y - r), (x + r, y + r)], fill))
    return soft, paint


_MOTIFS = {"orbs": _orbs, "bands": _bands, "grain": _grain, "confetti": _confetti}


def _vignette(size: tuple[int, int], strength: float) -> np.ndarray:
    w, h = size
    d = (
        (np.arange(w, dtype=np.float32)[None, :] / w - 0.5) ** 2
        + (np.arange(h, dtype=np.float32)[:, None] / h - 0.5) ** 2
    ) * 2.0
    return 1.0 - strength * np.clip(d, 0, 1) ** 1.5


def draw_background(look: Look, index: int, size: tuple[int, int]) -> Image.Image:
    """The background of scene `index` (RGB, `size`)."""
    top, bottom, _accent = palette(look, index)
    rng = np.random.default_rng([index, sum(map(ord, look.name))])
    w, h = size
    # The smooth part (gradient, vignette, soft shapes) is drawn at a quarter of the size
    # and scaled up once: it has no detail to lose, and it costs a sixteenth.
    small_size = (max(8, w // 4), max(8, h // 4))
    angle = (
        (index * 0.9 + 0.3) % (2 * math.pi) if look.motif == "bands" else 0.25 * ((index % 3) - 1)
    )
    pixels = _gradient(small_size, top, bottom, angle)
    if look.motif == "grain":
        pixels *= _vignette(small_size, 0.55)[..., None]
    small = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB").convert("RGBA")
    soft, paint = _MOTIFS[look.motif](look, index, size, rng)
    _soft(small, soft)
    image = small.convert("RGB").resize(size, Image.Resampling.BICUBIC)
    _crisp(image, paint)
    if look.motif == "grain":  # film grain: a seeded noise tile, repeated
        tile = rng.normal(0, 5, (128, 128, 1)).astype(np.float32)
        noise = np.tile(tile, (h // 128 + 1, w // 128 + 1, 3))[:h, :w]
        arr = np.asarray(image, np.float32) + noise
        return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    return image
