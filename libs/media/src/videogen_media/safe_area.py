"""Where captions go on each frame shape, and what the scene design must leave free.

One definition for both sides: the captions (word_captions) are laid out inside the
band, and the scene layouts (scene_design) keep their text and icons out of it.
Fractions of the frame's height; the title/action-safe margins follow EBU R 95 (5 % action
safe, 10 % title safe on each side), the 9:16 band sits above the bottom sixth, where
phone apps draw their own buttons.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Position = Literal["bottom", "center", "top"]
TITLE_SAFE = 0.10  # each side, of the width (horizontal) and of the height (vertical)
ACTION_SAFE = 0.05


@dataclass(frozen=True, slots=True)
class Band:
    """A horizontal strip of the frame, in pixels: [top, bottom)."""

    top: int
    bottom: int

    @property
    def height(self) -> int:
        return self.bottom - self.top


def default_position(width: int, height: int) -> Position:
    """Large and centred for 9:16 (the shorts style), at the bottom otherwise."""
    return "center" if height > width else "bottom"


def caption_band(width: int, height: int, position: Position | None = None) -> Band:
    """The strip the captions are laid out in (and that the scene must leave free)."""
    where = position or default_position(width, height)
    portrait = height > width
    if where == "top":
        return Band(round(height * TITLE_SAFE), round(height * 0.30))
    if where == "center":
        # Below the picture's centre, so an icon above and the words below both read.
        return Band(
            round(height * (0.58 if portrait else 0.55)),
            round(height * (0.78 if portrait else 0.80)),
        )
    return Band(
        round(height * (0.66 if portrait else 0.72)), round(height * (0.84 if portrait else 0.93))
    )


def picture_area(width: int, height: int, position: Position | None = None) -> Band:
    """The strip the scene's own text and icons may use: the frame minus the caption band
    (the larger side of it) inside the title-safe margins."""
    band = caption_band(width, height, position)
    top_safe, bottom_safe = round(height * ACTION_SAFE), round(height * (1 - ACTION_SAFE))
    above = Band(top_safe, band.top - round(height * 0.02))
    below = Band(band.bottom + round(height * 0.02), bottom_safe)
    return above if above.height >= below.height else below
