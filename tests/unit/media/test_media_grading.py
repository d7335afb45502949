"""Colour grades as ffmpeg filters, checked on decoded pixels (ffmpeg runs the chain)."""

from __future__ import annotations

import subprocess

import numpy as np
import numpy.typing as npt
import pytest
from videogen_contracts.media.editing import ColorGrade
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.grading import grade_digest, grade_filter, grade_steps

W, H = 160, 120


def _frame(vf: str | None, pix_fmt: str) -> npt.NDArray[np.uint8]:
    """One frame of testsrc2 through `vf`, as raw `pix_fmt` bytes (planes in order)."""
    chain = ",".join(part for part in (vf, f"format={pix_fmt}") if part)
    out = subprocess.run(
        [ffmpeg_executable(), "-v", "error", "-f", "lavfi", "-i", f"testsrc2=s={W}x{H}:d=1",
         "-frames:v", "1", "-vf", chain, "-f", "rawvideo", "-"],
        check=True, capture_output=True,
    ).stdout
    return np.frombuffer(out, dtype=np.uint8)


def _yuv444(grade: ColorGrade | None) -> npt.NDArray[np.uint8]:
    return _frame(grade_filter(grade), "yuv444p").reshape(3, H, W)


def _rgb(grade: ColorGrade | None) -> npt.NDArray[np.uint8]:
    return _frame(grade_filter(grade), "rgb24").reshape(H, W, 3)


def _psnr(a: npt.NDArray[np.uint8], b: npt.NDArray[np.uint8]) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255**2 / mse)


def test_a_neutral_grade_is_no_filter_and_changes_nothing() -> None:
    assert grade_steps(None) == grade_steps(ColorGrade()) == []
    assert grade_filter(ColorGrade()) is None
    assert grade_digest(ColorGrade()) == grade_digest(None) == "none"
    assert _psnr(_rgb(ColorGrade()), _rgb(None)) == float("inf")


def test_brightness_raises_mean_luma() -> None:
    plain = _yuv444(None)[0].mean()
    brighter = _yuv444(ColorGrade(brightness=0.2))[0].mean()
    darker = _yuv444(ColorGrade(brightness=-0.2))[0].mean()
    assert brighter > plain + 20
    assert darker < plain - 20


def test_saturation_zero_is_grey() -> None:
    original = _yuv444(None)
    assert np.abs(original[1:].astype(int) - 128).mean() > 10  # testsrc2 is colourful
    grey = _yuv444(ColorGrade(saturation=0.0))
    assert np.abs(grey[1:].astype(int) - 128).max() <= 1


def test_contrast_and_gamma_change_the_picture() -> None:
    plain = _yuv444(None)[0].astype(float)
    assert _yuv444(ColorGrade(contrast=2.0))[0].std() > plain.std() + 5
    assert _yuv444(ColorGrade(gamma=2.0))[0].mean() > plain.mean() + 10


@pytest.mark.parametrize("temperature", [0.5, 1.0])
def test_a_warm_temperature_raises_red_over_blue(temperature: float) -> None:
    def red_over_blue(rgb: npt.NDArray[np.uint8]) -> float:
        return float(rgb[..., 0].mean() - rgb[..., 2].mean())

    plain = red_over_blue(_rgb(None))
    warm = red_over_blue(_rgb(ColorGrade(temperature=temperature)))
    cool = red_over_blue(_rgb(ColorGrade(temperature=-temperature)))
    assert warm > plain + 10 * temperature
    assert cool < plain - 5 * temperature


def test_hue_shift_moves_chroma_and_keeps_luma() -> None:
    plain, shifted = _yuv444(None), _yuv444(ColorGrade(hue_shift=120.0))
    assert np.abs(plain[1:].astype(int) - shifted[1:].astype(int)).mean() > 10
    assert abs(plain[0].mean() - shifted[0].mean()) < 5


def test_only_the_fields_set_become_filters_and_the_digest_follows_them() -> None:
    assert grade_filter(ColorGrade(brightness=0.1)) == "eq=brightness=0.1"
    assert grade_filter(ColorGrade(hue_shift=-30, temperature=0.25, contrast=1.5)) == (
        "eq=contrast=1.5,colortemperature=temperature=3000:mix=0.25,hue=h=-30"
    )
    assert grade_digest(ColorGrade(gamma=1.2)) == grade_digest(ColorGrade(gamma=1.2))
    assert grade_digest(ColorGrade(gamma=1.2)) != grade_digest(ColorGrade(gamma=1.3))
