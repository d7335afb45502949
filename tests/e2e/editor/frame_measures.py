"""Measures of decoded frames for the AI edit e2e tests, computed here with numpy alone
(independently of the scorer's own code): luma, sharpness (variance of the Laplacian) and
SSIM over 8x8 blocks, inside or outside a box."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np

Frame = np.ndarray[Any, Any]
Rect = tuple[int, int, int, int]  # x, y, width, height
BLOCK = 8
C1, C2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2


def luma_at(path: Path, seconds: float) -> Frame:
    """The luma (0..255, float) of the first frame shown at or after `seconds`."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            if frame.time is not None and frame.time >= seconds - 1e-3:
                rgb = frame.to_ndarray(format="rgb24").astype(np.float64)
                return rgb @ np.array([0.299, 0.587, 0.114])
    raise AssertionError(f"{path}: no frame at {seconds}s")


def inset(rect: Rect, margin: int) -> Rect:
    x, y, w, h = rect
    return x + margin, y + margin, w - 2 * margin, h - 2 * margin


def crop(frame: Frame, rect: Rect) -> Frame:
    x, y, w, h = rect
    return frame[y:y + h, x:x + w]


def laplacian_variance(frame: Frame) -> float:
    lap = (frame[1:-1, :-2] + frame[1:-1, 2:] + frame[:-2, 1:-1] + frame[2:, 1:-1]
           - 4 * frame[1:-1, 1:-1])
    return float(lap.var())


def _block_ssim(a: Frame, b: Frame) -> float:
    mu_a, mu_b = a.mean(), b.mean()
    var_a, var_b = a.var(), b.var()
    cov = ((a - mu_a) * (b - mu_b)).mean()
    return float(((2 * mu_a * mu_b + C1) * (2 * cov + C2))
                 / ((mu_a**2 + mu_b**2 + C1) * (var_a + var_b + C2)))


def ssim_outside(a: Frame, b: Frame, keep_out: Rect | None) -> float:
    """Mean SSIM of the 8x8 blocks that lie wholly outside `keep_out` (all when None)."""
    height, width = a.shape
    scores = []
    for top in range(0, height - BLOCK + 1, BLOCK):
        for left in range(0, width - BLOCK + 1, BLOCK):
            if keep_out is not None and _overlaps((left, top, BLOCK, BLOCK), keep_out):
                continue
            block = (slice(top, top + BLOCK), slice(left, left + BLOCK))
            scores.append(_block_ssim(a[block], b[block]))
    assert scores, "no block outside the box"
    return float(np.mean(scores))


def _overlaps(r: Rect, s: Rect) -> bool:
    return r[0] < s[0] + s[2] and s[0] < r[0] + r[2] and r[1] < s[1] + s[3] and s[1] < r[1] + r[3]
