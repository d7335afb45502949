"""The caption font: found at start from a wheel or the system, or the service refuses to start.

Captions are measured (glyph widths, for wrapping) with the same font file the renderer is
pointed at, so a line that fits here fits on screen. No system font is assumed: the
`fontpkg-noto-sans` wheel is tried first, then common system font directories.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

SYSTEM_FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)
# Preferred system families, best first, when the wheel is missing.
SYSTEM_PREFERENCE = ("NotoSans-Regular", "DejaVuSans", "LiberationSans-Regular", "Arial")


class NoCaptionFont(RuntimeError):
    """No usable font anywhere: captions cannot be drawn, so the service must not start."""


@dataclass(frozen=True, slots=True)
class CaptionFont:
    path: Path
    family: str

    def measure(self, size: int) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(str(self.path), size)


def find_caption_font() -> CaptionFont:
    for candidate in [*_wheel_fonts(), *_system_fonts()]:
        try:
            family = ImageFont.truetype(str(candidate), 12).getname()[0]
        except OSError:
            continue  # unreadable or not a font after all
        if family:
            return CaptionFont(candidate, family)
    raise NoCaptionFont(
        "no font for captions: install the fontpkg-noto-sans wheel or a TrueType font "
        f"under one of {[str(d) for d in SYSTEM_FONT_DIRS]}"
    )


def _wheel_fonts() -> list[Path]:
    try:
        import fontpkg  # type: ignore[import-untyped]
    except ImportError:
        return []
    try:
        return [Path(fontpkg.path("Noto Sans"))]
    except fontpkg.FontpkgError:
        return []


def _system_fonts() -> list[Path]:
    found = [
        path
        for root in SYSTEM_FONT_DIRS
        if root.is_dir()
        for path in root.rglob("*")
        if path.suffix.lower() in (".ttf", ".otf")
    ]

    def rank(path: Path) -> tuple[int, str]:
        names = [p.lower() for p in SYSTEM_PREFERENCE]
        stem = path.stem.lower()
        return (names.index(stem) if stem in names else len(names), str(path))

    return sorted(found, key=rank)
