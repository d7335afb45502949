"""The measures the variant scorer takes of frames: pure numpy, on RGB arrays (h, w, 3).

SSIM is Wang et al.'s, on luma, with a uniform 7x7 window (scikit-image's default), so
its figures compare with the usual tools'. Luma is BT.601 on 0..255. Every region measure
takes a boolean mask, so the same code measures inside the box and outside it.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]
Plane = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]

WINDOW = 7
_C1 = (0.01 * 255) ** 2
_C2 = (0.03 * 255) ** 2
# A gradient this strong (0..255 luma per pixel) is an edge: the strokes of drawn text are.
EDGE_THRESHOLD = 40.0


def luma(image: Image) -> Plane:
    rgb = image.astype(np.float64)
    return 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]


def _box_mean(plane: Plane, size: int = WINDOW) -> Plane:
    """The mean over each size x size window ('valid' positions), by summed-area tables."""
    table = np.pad(plane, ((1, 0), (1, 0))).cumsum(0).cumsum(1)
    sums = table[size:, size:] - table[:-size, size:] - table[size:, :-size] + table[:-size, :-size]
    return np.asarray(sums / (size * size), dtype=np.float64)


def ssim_map(a: Plane, b: Plane) -> Plane:
    """SSIM of each 7x7 window, padded back to the planes' size (edge values repeated)."""
    mu_a, mu_b = _box_mean(a), _box_mean(b)
    var_a = _box_mean(a * a) - mu_a**2
    var_b = _box_mean(b * b) - mu_b**2
    cov = _box_mean(a * b) - mu_a * mu_b
    values = ((2 * mu_a * mu_b + _C1) * (2 * cov + _C2)) / (
        (mu_a**2 + mu_b**2 + _C1) * (var_a + var_b + _C2)
    )
    before = WINDOW // 2
    after = WINDOW - 1 - before
    return np.pad(values, ((before, after), (before, after)), mode="edge")


def mean_in(plane: Plane, mask: Mask) -> float:
    return float(plane[mask].mean()) if mask.any() else math.nan


def psnr(a: Image, b: Image, mask: Mask) -> float:
    """PSNR (dB) of the RGB pixels under the mask; inf when they are identical."""
    diff = a.astype(np.float64)[mask] - b.astype(np.float64)[mask]
    mse = float((diff * diff).mean()) if diff.size else 0.0
    return math.inf if mse == 0 else 10 * math.log10(255**2 / mse)


def mean_abs_difference(a: Image, b: Image, mask: Mask) -> float:
    """The mean absolute RGB difference under the mask (0..255)."""
    diff = np.abs(a.astype(np.float64)[mask] - b.astype(np.float64)[mask])
    return float(diff.mean()) if diff.size else 0.0


def laplacian(plane: Plane) -> Plane:
    """The 4-neighbour Laplacian (edges repeated), the classic focus measure's filter."""
    p = np.pad(plane, 1, mode="edge")
    return np.asarray(
        p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:] - 4 * plane, dtype=np.float64
    )


def laplacian_variance(plane: Plane, mask: Mask) -> float:
    """Sharpness: the variance of the Laplacian under the mask (a blur lowers it)."""
    values = laplacian(plane)[mask]
    return float(values.var()) if values.size else 0.0


def gradient(plane: Plane) -> Plane:
    """The gradient magnitude (forward differences, edges repeated)."""
    dx = np.diff(plane, axis=1, append=plane[:, -1:])
    dy = np.diff(plane, axis=0, append=plane[-1:, :])
    return np.asarray(np.hypot(dx, dy), dtype=np.float64)


def detail(plane: Plane, mask: Mask) -> float:
    """Texture: the mean gradient magnitude under the mask (a removal flattens it)."""
    return mean_in(gradient(plane), mask)


def edge_density(plane: Plane, mask: Mask) -> float:
    """The share of pixels under the mask on a strong edge (drawn text adds them)."""
    return mean_in((gradient(plane) > EDGE_THRESHOLD).astype(np.float64), mask)


def saturation(image: Image) -> Plane:
    """HSV saturation, 0..1."""
    rgb = image.astype(np.float64)
    high, low = rgb.max(axis=2), rgb.min(axis=2)
    return np.asarray(np.where(high > 0, (high - low) / np.maximum(high, 1e-9), 0.0))


def hue_degrees(rgb: tuple[float, float, float]) -> float:
    """The HSV hue (0..360) of one colour."""
    r, g, b = (c / 255 for c in rgb)
    high, low = max(r, g, b), min(r, g, b)
    if high == low:
        return 0.0
    span = high - low
    if high == r:
        hue = ((g - b) / span) % 6
    elif high == g:
        hue = (b - r) / span + 2
    else:
        hue = (r - g) / span + 4
    return 60 * hue


def hue_distance(a: float, b: float) -> float:
    """The angle between two hues, 0..180 degrees."""
    gap = abs(a - b) % 360
    return min(gap, 360 - gap)


def mean_color(image: Image, mask: Mask) -> tuple[float, float, float]:
    pixels = image.astype(np.float64)[mask]
    r, g, b = pixels.mean(axis=0) if pixels.size else (0.0, 0.0, 0.0)
    return float(r), float(g), float(b)


def near_color(image: Image, mask: Mask, rgb: tuple[int, int, int], within: float = 80.0) -> float:
    """The share of pixels under the mask within `within` (RGB distance) of a colour."""
    pixels = image.astype(np.float64)[mask]
    if not pixels.size:
        return 0.0
    distance = np.linalg.norm(pixels - np.asarray(rgb, dtype=np.float64), axis=1)
    return float((distance < within).mean())


def parse_hex(color: str) -> tuple[int, int, int]:
    """'#rrggbb' as (r, g, b)."""
    value = color.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"not a #rrggbb colour: {color!r}")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
