"""quality.py: the perceptual hash tells scenes apart as a viewer would; the report merges."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw
from videogen_media import quality

RGB = tuple[int, int, int]


def _gradient(w: int, h: int, top: RGB, bottom: RGB) -> Image.Image:
    t = np.linspace(0.0, 1.0, h)[:, None, None]
    rows = (1 - t) * np.array(top) + t * np.array(bottom)
    return Image.fromarray(np.repeat(rows, w, axis=1).astype(np.uint8), "RGB")


def _card(text_box: tuple[int, int, int, int], circle: tuple[int, int]) -> Image.Image:
    image = _gradient(320, 180, (20, 40, 90), (200, 120, 40))
    draw = ImageDraw.Draw(image)
    draw.rectangle(text_box, fill=(250, 250, 250))
    x, y = circle
    draw.ellipse((x - 30, y - 30, x + 30, y + 30), fill=(10, 10, 10))
    return image


def test_same_picture_hashes_alike_after_resize_and_noise() -> None:
    image = _card((40, 40, 200, 70), (250, 120))
    noisy = np.asarray(image.resize((1280, 720))).astype(np.int16)
    noisy += np.random.default_rng(1).integers(-6, 7, noisy.shape, dtype=np.int16)
    other = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "RGB")
    assert quality.distance(quality.phash(image), quality.phash(other)) <= 4


def test_different_layouts_are_far_apart() -> None:
    a = _card((40, 40, 200, 70), (250, 120))
    b = _card((120, 110, 300, 160), (60, 50))
    assert quality.distance(quality.phash(a), quality.phash(b)) >= quality.MIN_NEIGHBOUR_DISTANCE
    # And a flat picture next to a structured one: far apart too.
    flat = Image.new("RGB", (320, 180), (90, 90, 90))
    assert quality.distance(quality.phash(a), quality.phash(flat)) >= quality.MIN_NEIGHBOUR_DISTANCE


def test_scene_report_counts_and_summarises() -> None:
    report = quality.scene_report(
        ["icon", "type", "icon", "stock"], ["title", "type", "icon", "media"], [0, 0xFF, 0xF0F, 3],
        style="bold", icon_tags=[("bee",), (), ("sun",), ()],
    )
    assert (report.count, report.meaningful, report.typographic) == (4, 3, 1)
    assert report.by_source == {"icon": 2, "stock": 1, "type": 1}
    assert report.phash_neighbour_distance is not None
    gaps = [quality.distance(0, 0xFF), quality.distance(0xFF, 0xF0F), quality.distance(0xF0F, 3)]
    assert report.phash_neighbour_distance.min == min(gaps)
    assert report.phash_neighbour_distance.median == sorted(gaps)[1]
    assert quality.scene_report(["type"], ["title"], [5]).phash_neighbour_distance is None


def test_complete_report_merges_and_round_trips() -> None:
    media = quality.QualityReport(
        word_timing=quality.word_timing_report(["piper-alignment", "piper-alignment", "none"]),
        timings=quality.Timings(narration_s=2.0, picture_s=3.0, picture_after_narration_s=0.5),
    )
    assert media.word_timing is not None
    assert media.word_timing.sources == {"none": 1, "piper-alignment": 2}
    assert media.word_timing.estimated_error["none"] is None
    done = quality.complete_report(
        media,
        loudness=quality.LoudnessReport(
            integrated_lufs=-14.2, true_peak_dbtp=-0.5, target_lufs=-14
        ),
        sync=quality.av_sync(10.0, 10.2), soundtrack_s=0.3, join_s=0.1, music=None,
    )
    assert done.timings.narration_s == 2.0
    assert done.timings.join_s == 0.1
    assert done.av_sync is not None
    assert done.av_sync.offset_ms == pytest.approx(200.0)
    assert any("true peak" in w for w in done.warnings)
    assert any("differ" in w for w in done.warnings)
    assert quality.decode_report(quality.encode_report(done)) == done
