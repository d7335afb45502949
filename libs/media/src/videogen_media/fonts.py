"""Find the caption fonts: from wheels first, then the system; refuse to guess.

Two fonts: the caption font (Noto Sans: Latin, Greek, Cyrillic) and a CJK fallback (Noto
Sans CJK JP, which also draws Chinese and Korean), because no one font file of a sane size
holds both. Captions are measured with the font each character is drawn with
(`CaptionFont.measurer`), and the `.ass` names the fallback for CJK runs (captions.py),
since libass finds no fallback by itself among the fonts of its `fontsdir`.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

from videogen_media.caption_layout import Measure, cjk_runs

FONT_ENV = "VIDEOGEN_CAPTION_FONT"
CJK_FONT_ENV = "VIDEOGEN_CAPTION_CJK_FONT"

# Regular weights of common sans families, in order of preference, looked for under the
# usual system font directories when no font wheel is installed.
_SYSTEM_CANDIDATES = (
    "DejaVuSans.ttf", "NotoSans-Regular.ttf", "LiberationSans-Regular.ttf", "FreeSans.ttf",
)
_SYSTEM_CJK_CANDIDATES = ("NotoSansCJK-Regular.ttc", "NotoSansCJKjp-Regular.otf", "wqy-zenhei.ttc")
_SYSTEM_DIRS = (
    Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
    Path("/Library/Fonts"), Path("/System/Library/Fonts"),
)


class CaptionFontNotFound(RuntimeError):
    """No usable caption font; the media services refuse to start without one."""


@dataclass(frozen=True, slots=True)
class CaptionFont:
    path: Path
    family: str
    source: str  # "env", "wheel:<package>" or "system"
    # Draws the CJK characters this font lacks; None when no CJK font is installed.
    cjk: CaptionFont | None = None

    @property
    def directory(self) -> Path:
        """The directory to give libass as `fontsdir`: it holds this font and its fallback."""
        if self.cjk is None or self.cjk.path.parent == self.path.parent:
            return self.path.parent
        return _linked_dir((self.path, self.cjk.path))

    def measure(self, size: int) -> ImageFont.FreeTypeFont:
        """The font at `size` pixels, for measuring glyph widths (`.getlength(text)`)."""
        return ImageFont.truetype(str(self.path), size)

    def measurer(self, size: int) -> Measure:
        """Width of a text at `size`, each run measured with the font that draws it."""
        face = self.measure(size)
        if self.cjk is None:
            return face.getlength
        cjk_face = self.cjk.measure(size)
        return lambda text: sum(
            (cjk_face if cjk else face).getlength(run) for run, cjk in cjk_runs(text)
        )


def _linked_dir(paths: tuple[Path, ...]) -> Path:
    """A directory of links to `paths` (libass takes one fonts directory, they are in two),
    made once per machine and user; made whole under a temporary name, then renamed, so a
    process never sees it half made."""
    resolved = [p.resolve() for p in paths]
    digest = hashlib.sha256("\0".join(map(str, resolved)).encode()).hexdigest()[:16]
    final = Path(tempfile.gettempdir()) / f"videogen-fonts-{os.getuid()}-{digest}"
    if final.is_dir():
        return final
    staging = Path(tempfile.mkdtemp(prefix=".videogen-fonts-", dir=final.parent))
    for index, path in enumerate(resolved):
        (staging / f"{index}-{path.name}").symlink_to(path)
    try:
        staging.rename(final)
    except OSError:  # another process made it first: theirs is the same
        shutil.rmtree(staging, ignore_errors=True)
    return final


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


def _cjk_from_wheel() -> CaptionFont | None:
    if importlib.util.find_spec("noto_cjk_sans_jp_regular") is None:
        return None
    path = Path(str(importlib.resources.files("noto_cjk_sans_jp_regular"))) / (
        "NotoSansCJKjp-Regular.otf"
    )
    if not path.is_file():
        return None
    return CaptionFont(path, _family_of(path), "wheel:noto-cjk-sans-jp-regular")


def _from_system(names: tuple[str, ...] = _SYSTEM_CANDIDATES) -> CaptionFont | None:
    for name in names:
        for root in _SYSTEM_DIRS:
            if not root.is_dir():
                continue
            for path in sorted(root.rglob(name)):
                return CaptionFont(path, _family_of(path), "system")
    return None


def _from_env(name: str) -> CaptionFont | None:
    override = os.environ.get(name)
    if not override:
        return None
    path = Path(override)
    if not path.is_file():
        raise CaptionFontNotFound(f"{name}={override!r} is not a file")
    return CaptionFont(path, _family_of(path), "env")


def find_cjk_font() -> CaptionFont | None:
    """`VIDEOGEN_CAPTION_CJK_FONT`, else the noto-cjk-sans-jp-regular wheel, else a system
    CJK font; None when there is none (CJK captions then show as boxes)."""
    return _from_env(CJK_FONT_ENV) or _cjk_from_wheel() or _from_system(_SYSTEM_CJK_CANDIDATES)


@functools.cache
def find_caption_font() -> CaptionFont:
    """The font captions are measured and rendered with (cached per process), with its
    CJK fallback.

    `VIDEOGEN_CAPTION_FONT` (a .ttf/.otf path) wins; then the fontpkg-noto-sans wheel;
    then a common system sans font. Raises CaptionFontNotFound with the places searched.
    """
    found = _from_env(FONT_ENV) or _from_wheel() or _from_system()
    if found is None:
        searched = ", ".join(str(d) for d in _SYSTEM_DIRS)
        raise CaptionFontNotFound(
            "no font for captions: install the fontpkg-noto-sans wheel, set "
            f"{FONT_ENV} to a .ttf file, or install one of {', '.join(_SYSTEM_CANDIDATES)} "
            f"under {searched}"
        )
    cjk = find_cjk_font()
    if cjk is None or cjk.family == found.family:
        return found
    return CaptionFont(found.path, found.family, found.source, cjk)
