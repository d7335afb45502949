"""A layer's looks while it enters (pop, wipe; fade too, though ffmpeg's `fade` draws that
one more cheaply), written as raw RGBA frames.

Why raw frames drawn here for a pop or a wipe: each is a dozen frames of a small picture,
cheap in numpy, while ffmpeg has no per-frame scale or reveal of an overlay that works on
a sparse stream. Raw RGBA costs ffmpeg no decoding at all; a PNG per frame
would cost more to encode and decode than the whole entrance is worth.

Why every layer is cropped to the box of its visible pixels first: a design may hand over
full-frame transparent PNGs, and the overlays, the raw files and x264's changed blocks
all cost in proportion to the area that moves.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image

from videogen_media.scene_types import Layer
from videogen_media.segment_motion import LayerMotion, ease_out, entrance_progress

POP_FROM = 0.6  # the pop starts at 60 % of the size and overshoots a little
WIPE_SOFT = 0.12  # the wipe's soft edge, as a fraction of the width

Rgba = npt.NDArray[np.uint8]


class LayerUnreadable(ValueError):
    """A layer's picture cannot be read, or has nothing visible."""


@dataclass(frozen=True, slots=True)
class Sprite:
    """A layer cropped to its visible box: the layer moved to the box, and its pixels."""

    layer: Layer
    pixels: Rgba  # h x w x 4
    box: tuple[int, int]  # where the visible box starts in the layer's own picture

    @property
    def size(self) -> tuple[int, int]:
        return (int(self.pixels.shape[1]), int(self.pixels.shape[0]))


def load_sprite(layer: Layer) -> Sprite:
    """The layer's PNG as RGBA, cropped to its visible pixels (x, y moved to match)."""
    try:
        with Image.open(layer.image) as opened:
            image = opened.convert("RGBA")
    except (OSError, ValueError) as exc:
        raise LayerUnreadable(f"layer {layer.image}: {exc}") from exc
    box = image.getchannel("A").getbbox()
    if box is None:
        raise LayerUnreadable(f"layer {layer.image} has no visible pixel")
    left, top, right, bottom = box
    # Even sizes: a yuva420p overlay needs them for its chroma planes.
    right = min(image.width, left + (right - left + 1) // 2 * 2)
    bottom = min(image.height, top + (bottom - top + 1) // 2 * 2)
    pixels = np.asarray(image.crop((left, top, right, bottom)), dtype=np.uint8)
    return Sprite(replace(layer, x=layer.x + left, y=layer.y + top), pixels, (left, top))


def canvas_size(sprite: Sprite, motion: LayerMotion) -> tuple[int, int]:
    w, h = sprite.size
    return (w + 2 * motion.pad[0], h + 2 * motion.pad[1])


def entrance_looks(sprite: Sprite, motion: LayerMotion) -> list[Rgba]:
    """Every look of the layer: its entrance frames, then itself (the last, held)."""
    looks = [
        _look(sprite, motion, entrance_progress(j, motion.entering)) for j in range(motion.entering)
    ]
    looks.append(_placed(sprite.pixels, motion))
    return looks


def write_looks(looks: list[Rgba], path: Path) -> Path:
    with path.open("wb") as out:
        for look in looks:
            out.write(np.ascontiguousarray(look).tobytes())
    return path


def _look(sprite: Sprite, motion: LayerMotion, p: float) -> Rgba:
    pixels = sprite.pixels
    if motion.enter == "pop":
        w, h = sprite.size
        # Ease out with a small overshoot ("back" easing), reaching the size at p = 1.
        s = 1.70158
        q = p - 1.0
        grow = 1.0 + (s + 1.0) * q * q * q + s * q * q
        scale = POP_FROM + (1.0 - POP_FROM) * grow
        size = (max(2, round(w * scale)), max(2, round(h * scale)))
        scaled = np.asarray(Image.fromarray(pixels, "RGBA").resize(size, Image.Resampling.BILINEAR))
        return _faded(_centred(scaled, canvas_size(sprite, motion)), min(1.0, 2.5 * p))
    if motion.enter == "wipe":
        return _wiped(pixels, p)
    return _faded(pixels, ease_out(p))


def _faded(pixels: Rgba, opacity: float) -> Rgba:
    out = pixels.copy()
    out[..., 3] = (pixels[..., 3].astype(np.float32) * opacity + 0.5).astype(np.uint8)
    return out


def _wiped(pixels: Rgba, p: float) -> Rgba:
    """Revealed from the left: a soft edge sweeping across."""
    w = pixels.shape[1]
    edge = ease_out(p) * (1.0 + WIPE_SOFT) * w
    columns = np.clip((edge - np.arange(w, dtype=np.float32)) / (WIPE_SOFT * w), 0.0, 1.0)
    out = pixels.copy()
    out[..., 3] = (pixels[..., 3].astype(np.float32) * columns[None, :] + 0.5).astype(np.uint8)
    return out


def _centred(pixels: Rgba, canvas: tuple[int, int]) -> Rgba:
    cw, ch = canvas
    h, w = pixels.shape[:2]
    out = np.zeros((ch, cw, 4), dtype=np.uint8)
    # An overshoot wider than the canvas is cut at its edge (a few pixels of transparent margin).
    left, top = (cw - w) // 2, (ch - h) // 2
    src = pixels[max(0, -top) : h - max(0, top + h - ch), max(0, -left) : w - max(0, left + w - cw)]
    out[max(0, top) : max(0, top) + src.shape[0], max(0, left) : max(0, left) + src.shape[1]] = src
    return out


def _placed(pixels: Rgba, motion: LayerMotion) -> Rgba:
    if motion.pad == (0, 0):
        return pixels
    h, w = pixels.shape[:2]
    px, py = motion.pad
    return _centred(pixels, (w + 2 * px, h + 2 * py))
