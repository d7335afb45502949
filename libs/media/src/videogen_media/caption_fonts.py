"""The chain of fonts a caption is drawn with, and which of them draws each character.

libass takes one font per run of text and, for a glyph that font lacks, asks fontconfig
for a system font: on a slim container there is none, and the glyph is a box (tofu). So
nothing is left to chance: every character is given to the first font of the chain whose
character map holds it (the caption font, then the CJK, Arabic and Hebrew fonts that ship
in wheels), the `.ass` names that font for its run, and a character no font of the chain
holds (most emoji: libass draws no colour glyphs) is dropped and reported, never drawn.

Sizes: libass scales a face so that its OS/2 winAscent + winDescent equals the ASS font
size (not its em, as Pillow does), so each face is measured at `size * upem / (winAscent +
winDescent)` pixels; a measured line is then the width libass draws, within a pixel or two.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from PIL import ImageFont

from videogen_media.font_files import codepoints, wheel_font
from videogen_media.fonts import CaptionFont, _linked_dir

Measure = Callable[[str], float]
# Characters that take the font of their neighbours (they have no glyph of their own to
# miss): spaces, joiners, bidi controls, variation selectors.
_NEUTRAL = frozenset(
    " \u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_WHEEL_FALLBACKS = (  # (module, file glob): script fonts added after the caption font
    ("fontpkg_noto_sans_arabic", "NotoSansArabic[[]*.ttf"),
    ("fontpkg_heebo", "Heebo[[]*.ttf"),
)
_SYSTEM_FALLBACK = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@dataclass(frozen=True, slots=True)
class ChainFont:
    path: Path
    family: str
    scale: float  # Pillow pixels per ASS size unit (see the module's docstring)


@functools.cache
def _scale(path: Path) -> float:
    font = TTFont(str(path), lazy=True, fontNumber=0)
    try:
        upem = font["head"].unitsPerEm
        if "OS/2" in font and font["OS/2"].usWinAscent + font["OS/2"].usWinDescent > 0:
            extent = font["OS/2"].usWinAscent + font["OS/2"].usWinDescent
        else:
            extent = font["hhea"].ascent - font["hhea"].descent
        return float(upem) / float(extent)
    finally:
        font.close()


@dataclass(frozen=True, slots=True)
class FontChain:
    fonts: tuple[ChainFont, ...]

    @property
    def primary(self) -> ChainFont:
        return self.fonts[0]

    @property
    def directory(self) -> Path:
        """The `fontsdir` for libass: every font of the chain, linked into one directory."""
        return _linked_dir(tuple(f.path for f in self.fonts))

    def font_of(self, ch: str) -> int | None:
        """Index of the first font that draws `ch`; None when none does."""
        code = ord(ch)
        for index, font in enumerate(self.fonts):
            if code in codepoints(font.path):
                return index
        return None

    def drawable(self, text: str) -> tuple[str, str]:
        """(the text without the characters no font draws, those characters)."""
        kept: list[str] = []
        dropped: list[str] = []
        for ch in text:
            (kept if ch in _NEUTRAL or self.font_of(ch) is not None else dropped).append(ch)
        return "".join(kept), "".join(dropped)

    def runs(self, text: str) -> list[tuple[str, ChainFont]]:
        """`text` (drawable) cut into runs of one font; neutral characters join the run
        before them (the first one the run after)."""
        owners: list[int] = []
        for ch in text:
            index = None if ch in _NEUTRAL else self.font_of(ch)
            owners.append(index if index is not None else (owners[-1] if owners else -1))
        first = next((o for o in owners if o >= 0), 0)
        owners = [first if o < 0 else o for o in owners]
        grouped = itertools.groupby(zip(text, owners, strict=True), key=lambda p: p[1])
        return [("".join(ch for ch, _ in run), self.fonts[o]) for o, run in grouped]

    def factor(self, font: ChainFont) -> float:
        """The ASS size of `font` relative to the caption font's, for the same em: a face
        with tall ascenders (Arabic) would otherwise draw smaller than its neighbours."""
        return self.primary.scale / font.scale

    def measurer(self, size: int) -> Measure:
        """Width libass gives a text at ASS font size `size`, each run with its own face
        (every face at the caption font's em, as the `.ass` sizes them)."""
        faces = _faces(tuple(f.path for f in self.fonts), size * self.primary.scale)
        return lambda text: sum(faces[f.path].getlength(run) for run, f in self.runs(text))

    def line_height(self, text: str, size: int) -> float:
        """libass's height of a line: the tallest of its runs' ASS sizes."""
        return max((size * self.factor(f) for _, f in self.runs(text)), default=float(size))


@functools.lru_cache(maxsize=64)
def _faces(paths: tuple[Path, ...], em: float) -> dict[Path, ImageFont.FreeTypeFont]:
    return {path: ImageFont.truetype(str(path), em) for path in paths}


def _chain_font(path: Path, family: str | None = None) -> ChainFont:
    name = family or ImageFont.truetype(str(path), 12).getname()[0] or path.stem
    return ChainFont(path, name, _scale(path))


@functools.cache
def font_chain(font: CaptionFont) -> FontChain:
    """The caption font, its CJK fallback, then the Arabic and Hebrew wheel fonts (the
    system's DejaVu Sans when neither wheel is installed)."""
    paths: list[tuple[Path, str | None]] = [(font.path, font.family)]
    if font.cjk is not None:
        paths.append((font.cjk.path, font.cjk.family))
    extra = [p for p in (wheel_font(m, g) for m, g in _WHEEL_FALLBACKS) if p is not None]
    if not extra and _SYSTEM_FALLBACK.is_file():
        extra = [_SYSTEM_FALLBACK]
    paths.extend((p, None) for p in extra)
    return FontChain(tuple(_chain_font(p, f) for p, f in paths))
