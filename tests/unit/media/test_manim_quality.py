"""Doc 003's qualities and resolutions as frame sizes (videogen_media.manim.quality)."""

from __future__ import annotations

import pytest
from videogen_contracts.script.manim import QUALITIES, QUALITY_SIZES
from videogen_media.manim.quality import parse_resolution, render_size


def test_every_quality_has_a_size() -> None:
    assert set(QUALITY_SIZES) == set(QUALITIES)
    assert render_size("preview") == (426, 240, 15)
    assert render_size("low") == (854, 480, 15)
    assert render_size("medium") == (1280, 720, 30)
    assert render_size("high") == (1920, 1080, 60)
    assert render_size("production") == (2560, 1440, 60)


def test_overrides_win_one_by_one() -> None:
    assert render_size("low", width=640, height=360) == (640, 360, 15)
    assert render_size("high", fps=24) == (1920, 1080, 24)


@pytest.mark.parametrize(
    ("text", "size"),
    [("1080p", (1920, 1080)), ("720P", (1280, 720)), ("4k", (3840, 2160)),
     ("1920x1080", (1920, 1080)), (" 640X360 ", (640, 360))],
)
def test_resolutions_parse(text: str, size: tuple[int, int]) -> None:
    assert parse_resolution(text) == size


@pytest.mark.parametrize("text", ["", "999p", "1080", "1921x1080", "10x10", "99999x1080", "axb"])
def test_a_bad_resolution_names_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match=r"use one of 240p, 360p, .*, or WIDTHxHEIGHT"):
        parse_resolution(text)
