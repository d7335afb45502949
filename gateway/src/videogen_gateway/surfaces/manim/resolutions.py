"""A doc 003 `resolution` as a frame size, or a 422 naming the field."""

from __future__ import annotations

from videogen_gateway.errors import ApiError
from videogen_gateway.surfaces.manim.bodies import UNPROCESSABLE
from videogen_media.manim.quality import parse_resolution


def frame_size(resolution: str | None, field: str = "resolution"
               ) -> tuple[int | None, int | None]:
    """(width, height) of the resolution; (None, None) to keep the quality's own."""
    if resolution is None:
        return None, None
    try:
        return parse_resolution(resolution)
    except ValueError as error:
        raise ApiError(UNPROCESSABLE, f"{field}: {error}", field) from None
