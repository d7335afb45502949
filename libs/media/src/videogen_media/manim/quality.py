"""Doc 003's render qualities as frame sizes and rates, and its resolution strings."""

from __future__ import annotations

import re

from videogen_contracts.script.manim import QUALITY_SIZES, RESOLUTIONS, Quality

_WIDTH_BY_HEIGHT = re.compile(r"^\s*(\d{2,5})\s*[xX]\s*(\d{2,5})\s*$")


def render_size(
    quality: Quality, width: int | None = None, height: int | None = None,
    fps: int | None = None,
) -> tuple[int, int, int]:
    """(width, height, fps) of a quality; each override given wins over the preset."""
    base_width, base_height, base_fps = QUALITY_SIZES[quality]
    return (width or base_width, height or base_height, fps or base_fps)


def parse_resolution(text: str) -> tuple[int, int]:
    """(width, height) of a named resolution ("1080p") or of "WIDTHxHEIGHT"."""
    named = RESOLUTIONS.get(text.strip().lower())
    if named is not None:
        return named
    match = _WIDTH_BY_HEIGHT.match(text)
    # Encoders want even sizes; 16 px is the smallest frame Manim renders sensibly.
    if match is not None:
        width, height = int(match.group(1)), int(match.group(2))
        if 16 <= width <= 7680 and 16 <= height <= 4320 and width % 2 == 0 == height % 2:
            return width, height
    accepted = ", ".join(RESOLUTIONS)
    raise ValueError(
        f"unknown resolution {text[:40]!r}: use one of {accepted}, or WIDTHxHEIGHT "
        "(even numbers, at most 7680x4320)"
    )
