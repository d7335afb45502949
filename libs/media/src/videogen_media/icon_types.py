"""An icon of the installed set, and a word of a sentence matched to one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Icon:
    id: str  # the set's name for it: "sun", "building-columns"
    label: str
    terms: tuple[str, ...]  # search terms and former names, lower-case
    categories: tuple[str, ...]  # category ids: "weather", "food-beverage"
    svg: Path

    @property
    def brand(self) -> bool:
        """A logo (Font Awesome's brands style): matched only by its exact name."""
        return self.svg.parent.name == "brands"


@dataclass(frozen=True, slots=True)
class IconMatch:
    icon: Icon
    word: str  # the sentence's word, lower-case
    tag: str  # the icon name, term or category it matched
    score: float
