"""region_edits: every operation, rendered and decoded.

Outside the box each variant keeps the source's picture (SSIM >= 0.98 against the source
frame at the same time), except spotlight, which darkens the outside on purpose; inside,
the effect is measured: blur and remove lower the detail (Laplacian variance), pixelate
and censor too, grayscale drops the saturation, a tint moves the hue towards its colour,
brighten/highlight raise the luma and darken lowers it, text adds edges, and a sprite of
the named colour appears and moves as told. The clip is the range only, with its audio,
and the preview is a JPEG.
"""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from typing import Literal

import av
import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image
from videogen_contracts.media.ai_edits import Box, RegionEdit, VariantSpec
from videogen_media.ffmpeg_path import ffmpeg_executable
from videogen_media.probe import probe
from videogen_media.region_edits import overlay_in_box, render_variant
from videogen_media.region_filters import InvalidRegion, chroma_of
from videogen_text.region_prompts import parse_prompt, variant_specs

Frame = npt.NDArray[np.uint8]
START, END = 1.0, 2.0
BOX = Box(x=160, y=60, width=160, height=140)
BLUE = "#1e6bff"  # what "blue" names


def _make(path: Path, *args: str) -> Path:
    subprocess.run([ffmpeg_executable(), "-hide_banner", "-loglevel", "error", "-y", *args,
                    str(path)], check=True)  # fmt: skip
    return path


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """480x272 at 25 fps, 3 s of a detailed picture (a Mandelbrot zoom), with a tone."""
    root = tmp_path_factory.mktemp("region")
    return _make(root / "src.mp4", "-f", "lavfi", "-i", "mandelbrot=size=480x272:rate=25",
                 "-f", "lavfi", "-i", "sine=f=440:d=3", "-t", "3", "-c:v", "libx264",
                 "-preset", "veryfast", "-crf", "16", "-g", "25", "-pix_fmt", "yuv420p",
                 "-c:a", "aac", "-shortest")  # fmt: skip


def frames(path: Path, start: float = 0.0, count: int = 25) -> list[Frame]:
    """`count` RGB frames from `start` seconds on."""
    out: list[Frame] = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            if frame.time is not None and frame.time < start - 1e-3:
                continue
            out.append(np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8))
            if len(out) == count:
                break
    return out


def luma(rgb: Frame) -> npt.NDArray[np.float64]:
    x = rgb.astype(np.float64)
    return 0.299 * x[..., 0] + 0.587 * x[..., 1] + 0.114 * x[..., 2]


def _box_mean(x: npt.NDArray[np.float64], k: int = 7) -> npt.NDArray[np.float64]:
    c = np.cumsum(np.cumsum(np.pad(x, ((1, 0), (1, 0))), axis=0), axis=1)
    return (c[k:, k:] - c[:-k, k:] - c[k:, :-k] + c[:-k, :-k]) / (k * k)


def ssim(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> float:
    """Mean SSIM of two luma planes over 7x7 windows (the usual constants)."""
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    ma, mb = _box_mean(a), _box_mean(b)
    va, vb = _box_mean(a * a) - ma**2, _box_mean(b * b) - mb**2
    cov = _box_mean(a * b) - ma * mb
    s = ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma**2 + mb**2 + c1) * (va + vb + c2))
    return float(s.mean())


def outside_ssim(out: Frame, src: Frame, box: Box) -> float:
    """SSIM of the frame with the box (and a window's margin) greyed out in both."""
    a, b = luma(out), luma(src)
    margin = 4
    ys = slice(max(0, box.y - margin), box.y + box.height + margin)
    xs = slice(max(0, box.x - margin), box.x + box.width + margin)
    a[ys, xs] = b[ys, xs] = 128.0
    return ssim(a, b)


def inside(rgb: Frame, box: Box, inset: int = 0) -> Frame:
    return rgb[box.y + inset: box.y + box.height - inset, box.x + inset: box.x + box.width - inset]


def laplacian_var(rgb: Frame) -> float:
    y = luma(rgb)
    lap = y[1:-1, :-2] + y[1:-1, 2:] + y[:-2, 1:-1] + y[2:, 1:-1] - 4 * y[1:-1, 1:-1]
    return float(lap.var())


def saturation(rgb: Frame) -> float:
    x = rgb.astype(np.float64)
    hi, lo = x.max(axis=2), x.min(axis=2)
    return float(np.mean((hi - lo) / np.maximum(hi, 1)))


def chroma_angle_to(rgb: Frame, colour: str) -> float:
    """Degrees between the mean chroma of `rgb` and the colour's (0 = the same hue)."""
    x = rgb.astype(np.float64)
    cb = float(np.mean(-0.168736 * x[..., 0] - 0.331264 * x[..., 1] + 0.5 * x[..., 2]))
    cr = float(np.mean(0.5 * x[..., 0] - 0.418688 * x[..., 1] - 0.081312 * x[..., 2]))
    tb, tr = (c - 128 for c in chroma_of(colour))
    angle = np.degrees(np.arctan2(cr, cb) - np.arctan2(tr, tb))
    return float(abs((angle + 180) % 360 - 180))


def _render(source: Path, tmp: Path, prompt: str, index: int = 2, box: Box = BOX
            ) -> tuple[RegionEdit, VariantSpec, Path, float]:
    edit = parse_prompt(prompt)
    spec = variant_specs(edit, 3, seed=11)[index]
    video, preview = tmp / f"{edit.operation}.mp4", tmp / f"{edit.operation}.jpg"
    duration = asyncio.run(render_variant(source, START, END, box, edit, spec, video, preview))
    with Image.open(preview) as picture:
        assert (picture.format, picture.size) == ("JPEG", (480, 272))
    return edit, spec, video, duration


def _pairs(source: Path, video: Path) -> list[tuple[Frame, Frame]]:
    out, src = frames(video), frames(source, START)
    assert len(out) == len(src) == 25
    return [(out[i], src[i]) for i in (0, 12, 24)]


def _assert_outside_kept(pairs: list[tuple[Frame, Frame]], box: Box = BOX) -> None:
    for out, src in pairs:
        assert outside_ssim(out, src, box) >= 0.98


CONFINED = [
    ("blur the face", lambda o, s: laplacian_var(o) < 0.3 * laplacian_var(s)),
    ("pixelate it", lambda o, s: laplacian_var(o) < 0.6 * laplacian_var(s)),
    ("censor", lambda o, s: luma(o).mean() < 0.5 * luma(s).mean()),
    ("remove the logo", lambda o, s: laplacian_var(o) < 0.2 * laplacian_var(s)),
    ("make it black and white", lambda o, s: saturation(o) < 0.3 * saturation(s)),
    ("brighten", lambda o, s: luma(o).mean() > luma(s).mean() + 20),
    ("highlight the car", lambda o, s: luma(o).mean() > luma(s).mean() + 10),
    ("darken it", lambda o, s: luma(o).mean() < luma(s).mean() - 20),
    ("make it blue", lambda o, s: chroma_angle_to(o, BLUE) < chroma_angle_to(s, BLUE) - 30),
]


@pytest.mark.parametrize(("prompt", "changed"), CONFINED, ids=[p for p, _ in CONFINED])
def test_an_operation_changes_the_box_only(
    source: Path, tmp_path: Path, prompt: str, changed: object
) -> None:
    _, _, video, duration = _render(source, tmp_path, prompt)
    assert duration == pytest.approx(END - START, abs=0.05)
    info = probe(video)
    assert info.audio is not None
    assert info.video is not None
    assert (info.video.width, info.video.height) == (480, 272)
    pairs = _pairs(source, video)
    _assert_outside_kept(pairs)
    assert callable(changed)
    for out, src in pairs:
        assert changed(inside(out, BOX, 12), inside(src, BOX, 12)), prompt


def test_spotlight_brightens_the_box_and_darkens_the_outside_on_purpose(
    source: Path, tmp_path: Path
) -> None:
    _, spec, video, _ = _render(source, tmp_path, "spotlight the singer")
    assert "changes outside the box" in spec.labels
    for out, src in _pairs(source, video):
        assert luma(inside(out, BOX, 12)).mean() > luma(inside(src, BOX, 12)).mean() + 5
        assert luma(out[:, :100]).mean() < luma(src[:, :100]).mean() - 20


def test_text_is_drawn_in_the_box(source: Path, tmp_path: Path) -> None:
    _, _, video, _ = _render(source, tmp_path, 'add text "SALE"')
    pairs = _pairs(source, video)
    _assert_outside_kept(pairs)
    for out, src in pairs:
        o, s = inside(out, BOX), inside(src, BOX)
        assert laplacian_var(o) > 1.2 * laplacian_var(s)
        # White letters: many pixels near white where the source had few.
        assert (o.min(axis=2) > 230).mean() > (s.min(axis=2) > 230).mean() + 0.02


def _red_centroid_y(rgb: Frame) -> float:
    x = rgb.astype(np.int32)
    red = (x[..., 0] > 170) & (x[..., 1] < 80) & (x[..., 2] < 80)
    assert red.sum() > 100
    return float(np.nonzero(red)[0].mean())


def test_a_shape_is_a_procedural_sprite_moving_as_told(source: Path, tmp_path: Path) -> None:
    edit, spec, video, _ = _render(source, tmp_path, "add a red balloon floating up", index=0)
    assert edit == RegionEdit(operation="shape", shape="balloon", color="#e02020", motion="up")
    assert "procedural" in spec.labels
    assert "procedural" in spec.description
    pairs = _pairs(source, video)
    _assert_outside_kept(pairs)
    ys = [_red_centroid_y(inside(out, BOX)) for out, _ in pairs]
    assert ys[0] > ys[1] > ys[2]  # it floats up


def test_a_pulsing_sprite_changes_size(source: Path, tmp_path: Path) -> None:
    _, _, video, _ = _render(source, tmp_path, "add a pulsing yellow star", index=1)
    changed = [
        int((np.abs(inside(o, BOX).astype(np.int32) - inside(s, BOX)).max(axis=2) > 60).sum())
        for o, s in zip(frames(video), frames(source, START), strict=True)
    ]
    assert min(changed) > 200
    assert max(changed) > 1.2 * min(changed)  # the star grows and shrinks


def test_the_same_spec_gives_the_same_pixels(source: Path, tmp_path: Path) -> None:
    edit = parse_prompt("pixelate")
    spec = variant_specs(edit, 2, seed=5)[0]
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        asyncio.run(render_variant(source, START, END, BOX, edit, spec, d / "v.mp4", d / "p.jpg"))
    pairs = zip(frames(a / "v.mp4"), frames(b / "v.mp4"), strict=True)
    assert all(np.array_equal(x, y) for x, y in pairs)


def test_variants_differ_in_strength_and_say_so(source: Path, tmp_path: Path) -> None:
    edit = parse_prompt("blur")
    specs = variant_specs(edit, 2, seed=3)
    detail = []
    for spec in specs:
        video = tmp_path / f"{spec.index}.mp4"
        asyncio.run(render_variant(source, START, END, BOX, edit, spec, video, tmp_path / "p.jpg"))
        detail.append(laplacian_var(inside(frames(video, count=1)[0], BOX, 16)))
    assert detail[1] < detail[0]  # the stronger variant blurs more
    assert specs[0].description != specs[1].description


def test_a_box_outside_the_frame_is_refused(source: Path, tmp_path: Path) -> None:
    edit = parse_prompt("blur")
    spec = variant_specs(edit, 1, seed=1)[0]
    with pytest.raises(InvalidRegion):
        asyncio.run(render_variant(source, START, END, Box(x=600, y=0, width=50, height=50),
                                   edit, spec, tmp_path / "v.mp4", tmp_path / "p.jpg"))


@pytest.mark.parametrize(("covers", "size"), [("box", "96x80"), ("frame", "240x136")])
def test_overlay_in_box_puts_a_patch_in_the_box_only(
    source: Path, tmp_path: Path, covers: Literal["box", "frame"], size: str
) -> None:
    # 30 fps against the source's 25: the patch is retimed onto the original's frames.
    colour = f"color=c=0x2060ff:s={size}:r=30:d=1"
    patch = _make(tmp_path / "patch.mp4", "-f", "lavfi", "-i", colour, "-c:v", "libx264",
                  "-pix_fmt", "yuv420p")  # fmt: skip
    video = tmp_path / "o.mp4"
    preview = tmp_path / "o.jpg"
    duration = asyncio.run(overlay_in_box(source, patch, START, END, BOX, video, preview,
                                          patch_covers=covers))  # fmt: skip
    assert duration == pytest.approx(1.0, abs=0.05)
    pairs = _pairs(source, video)
    _assert_outside_kept(pairs)
    decoded = frames(patch, count=1)[0].reshape(-1, 3).mean(axis=0)
    for out, _ in pairs:
        centre = inside(out, BOX, 30).reshape(-1, 3).mean(axis=0)
        assert np.abs(centre - decoded).max() < 8


def test_a_range_past_the_end_gives_what_there_is_and_a_preview(
    source: Path, tmp_path: Path
) -> None:
    edit = parse_prompt("darken")
    spec = variant_specs(edit, 1, seed=1)[0]
    video, preview = tmp_path / "v.mp4", tmp_path / "p.jpg"
    duration = asyncio.run(render_variant(source, 2.5, 4.0, BOX, edit, spec, video, preview))
    assert duration == pytest.approx(0.5, abs=0.05)
    with Image.open(preview) as picture:
        assert picture.format == "JPEG"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.jpg", "v.mp4"]  # no scratch left
