"""Scene text → a tight RGBA sprite, fitted to a box, in any script, with no tofu.

Each character is drawn with the first face of a chain that has it (the look's face, then
Noto Sans, Noto Sans Arabic, Rubik for Hebrew, Noto Sans CJK): coverage comes from each
font's cmap, so a character no face has (an emoji, here) is dropped rather than drawn as
a box. Spaces, digits and punctuation stay in the run they sit in, so an Arabic run keeps
its full stop and Pillow's raqm layout (HarfBuzz + FriBidi) shapes and orders it; a line
whose first strong character is right-to-left lays its runs out from the right.
Fitting: the largest size (down to a floor) whose wrapped lines fit the box's width, line
count and height; lines are measured with the faces that draw them, so nothing overflows.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from videogen_media.caption_layout import balance_pair, clean_caption_text, wrap
from videogen_media.font_files import codepoints, wheel_font
from videogen_media.fonts import find_caption_font, find_cjk_font

_NEUTRAL = frozenset(("WS", "ON", "CS", "ES", "ET", "EN", "AN", "NSM", "BN", "S", "B"))
_RTL = frozenset(("R", "AL"))
LINE_GAP = 1.12  # line height as a multiple of the size


@dataclass(frozen=True, slots=True)
class Face:
    path: Path
    weight: int = 400


@dataclass(frozen=True, slots=True)
class Block:
    """Text set at one size: its lines, each a list of (run, face)."""

    lines: tuple[tuple[tuple[str, Face], ...], ...]
    size: int
    width: int  # the widest line, in pixels
    ascent: int  # of the tallest face in it
    descent: int

    @property
    def height(self) -> int:
        gaps = max(0, len(self.lines) - 1) * round(self.size * LINE_GAP)
        return gaps + self.ascent + self.descent


@functools.cache
def fallbacks() -> tuple[Path, ...]:
    """The faces tried after a look's own, in order (those installed)."""
    found = [
        wheel_font("fontpkg_noto_sans", "NotoSans[[]*.ttf") or find_caption_font().path,
        wheel_font("fontpkg_noto_sans_arabic", "NotoSansArabic[[]*.ttf"),
        wheel_font("fontpkg_rubik", "Rubik[[]*.ttf"),
    ]
    cjk = find_cjk_font()
    found.append(cjk.path if cjk else None)
    return tuple(p for p in found if p is not None)


def chain(face: Face) -> tuple[Face, ...]:
    return (face, *(Face(p, face.weight) for p in fallbacks() if p != face.path))


@functools.lru_cache(maxsize=256)
def font(face: Face, size: int) -> ImageFont.FreeTypeFont:
    """`face` at `size` pixels, its weight axis set when it is a variable font."""
    loaded = ImageFont.truetype(str(face.path), size, layout_engine=ImageFont.Layout.RAQM)
    try:
        axes = loaded.get_variation_axes()
    except OSError:  # not a variable font
        return loaded
    values: list[float] = []
    for axis in axes:
        low, high, default = axis["minimum"] or 0, axis["maximum"] or 0, axis["default"] or 0
        weight = axis["name"] == b"Weight"
        values.append(float(max(low, min(high, face.weight)) if weight else default))
    loaded.set_variation_by_axes(values)
    return loaded


def runs(text: str, faces: Sequence[Face]) -> list[tuple[str, Face]]:
    """`text` cut into runs, each with the first face that has its characters; characters
    no face has are dropped; neutral characters join the run they are in."""
    out: list[tuple[str, Face]] = []
    for ch in clean_caption_text(text):
        code = ord(ch)
        neutral = unicodedata.bidirectional(ch) in _NEUTRAL
        if out and neutral and code in codepoints(out[-1][1].path):
            out[-1] = (out[-1][0] + ch, out[-1][1])
            continue
        face = next((f for f in faces if code in codepoints(f.path)), None)
        if face is None:
            continue
        if out and out[-1][1] == face:
            out[-1] = (out[-1][0] + ch, face)
        else:
            out.append((ch, face))
    return out


def is_rtl(text: str) -> bool:
    """Whether the first strongly directional character of `text` is right-to-left."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in _RTL:
            return True
        if kind == "L":
            return False
    return False


def _direction(text: str) -> str:
    return "rtl" if any(unicodedata.bidirectional(c) in _RTL for c in text) else "ltr"


def _run_width(run: str, face: Face, size: int) -> float:
    return float(font(face, size).getlength(run, direction=_direction(run)))


def _word_width(word: str, face: Face, size: int) -> float:
    if any(unicodedata.east_asian_width(c) in ("W", "F") for c in word):
        return 0.0
    return sum(_run_width(r, f, size) for r, f in runs(word, chain(face)))


def set_text(text: str, face: Face, size: int, max_width: float) -> Block:
    """`text` wrapped to `max_width` at `size` (two lines balanced)."""
    faces = chain(face)
    visible = "".join(run for run, _ in runs(text, faces))

    def measure(line: str) -> float:
        return sum(_run_width(r, f, size) for r, f in runs(line, faces))

    lines = balance_pair(wrap(visible, measure, max_width), measure, max_width)
    laid = tuple(tuple(runs(line, faces)) for line in lines)
    width = max((measure(line) for line in lines), default=0.0)
    used = {f for line in laid for _, f in line} or {face}
    metrics = [font(f, size).getmetrics() for f in used]
    ascent, descent = max(m[0] for m in metrics), max(m[1] for m in metrics)
    return Block(laid, size, int(width + 0.999), ascent, descent)


def fit_text(
    text: str, face: Face, *, size: int, min_size: int, width: int, height: int, max_lines: int
) -> Block:
    """The largest size ≤ `size` (≥ `min_size`) at which `text` fits the box; at the floor,
    the lines past `max_lines` are cut (with an ellipsis), so it always fits."""
    current = size
    words = [w for w in text.split() if w]
    while True:
        block = set_text(text, face, current, width)
        fits = len(block.lines) <= max_lines and block.height <= height and block.width <= width
        # A word cut in two ("HONEYBEE / S") is not a fit: set it smaller (CJK has no spaces
        # and wraps by characters, so only spaced words count).
        fits = fits and all(_word_width(w, face, current) <= width for w in words)
        if fits or current <= min_size:
            break
        current = max(min_size, int(current * 0.92))
    if len(block.lines) > max_lines or block.height > height:
        keep = max(1, min(max_lines, int(height // (current * LINE_GAP))))
        lines = block.lines[:keep]
        last = lines[-1]
        lines = (*lines[:-1], (*last[:-1], (last[-1][0].rstrip(" .,") + "…", last[-1][1])))
        block = Block(lines, current, block.width, block.ascent, block.descent)
    return block


def draw_block(
    block: Block, color: str, *, align: str = "left", shadow: str | None = None
) -> Image.Image:
    """The block as a tight RGBA image (`align`: left, center or right; an RTL line is
    aligned right when `align` is left)."""
    size = block.size
    pad = max(2, size // 10)
    line_h = round(size * LINE_GAP)
    image = Image.new("RGBA", (block.width + 2 * pad, block.height + 2 * pad))
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(block.lines):
        widths = [_run_width(r, f, size) for r, f in line]
        total = sum(widths)
        rtl = is_rtl("".join(r for r, _ in line))
        free = block.width - total
        start = {"left": free if rtl else 0.0, "center": free / 2, "right": free}[align]
        x = pad + start
        baseline = pad + index * line_h + block.ascent
        order = list(zip(line, widths, strict=True))
        for (run, face), run_w in reversed(order) if rtl else order:
            f = font(face, size)
            if shadow:
                draw.text(
                    (x + size * 0.03, baseline + size * 0.04),
                    run,
                    font=f,
                    fill=shadow,
                    anchor="ls",
                    direction=_direction(run),
                )
            draw.text(
                (x, baseline), run, font=f, fill=color, anchor="ls", direction=_direction(run)
            )
            x += run_w
    box = image.getbbox()
    return image.crop(box) if box else image.crop((0, 0, 1, 1))
