"""Offline visuals: keywords, palettes and background sources."""

from __future__ import annotations

import re

import pytest
from videogen_media.visuals import (
    Background,
    background_for,
    background_source,
    keywords_of,
    palette_for,
)

HEX = re.compile(r"^#[0-9a-f]{6}$")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The ocean is deep and the ocean is blue.", ["ocean", "deep", "blue"]),
        ("A volcano erupted near the small village.", ["volcano", "erupted", "village"]),
        ("It is what it is.", ["it"]),
        ("東京の夜景はとても美しい", ["東京の夜景はとても美しい"]),
        ("Dr. Smith's river's edge", ["smith's", "river's", "edge"]),
    ],
)
def test_keywords_are_salient_words(text: str, expected: list[str]) -> None:
    assert keywords_of(text) == expected


def test_palette_is_deterministic_hex_and_follows_known_words() -> None:
    ocean = palette_for(["ocean", "waves"])
    assert ocean == palette_for(["ocean", "waves"])
    assert all(HEX.match(c) for c in ocean)
    r, _g, b = (int(ocean[0][i : i + 2], 16) for i in (1, 3, 5))
    assert b > r  # blue-ish
    fire = palette_for(["fire"])
    assert int(fire[0][1:3], 16) > int(fire[0][5:7], 16)  # red-ish
    assert palette_for(["alpha"]) != palette_for(["omega"])
    assert palette_for(["forests"])[0] == palette_for(["forest"])[0]


def test_neighbouring_scenes_alternate_style() -> None:
    a, b = background_for("Same words here.", 0), background_for("Same words here.", 1)
    assert a.palette == b.palette
    assert a.style != b.style


@pytest.mark.parametrize("motion", [True, False])
def test_background_source_is_exact_in_frames_and_format(motion: bool) -> None:
    bg = Background(("#102030", "#405060", "#000000"), "radial", 7, motion)
    source = background_source(bg, 1280, 720, 30, 95)
    assert source.startswith("gradients=")
    assert "c0=0x102030:c1=0x405060:c2=0x000000" in source
    assert "format=yuv420p" in source
    assert source.endswith("setpts=N/30/TB")
    assert ("trim=end_frame=95" in source) if motion else ("loop=loop=94" in source)
