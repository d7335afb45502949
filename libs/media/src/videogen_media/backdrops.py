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


def palette(look: Look, index: int) -> tuple[str, str, str]:
    return look.palettes[index % len(look.palettes)]


def _gradient(size: tuple[int, int], top: str, bottom: str, angle: float) -> np.ndarray:
    w, h = size
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    dx, dy = math.sin(angle), math.cos(angle)
    t = (xs - w / 2) * dx / w + (ys - h / 2) * dy / h
    t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
    a = np.array(rgb(top), np.float32)
    b = np.array(rgb(bottom), np.float32)
    return a + (b - a) * t[..., None]  # type: ignore[no-any-return]


def _soft_layer(size: tuple[int, int], shapes: list[tuple[float, float, float, str, int]]) -> Image.Image:
    """Circles (cx, cy, r as fractions of the width, colour, alpha), drawn small, blurred
    by the scale-up."""
    w, h = size
    small = (max(1, w // 4), max(1, h // 4))
    layer = Image.new("RGBA", small)
    draw = ImageDraw.Draw(layer)
    for cx, cy, r, color, alpha in shapes:
        x, y, rad = cx * small[0], cy * small[1], r * small[0]
        draw.ellipse((x - rad, y - rad, x + rad, y + rad), fill=(*rgb(color), alpha))
    layer = layer.filter(ImageFilter.GaussianBlur(max(1, small[0] // 90)))
    return layer.resize(size, Image.Resampling.BICUBIC)


def _crisp_layer(size: tuple[int, int], paint: list[tuple[str, list[tuple[float, float]], tuple[int, int, int, int]]]) -> Image.Image:
    """Polygons or ellipses (kind, points in pixels, rgba) drawn at twice the size."""
    w, h = size
    layer = Image.new("RGBA", (w * 2, h * 2))
    draw = ImageDraw.Draw(layer)
    for kind, points, fill in paint:
        scaled = [(x * 2, y * 2) for x, y in points]
        if kind == "ellipse":
            draw.ellipse((scaled[0], scaled[1]), fill=fill)
        else:
            draw.polygon(scaled, fill=fill)
    return layer.reduce(2)


def _orbs(look: Look, index: int, size: tuple[int, int], rng: np.random.Generator) -> list[Image.Image]:
    top, bottom, accent = palette(look, index)
    corner = index % 4
    corners = [(0.92, 0.1), (0.08, 0.12), (0.9, 0.88), (0.1, 0.86)]
    x, y = corners[corner]
    far = corners[(corner + 2) % 4]
    soft = _soft_layer(size, [
        (x, y, 0.36 + 0.06 * rng.random(), accent, 34),
        (far[0], far[1], 0.18 + 0.05 * rng.random(), accent, 20),
        (0.5 + 0.3 * (rng.random() - 0.5), 0.5, 0.5, "#FFFFFF", 70),
    ])
    w, h = size
    ring_r = 0.1 * min(w, h) + 0.04 * min(w, h) * rng.random()
    rx, ry = far[0] * w, far[1] * h
    line = (*rgb(accent), 70)
    ring = Image.new("RGBA", (w * 2, h * 2))
    ImageDraw.Draw(ring).ellipse(
        ((rx - ring_r) * 2, (ry - ring_r) * 2, (rx + ring_r) * 2, (ry + ring_r) * 2),
        outline=line, width=max(2, min(w, h) // 180) * 2,
    )
    return [soft, ring.reduce(2)]


def _bands(look: Look, index: int, size: tuple[int, int], rng: np.random.Generator) -> list[Image.Image]:
    top, bottom, accent = palette(look, index)
    w, h = size
    slant = (0.35 + 0.25 * rng.random()) * (1 if index % 2 else -1)
    paint = []
    for k, (alpha, width) in enumerate(((34, 0.22), (22, 0.12), (46, 0.05))):
        x0 = w * (0.15 + 0.3 * k + 0.2 * rng.random())
        dx = slant * h
        bw = width * w
        paint.append(("polygon", [(x0, 0), (x0 + bw, 0), (x0 + bw + dx, h), (x0 + dx, h)],
                      (255, 255, 255, alpha)))
    r = 0.32 * max(w, h)
    cx, cy = (w * (0.95 if index % 2 else 0.05), h * (0.15 + 0.7 * rng.random()))
    paint.append(("ellipse", [(cx - r, cy - r), (cx + r, cy + r)], (*rgb(accent), 40)))
    return [_crisp_layer(size, paint)]


def _grain(look: Look, index: int, size: tuple[int, int], rng: np.random.Generator) -> list[Image.Image]:
    top, bottom, accent = palette(look, index)
    corner = [(0.85, 0.15), (0.15, 0.2), (0.8, 0.8), (0.2, 0.75)][index % 4]
    glow = _soft_layer(size, [(corner[0], corner[1], 0.45, accent, 40),
                              (corner[0], corner[1], 0.2, accent, 30)])
    w, h = size
    rule = Image.new("RGBA", size)
    y = round(h * (0.06 if index % 2 else 0.94))
    ImageDraw.Draw(rule).line((w * 0.1, y, w * 0.3, y), fill=(*rgb(accent), 150), width=max(1, h // 360))
    return [glow, rule]


def _confetti(look: Look, index: int, size: tuple[int, int], rng: np.random.Generator) -> list[Image.Image]:
    top, bottom, accent = palette(look, index)
    w, h = size
    short = min(w, h)
    blobs = _soft_layer(size, [
        (rng.random(), 0.1 + 0.2 * rng.random(), 0.25, "#FFFFFF", 60),
        (rng.random(), 0.8 + 0.2 * rng.random(), 0.3, "#FFFFFF", 50),
    ])
    paint = []
    colors = [(*rgb(accent), 200), (255, 255, 255, 190), (*rgb(look.text), 60)]
    for k in range(14):
        # Confetti along the edges (the middle is for the scene's own layers).
        edge = k % 4
        u = rng.random()
        v = 0.02 + 0.09 * rng.random()
        x, y = {0: (u, v), 1: (u, 1 - v), 2: (v, u), 3: (1 - v, u)}[edge]
        x, y = x * w, y * h
        r = short * (0.008 + 0.014 * rng.random())
        fill = colors[k % len(colors)]
        if k % 3 == 0:
            a = rng.random() * math.pi
            pts = [(x + r * 2.2 * math.cos(a + t), y + r * 2.2 * math.sin(a + t)) for t in (0, 2.1, 4.2)]
            paint.append(("polygon", pts, fill))
        else:
            paint.append(("ellipse", [(x - r, y - r), (x + r, y + r)], fill))
    return [blobs, _crisp_layer(size, paint)]


_MOTIFS = {"orbs": _orbs, "bands": _bands, "grain": _grain, "confetti": _confetti}


def _vignette(size: tuple[int, int], strength: float) -> np.ndarray:
    w, h = size
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    d = ((xs / w - 0.5) ** 2 + (ys / h - 0.5) ** 2) * 2.0
    return 1.0 - strength * np.clip(d, 0, 1) ** 1.5  # type: ignore[no-any-return]


def draw_background(look: Look, index: int, size: tuple[int, int]) -> Image.Image:
    """The background of scene `index` (RGB, `size`)."""
    top, bottom, _accent = palette(look, index)
    rng = np.random.default_rng([index, sum(map(ord, look.name))])
    angle = (index * 0.9 + 0.3) % (2 * math.pi) if look.motif == "bands" else 0.25 * ((index % 3) - 1)
    pixels = _gradient(size, top, bottom, angle)
    if look.motif == "grain":
        pixels *= _vignette(size, 0.55)[..., None]
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB").convert("RGBA")
    for layer in _MOTIFS[look.motif](look, index, size, rng):
        image.alpha_composite(layer)
    if look.motif == "grain":
        noise = rng.normal(0, 5, (size[1], size[0], 1)).astype(np.float32)
        arr = np.asarray(image.convert("RGB"), np.float32) + noise
        return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    return image.convert("RGB")
