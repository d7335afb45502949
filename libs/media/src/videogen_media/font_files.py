"""Font files that ship in wheels, and which characters each one has.

One place for both questions, asked by the caption font chain (caption_fonts) and the
scene typesetter (typeset, looks): each fontpkg wheel keeps its faces under `files/`, and
a font's character map (read once per file, lazily, with fontTools) says whether it can
draw a character, so a chain picks the first face that can and nothing is drawn as tofu.
"""

from __future__ import annotations

import functools
import importlib.resources
import importlib.util
from pathlib import Path

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]


def wheel_font(package: str, pattern: str) -> Path | None:
    """The first file matching `pattern` in the fontpkg wheel `package`; None without it."""
    if importlib.util.find_spec(package) is None:
        return None
    files = Path(str(importlib.resources.files(package))) / "files"
    return next(iter(sorted(files.glob(pattern))), None)


@functools.cache
def codepoints(path: Path) -> frozenset[int]:
    """Every character the font maps to a glyph (cached: fonts do not change under us)."""
    font = TTFont(str(path), lazy=True, fontNumber=0)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()
