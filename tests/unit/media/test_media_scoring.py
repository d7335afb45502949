"""The offline variant scorer measures: the right change in the box scores well, the wrong
change, no change, or a change spilling over the frame scores poorly, and `details` names
the figures. Frames are made here with numpy (and one real clip with ffmpeg)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from videogen_contracts.media.ai_edits import Box
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.scoring import Measurement, masks, measure_frames, rating, score_variant

BOX = Box(x=100, y=60, width=120, height=80)
H, W = 180, 320


def _scene(seed: int = 7) -> np.ndarray:
    """A colourful, textured frame: smooth gradients plus fine noise (so blurs show)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:H, 0:W]
    base = np.stack([xx * 255 / W, yy * 255 / H, (xx + yy) * 127 / (W + H) + 64], axis=2)
    checks = ((xx // 6 + yy // 6) % 2) * 40.0
    noisy = base + checks[..., None] + rng.normal(0, 18, (H, W, 3))
    return np.clip(noisy, 0, 255).astype(np.uint8)


def _in_box(frame: np.ndarray, change: np.ndarray) -> np.ndarray:
    out = frame.copy()
    sl = np.s_[BOX.y:BOX.y + BOX.height, BOX.x:BOX.x + BOX.width]
    out[sl] = change[sl]
    return out


def _blurred(frame: np.ndarray, radius: int = 4) -> np.ndarray:
    return np.asarray(Image.fromarray(frame).resize((W // radius, H // radius)).resize(
        (W, H), Image.Resampling.BILINEAR), dtype=np.uint8)


def _score(after: np.ndarray, operation: str, color: str | None = None,
           compare_to: str = "prompt", before: np.ndarray | None = None) -> Measurement:
    original = _scene() if before is None else before
    return measure_frames([original], [after], box=BOX, operation=operation, color=color,
                          compare_to=compare_to)  # type: ignore[arg-type]


def _word(rated: str) -> str:
    return rated.split(" ")[0]


GOOD = {"excellent", "good"}


def test_the_rating_scale_is_words_with_the_figure() -> None:
    assert rating(0.93) == "excellent (0.93)"
    assert rating(0.6) == "good (0.60)"
    assert rating(0.31) == "fair (0.31)"
    assert rating(0.1) == "poor (0.10)"
    assert rating(float("nan")) == "poor (0.00)"


def test_a_blur_in_the_box_is_faithful_and_leaves_the_rest_untouched() -> None:
    scored = _score(_in_box(_scene(), _blurred(_scene())), "blur")
    assert _word(scored.fidelity_to_prompt) in GOOD
    assert _word(scored.visual_quality) == "excellent"
    assert scored.figures["ssim_outside"] > 0.99
    assert scored.figures["sharpness_after"] < 0.5 * scored.figures["sharpness_before"]
    for named in ("SSIM", "PSNR", "Laplacian variance", "outside the box", "inside the box"):
        assert named in scored.details


def test_no_change_is_not_a_blur_and_a_blur_everywhere_is_poor_quality() -> None:
    untouched = _score(_scene(), "blur")
    assert _word(untouched.fidelity_to_prompt) == "poor"
    everywhere = _score(_blurred(_scene()), "blur")
    assert _word(everywhere.visual_quality) == "poor"
    assert everywhere.figures["ssim_outside"] < 0.8


def test_against_the_original_the_change_inside_is_measured() -> None:
    edited = _score(_in_box(_scene(), _blurred(_scene())), "blur", compare_to="original")
    same = _score(_scene(), "blur", compare_to="original")
    assert edited.figures["change_inside"] > 8
    assert same.figures["change_inside"] == 0
    assert _word(same.fidelity_to_prompt) == "poor"
    assert _word(edited.overall_rating) in GOOD
    assert "Compared with the original" in edited.details


def test_grayscale_drops_saturation_and_brightening_is_not_grayscale() -> None:
    gray = np.repeat(np.asarray(Image.fromarray(_scene()).convert("L"))[..., None], 3, axis=2)
    assert _word(_score(_in_box(_scene(), gray), "grayscale").fidelity_to_prompt) == "excellent"
    brighter = np.clip(_scene().astype(int) + 40, 0, 255).astype(np.uint8)
    assert _word(_score(_in_box(_scene(), brighter), "grayscale").fidelity_to_prompt) != "excellent"
    assert _word(_score(_in_box(_scene(), brighter), "brighten").fidelity_to_prompt) == "excellent"


def test_darken_lowers_luma() -> None:
    darker = (_scene() * 0.5).astype(np.uint8)
    assert _word(_score(_in_box(_scene(), darker), "darken").fidelity_to_prompt) == "excellent"
    assert _word(_score(_in_box(_scene(), darker), "brighten").fidelity_to_prompt) == "poor"


def test_a_tint_moves_the_hue_toward_the_named_colour() -> None:
    blue = np.zeros_like(_scene())
    blue[..., 2] = 255
    tinted = (0.4 * _scene() + 0.6 * blue).astype(np.uint8)
    scored = _score(_in_box(_scene(), tinted), "tint", "#0000ff")
    assert _word(scored.fidelity_to_prompt) in GOOD
    assert scored.figures["hue_distance_after"] < scored.figures["hue_distance_before"]
    assert _word(_score(_in_box(_scene(), tinted), "tint", "#ff0000").fidelity_to_prompt) == "poor"


def test_text_adds_edges_and_remove_lowers_detail() -> None:
    smooth = _blurred(_scene(), 8)
    image = Image.fromarray(smooth.copy())
    draw = ImageDraw.Draw(image)
    for i in range(4):
        draw.rectangle((110 + 26 * i, 80, 122 + 26 * i, 120), fill=(255, 255, 255))
    written = _score(np.asarray(image), "text", "#ffffff", before=smooth)
    assert _word(written.fidelity_to_prompt) in GOOD
    mean = _scene()[BOX.y:BOX.y + BOX.height, BOX.x:BOX.x + BOX.width].mean(axis=(0, 1))
    filled = _in_box(_scene(), np.broadcast_to(mean, _scene().shape).astype(np.uint8))
    assert _word(_score(filled, "remove").fidelity_to_prompt) == "excellent"
    assert _word(_score(_scene(), "remove").fidelity_to_prompt) == "poor"


def test_a_shape_adds_its_colour_and_a_spotlight_keeps_the_rest_of_the_picture() -> None:
    image = Image.fromarray(_scene())
    ImageDraw.Draw(image).ellipse((130, 70, 180, 120), fill=(230, 20, 20))
    assert _word(_score(np.asarray(image), "shape", "#e61414").fidelity_to_prompt) in GOOD
    lit = (_scene() * 0.45).astype(np.uint8)
    lit = _in_box(lit, _scene())
    scored = _score(lit, "spotlight")
    assert _word(scored.fidelity_to_prompt) in GOOD
    assert _word(scored.visual_quality) in GOOD
    assert "matching its gain" in scored.details


def test_the_margin_around_the_box_is_left_out_of_the_outside() -> None:
    inside, outside = masks((H, W, 3), BOX)
    assert inside.sum() == BOX.width * BOX.height
    assert not (inside & outside).any()
    assert not outside[BOX.y - 3, BOX.x + 5]
    assert outside[0, 0]


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A 3 s testsrc2 clip and a variant of its 1..2 s range blurred inside BOX."""
    folder = tmp_path_factory.mktemp("scoring")
    source, variant = folder / "source.mp4", folder / "variant.mp4"
    encode = ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "16", "-pix_fmt", "yuv420p"]
    ffmpeg = [ffmpeg_executable(), "-v", "error", "-y"]
    subprocess.run([*ffmpeg, "-f", "lavfi", "-i", f"testsrc2=s={W}x{H}:r=10:d=3", *encode,
                    str(source)], check=True)  # fmt: skip
    graph = (f"[0:v]split[a][b];[b]crop={BOX.width}:{BOX.height}:{BOX.x}:{BOX.y},"
             f"boxblur=6[blurred];[a][blurred]overlay={BOX.x}:{BOX.y}")
    subprocess.run([*ffmpeg, "-ss", "1", "-t", "1", "-i", str(source),
                    "-filter_complex", graph, *encode, str(variant)], check=True)  # fmt: skip
    return source, variant


def test_a_real_variant_clip_is_measured_at_the_same_moments_of_its_source(
    clips: tuple[Path, Path],
) -> None:
    source, variant = clips
    scored = score_variant(source, variant, source_start_s=1.0, box=BOX, operation="blur",
                           color=None, compare_to="prompt")  # fmt: skip
    assert _word(scored.visual_quality) in GOOD, scored.details
    assert _word(scored.fidelity_to_prompt) in GOOD, scored.details
    # Measured at the wrong moment, the rest of the frame differs (testsrc2 moves).
    shifted = score_variant(source, variant, source_start_s=0.0, box=BOX, operation="blur",
                            color=None, compare_to="original")  # fmt: skip
    assert shifted.figures["ssim_outside"] < scored.figures["ssim_outside"]
