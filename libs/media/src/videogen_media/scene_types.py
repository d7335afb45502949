"""What a composed scene is, between its design (scene_design) and its encode (segment_render).

A scene is a full-frame background picture plus layers (transparent PNGs) placed on it,
each with an entrance and a slow drift. The renderer animates them with ffmpeg filters and
burns the captions on top; the still is how the scene looks once every layer has entered,
for a renderer that cannot animate (the one-pass fallback) and for the quality report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Entrance = Literal["none", "fade", "rise", "slide_left", "slide_right", "pop", "wipe"]
Transition = Literal["cut", "crossfade", "slide", "wipe"]
# How a scene's visual is meaningful, for the quality report: an icon (or several), stock
# footage, an upload or a Manim scene; "type" is a typographic card of the key phrase.
VisualSource = Literal["icon", "stock", "upload", "manim", "type"]


@dataclass(frozen=True, slots=True)
class Layer:
    """A transparent PNG at (x, y) of the frame (its top-left corner, in pixels)."""

    image: Path
    x: int
    y: int
    enter: Entrance = "fade"
    enter_at: float = 0.0  # seconds after the scene starts
    enter_s: float = 0.45
    # Slow drift after the entrance, in pixels per second (integer steps on screen).
    drift: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True, slots=True)
class ComposedScene:
    """One scene, ready to animate: background, layers, the still, and what it shows."""

    background: Path  # a PNG of the full frame
    layers: tuple[Layer, ...]
    still: Path  # the full frame once every layer is in (PNG)
    layout: str  # "title", "icon", "stat", "quote", "compare", "list", "type", "media"
    source: VisualSource
    icons: tuple[str, ...] = ()  # icon ids shown
    icon_tags: tuple[str, ...] = ()  # the tags that matched the sentence
    # A video or image (stock, upload, Manim) that replaces the background, moving.
    media: Path | None = None
    keywords: tuple[str, ...] = field(default=())
