"""The caption font: from the wheel by default, an explicit override, a clear refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from videogen_media import fonts
from videogen_media.fonts import FONT_ENV, CaptionFontNotFound, find_caption_font


@pytest.fixture(autouse=True)
def _fresh_cache() -> object:
    find_caption_font.cache_clear()
    yield
    find_caption_font.cache_clear()


def test_the_wheel_font_is_found_and_measures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(FONT_ENV, raising=False)
    font = find_caption_font()
    assert font.source == "wheel:fontpkg-noto-sans"
    assert font.family == "Noto Sans"
    assert font.path.is_file()
    assert font.directory.is_dir()
    face = font.measure(40)
    assert face.getlength("WWWW") > face.getlength("iiii") > 0


def test_an_override_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    wheel = find_caption_font()
    find_caption_font.cache_clear()
    monkeypatch.setenv(FONT_ENV, str(wheel.path))
    assert find_caption_font().source == "env"


def test_a_bad_override_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(FONT_ENV, str(tmp_path / "missing.ttf"))
    with pytest.raises(CaptionFontNotFound, match=FONT_ENV):
        find_caption_font()
    not_a_font = tmp_path / "fake.ttf"
    not_a_font.write_bytes(b"not a font")
    monkeypatch.setenv(FONT_ENV, str(not_a_font))
    with pytest.raises(CaptionFontNotFound, match="not a readable font"):
        find_caption_font()


def test_no_font_anywhere_refuses_with_the_places_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(FONT_ENV, raising=False)
    monkeypatch.setattr(fonts, "_from_wheel", lambda: None)
    monkeypatch.setattr(fonts, "_SYSTEM_DIRS", (Path("/nonexistent-fonts"),))
    with pytest.raises(CaptionFontNotFound, match="fontpkg-noto-sans"):
        find_caption_font()
    with pytest.raises(CaptionFontNotFound, match="no font for captions"):
        find_caption_font()


def test_cjk_has_a_fallback_font_measured_and_beside_the_caption_font(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(FONT_ENV, raising=False)
    font = find_caption_font()
    assert font.cjk is not None
    assert font.cjk.source == "wheel:noto-cjk-sans-jp-regular"
    assert font.cjk.family == "Noto Sans CJK JP"
    # libass takes one fonts directory: both fonts are in it.
    names = sorted(p.resolve() for p in font.directory.iterdir())
    assert names == sorted([font.path.resolve(), font.cjk.path.resolve()])
    assert font.directory == font.directory  # made once, then reused
    measure, main, cjk = font.measurer(40), font.measure(40), font.cjk.measure(40)
    assert measure("Tokyo") == main.getlength("Tokyo")
    assert measure("東京") == cjk.getlength("東京")
    assert measure("Tokyo 東京") == main.getlength("Tokyo ") + cjk.getlength("東京")


def test_a_cjk_override_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    wheel = find_caption_font()
    find_caption_font.cache_clear()
    monkeypatch.setenv(fonts.CJK_FONT_ENV, str(wheel.path))  # the same family: no fallback
    assert find_caption_font().cjk is None
