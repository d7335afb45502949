"""Find the caption font: from a wheel first, then the system; refuse to guess."""

from __future__ import annotations

import functools
import importlib.resources
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

FONT_ENV = "VIDEOGEN_CAPTION_FONT"

# Regular weights of common sans families, in order of preference, looked for under the
# usual system font directories when no font wheel is installed.
_SYSTEM_CANDIDATES = (
    "DejaVuSans.ttf",
    "NotoSans-Regular.ttf",
    "LiberationSans-Regular.ttf",
    "FreeSans.ttf",
)
_SYSTEM_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".fonts",
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts"),
)


class CaptionFontNotFound(RuntimeError):
    """No usable caption font; the media services refuse to start without one."""


@dataclass(frozen=True, slots=True)
class CaptionFont:
    path: Path
    family: str
    source: str  # "env", "wheel:<package>" or "system"

    @property
    def directory(self) -> Path:
        """The directory to give libass as `fontsdir`."""
        return self.path.parent

    def measure(self, size: int) -> ImageFont.FreeTypeFont:
        """The font at `size` pixels, for measuring glyph widths (`.getlength(text)`)."""
        return ImageFont.truetype(str(self.path), size)


def _family_of(path: Path) -> str:
    try:
        family, _style = ImageFont.truetype(str(path), 12).getname()
    except OSError as exc:
        raise CaptionFontNotFound(f"{path} is not a readable font: {exc}") from exc
    if not family:
        raise CaptionFontNotFound(f"{path} has no family name")
    return family


def _from_wheel() -> CaptionFont | None:
    if importlib.util.find_spec("fontpkg_noto_sans") is None:
        return None
    files = Path(str(importlib.resources.files("fontpkg_noto_sans"))) / "files"
    # The upright variable font; its default instance is the Regular weight.
    for path in sorted(files.glob("NotoSans[[]*.ttf")):
        return CaptionFont(path, _family_of(path), "wheel:fontpkg-noto-sans")
    return None


def _from_system() -> CaptionFont | None:
    for name in _SYSTEM_CANDIDATES:
        for root in _SYSTEM_DIRS:
            if not root.is_dir():
                continue
            for path in sorted(root.rglob(name)):
                return CaptionFont(path, _family_of(path), "system")
    return None


@functools.cache
def find_caption_font() -> CaptionFont:
    """The font captions are measured and rendered with (cached per process).

    `VIDEOGEN_CAPTION_FONT` (a .ttf/.otf path) wins; then the fontpkg-noto-sans wheel;
    then a common system sans font. Raises CaptionFontNotFound with the places searched.
    """
    override = os.environ.get(FONT_ENV)
    if override:
        path = Path(override)
        if not path.is_file():
            raise CaptionFontNotFound(f"{FONT_ENV}={override!r} is not a file")
        return CaptionFont(path, _family_of(path), "env")
    found = _from_wheel() or _from_system()
    if found is None:
        searched = ", ".join(str(d) for d in _SYSTEM_DIRS)
        raise CaptionFontNotFound(
            "no caption font found: install the fontpkg-noto-sans wheel, set "
            f"{FONT_ENV} to a .ttf file, or install one of {', '.join(_SYSTEM_CANDIDATES)} "
            f"under {searched}"
        )
    return found
