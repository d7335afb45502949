"""The four looks of a designed video: palette, type, motion, captions and music mood.

One look per video. Each is a small design system: palettes that rotate per scene (so
neighbours differ while the video stays one piece), a display face and a text face with
a type scale, how layers enter and scenes change, the captions' style and highlight, and
the music bed's mood. The faces come from font wheels (fontpkg-*), all variable fonts:
`weights` picks the weight of `font` and `bold_font` on their weight axis.

- clean: light paper tints, one calm accent, Noto Sans; fades and crossfades.
- bold: saturated two-colour gradients, Montserrat Black in capitals, big figures;
  slides.
- documentary: dark, film-like, Playfair Display (a serif) over Noto Sans; slow fades,
  long crossfades.
- playful: bright sweets, Fredoka (rounded), pop entrances; slides.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from videogen_contracts.media.events import CaptionStyleName, VisualStyle

from videogen_media.font_files import wheel_font
from videogen_media.fonts import find_caption_font
from videogen_media.scene_types import Entrance, Transition

Motif = Literal["orbs", "bands", "grain", "confetti"]
# Indices into Look.scale.
FIGURE, TITLE, HEADLINE, BODY, SMALL = range(5)


@dataclass(frozen=True, slots=True)
class Look:
    name: VisualStyle
    palettes: tuple[tuple[str, str, str], ...]  # per scene: (background top, bottom, accent)
    text: str
    muted: str
    font: Path  # body text
    bold_font: Path  # headlines, figures
    # Sizes as fractions of the frame's short side: figure, title, headline, body, small.
    scale: tuple[float, ...]
    transition: Transition
    transition_s: float
    entrance: Entrance
    caption_style: CaptionStyleName
    caption_highlight: str
    music_mood: str
    weights: tuple[int, int] = (400, 700)  # of `font`, `bold_font` (variable fonts)
    motif: Motif = "orbs"  # the background's shapes
    roundness: float = 0.5  # corners of cards and badges, 0 (square) to 1 (pill)
    uppercase: bool = False  # headlines set in capitals
    enter_s: float = 0.45  # how long one layer's entrance lasts
    # The soft shape behind an icon: "disc" (filled, pale accent) or "ring" (outline).
    icon_shape: Literal["disc", "ring", "blob"] = "disc"


def _wheel_font(package: str, pattern: str) -> Path:
    """A font file shipped in a fontpkg wheel; the caption font if the wheel is missing
    (the scenes then look plainer, but never fail)."""
    return wheel_font(package, pattern) or find_caption_font().path


def _noto() -> Path:
    return _wheel_font("fontpkg_noto_sans", "NotoSans[[]*.ttf")


def _clean() -> Look:
    return Look(
        name="clean",
        palettes=(
            ("#F7F9FC", "#E3ECF7", "#2563EB"),
            ("#FBF7F1", "#F1E6D6", "#D9711C"),
            ("#F3FAF6", "#DDEFE4", "#15935F"),
            ("#F9F5FB", "#ECE1F3", "#8B3FC2"),
            ("#F2F8FA", "#DCEBF1", "#0B8AA5"),
        ),
        text="#17202B",
        muted="#5B6675",
        font=_noto(),
        bold_font=_noto(),
        scale=(0.26, 0.105, 0.082, 0.05, 0.03),
        weights=(400, 650),
        transition="crossfade",
        transition_s=0.5,
        entrance="fade",
        enter_s=0.5,
        caption_style="karaoke",
        caption_highlight="#FFC93C",
        music_mood="calm",
        motif="orbs",
        roundness=0.35,
        icon_shape="disc",
    )


def _bold() -> Look:
    montserrat = _wheel_font("fontpkg_montserrat", "Montserrat[[]*.ttf")
    return Look(
        name="bold",
        palettes=(
            ("#FF2E63", "#7A1FA2", "#FFE45C"),
            ("#2D3CFF", "#8A00D4", "#FF9F1C"),
            ("#00A884", "#00506B", "#FFE45C"),
            ("#FF6A00", "#C9004F", "#FFF3B0"),
            ("#111827", "#3B0764", "#22D3EE"),
        ),
        text="#FFFFFF",
        muted="#FFE9F2",
        font=montserrat,
        bold_font=montserrat,
        scale=(0.34, 0.13, 0.098, 0.056, 0.033),
        weights=(600, 900),
        transition="slide",
        transition_s=0.35,
        entrance="slide_left",
        enter_s=0.35,
        caption_style="highlight",
        caption_highlight="#FFE45C",
        music_mood="energetic",
        motif="bands",
        roundness=0.1,
        uppercase=True,
        icon_shape="disc",
    )


def _documentary() -> Look:
    return Look(
        name="documentary",
        palettes=(
            ("#1E2533", "#090C12", "#D6A44B"),
            ("#24211C", "#0C0B09", "#C8A46E"),
            ("#15262D", "#060D10", "#86BFD0"),
            ("#2A1D1F", "#0E0909", "#D08F6E"),
        ),
        text="#F3EEE4",
        muted="#A8A295",
        font=_noto(),
        bold_font=_wheel_font("fontpkg_playfair_display", "PlayfairDisplay[[]*.ttf"),
        scale=(0.24, 0.10, 0.078, 0.046, 0.028),
        weights=(400, 600),
        transition="crossfade",
        transition_s=0.9,
        entrance="fade",
        enter_s=0.9,
        caption_style="classic",
        caption_highlight="#D6A44B",
        music_mood="reflective",
        motif="grain",
        roundness=0.0,
        icon_shape="ring",
    )


def _playful() -> Look:
    fredoka = _wheel_font("fontpkg_fredoka", "Fredoka[[]*.ttf")
    return Look(
        name="playful",
        palettes=(
            ("#FFE66D", "#FFB347", "#FF4F79"),
            ("#7FE3D4", "#38B2AC", "#FF6F59"),
            ("#FFC2D4", "#FF8FAB", "#5B3FD9"),
            ("#C6B6FF", "#8E7CFF", "#FFD23F"),
            ("#B9F3A5", "#5DCB8A", "#FF5E5B"),
        ),
        text="#2B1D45",
        muted="#4D3F66",
        font=fredoka,
        bold_font=fredoka,
        scale=(0.3, 0.12, 0.09, 0.055, 0.032),
        weights=(500, 650),
        transition="slide",
        transition_s=0.4,
        entrance="pop",
        enter_s=0.4,
        caption_style="word_by_word",
        caption_highlight="#FF4F79",
        music_mood="bright",
        motif="confetti",
        roundness=1.0,
        icon_shape="blob",
    )


_LOOKS = {"clean": _clean, "bold": _bold, "documentary": _documentary, "playful": _playful}


@functools.cache
def look_for(style: VisualStyle) -> Look:
    """The look of a style; ValueError naming the four for anything else."""
    try:
        return _LOOKS[style]()
    except KeyError:
        raise ValueError(
            f"unknown visual style {style!r}: use one of {', '.join(_LOOKS)}"
        ) from None
