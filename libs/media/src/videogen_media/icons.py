"""The installed icon set (Font Awesome Free): icons matched to a sentence, rasterised tinted.

`IconSet.installed()` reads the `fontawesomefree` wheel's metadata once per process; matching
is pure and deterministic (icon_matching); rasterising goes through resvg (resvg-py).
Font Awesome Free icons are CC BY 4.0: credit "Icons by Font Awesome (fontawesome.com)".
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Collection, Sequence
from functools import lru_cache
from pathlib import Path

import resvg_py
from PIL import Image

from videogen_media.icon_catalogue import (
    IconSetMissing,
    credit_line,
    font_awesome_root,
    font_awesome_version,
    load_icons,
)
from videogen_media.icon_matching import TagIndex, match_words
from videogen_media.icon_types import Icon, IconMatch

__all__ = ["Icon", "IconMatch", "IconSet", "IconSetMissing"]

_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_VIEWBOX = re.compile(r'viewBox="\s*([-\d.]+)[\s,]+([-\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"')
MAX_SIZE = 4096


class IconSet:
    """Icons with their tags, a matcher over them, and a rasteriser."""

    _installed: IconSet | None = None
    _lock = threading.Lock()

    def __init__(self, icons: Sequence[Icon], *, credit: str = "") -> None:
        self._index = TagIndex(icons)
        self.credit = credit  # the attribution to show wherever these icons appear


    @classmethod
    def installed(cls) -> IconSet:
        """The Font Awesome Free set of the installed wheel, built once per process."""
        # The lock makes concurrent first calls (threads of a worker) build the index once.
        with cls._lock:
            if cls._installed is None:
                root = font_awesome_root()
                credit = credit_line(font_awesome_version(root))
                cls._installed = cls(load_icons(root), credit=credit)
            return cls._installed

    @property
    def icons(self) -> tuple[Icon, ...]:
        return self._index.icons

    def get(self, icon_id: str) -> Icon:
        """The icon of that id; KeyError names an unknown one."""
        try:
            return self._index.icons[self._index.by_id[icon_id]]
        except KeyError:
            raise KeyError(f"no icon named {icon_id!r} in the set") from None

    def match(self, text: str, *, limit: int = 3, exclude: Collection[str] = ()) -> list[IconMatch]:
        """Up to `limit` icons for the text's words, best first; [] when nothing fits."""
        if limit < 0:
            raise ValueError(f"limit must be >= 0, got {limit}")
        return match_words(self._index, text, limit=limit, exclude=exclude)

    def rasterise(self, icon: Icon, size: int, color: str) -> Image.Image:
        """The icon as a square RGBA image `size` wide: the glyph fitted, centred, in #rrggbb."""
        if not isinstance(size, int) or not 1 <= size <= MAX_SIZE:
            raise ValueError(f"icon size must be an integer 1..{MAX_SIZE}, got {size!r}")
        if not _COLOR.fullmatch(color):
            raise ValueError(f"icon colour must be #rrggbb, got {color!r}")
        return _rasterise(icon.svg, size, color.lower()).copy()


@lru_cache(maxsize=256)
def _rasterise(svg_path: Path, size: int, color: str) -> Image.Image:
    # Cached: a video repeats the same few icons at one size; callers get a copy to mutate.
    try:
        svg = svg_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise IconSetMissing(f"icon SVG missing: {svg_path}") from None
    width, height = _fit(svg, size)
    png = resvg_py.svg_to_bytes(svg_string=svg, width=width, height=height, skip_system_fonts=True)
    glyph = Image.open(io.BytesIO(bytes(png))).convert("RGBA")
    # Font Awesome paths carry no fill (black by default): keep resvg's coverage as alpha and
    # paint every pixel the one colour, so antialiased edges are the colour, never grey.
    tinted = Image.new("RGBA", glyph.size, color)
    tinted.putalpha(glyph.getchannel("A"))
    canvas = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    canvas.paste(tinted, ((size - glyph.width) // 2, (size - glyph.height) // 2))
    return canvas


def _fit(svg: str, size: int) -> tuple[int, int]:
    found = _VIEWBOX.search(svg)
    if found is None:
        return size, size
    w, h = float(found.group(3)), float(found.group(4))
    if w <= 0 or h <= 0:
        return size, size
    scale = size / max(w, h)
    return max(1, round(w * scale)), max(1, round(h * scale))
