"""ffmpeg filter text for the region editor: each operation as a chain applied to the
cropped box, the feathered mask that confines it, and the geometry both use. Pure text.

Confinement: the effect is computed on a crop of the box only, then blended back through
a mask that is white well inside the box and falls to black *at* the box's edge (a
rectangle inset by the softness, blurred by a third of it: at the edge the mask is ~0),
so pixels outside the box are the source's. Spotlight is the one operation that changes
the outside on purpose (it darkens the rest of the frame), and says so in its labels.
"""

from __future__ import annotations

from dataclasses import dataclass

from videogen_contracts.media.ai_edits import Box, RegionEdit

# Operations whose chain also changes the frame outside the box (by design).
CHANGES_OUTSIDE = frozenset({"spotlight"})
MIN_SIDE = 8


class InvalidRegion(ValueError):
    """The box does not overlap the frame by enough pixels to edit."""


@dataclass(frozen=True, slots=True)
class Rect:
    """The box as edited: even coordinates and sides (chroma-aligned), inside the frame."""

    x: int
    y: int
    w: int
    h: int


def fit_box(box: Box, frame_w: int, frame_h: int) -> Rect:
    """The box clipped to the frame and shrunk to even edges (never grown: it stays inside)."""
    left, top = max(0, box.x), max(0, box.y)
    right, bottom = min(frame_w, box.x + box.width), min(frame_h, box.y + box.height)
    left, top = left + left % 2, top + top % 2
    right, bottom = right - right % 2, bottom - bottom % 2
    if right - left < MIN_SIDE or bottom - top < MIN_SIDE:
        raise InvalidRegion(
            f"box {box} leaves under {MIN_SIDE} px inside a {frame_w}x{frame_h} frame"
        )
    return Rect(left, top, right - left, bottom - top)


def feather(rect: Rect, softness: int) -> int:
    """The softness used: at most a quarter of the box's short side."""
    return max(0, min(softness, min(rect.w, rect.h) // 4))


def mask_source(rect: Rect, softness: int, fps: float, seconds: float) -> str:
    """A gray clip the size of the box: 255 inside, falling to 0 at the edge."""
    base = f"color=c=black:s={rect.w}x{rect.h}:r={fps:.6g}:d={seconds + 1:.3f},format=gray"
    if softness == 0:
        return base.replace("c=black", "c=white")
    inner = f"x={softness}:y={softness}:w={rect.w - 2 * softness}:h={rect.h - 2 * softness}"
    return f"{base},drawbox={inner}:color=white:t=fill,gblur=sigma={softness / 3:.3f}"


def _n(value: float) -> str:
    return f"{value:.4g}"


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def tint_chain(colour: str, strength: float) -> str:
    """Each pixel towards its luma times the colour (scaled so mid-grey keeps its light)."""
    r, g, b = _rgb(colour)
    lum = max(0.15, 0.299 * r + 0.587 * g + 0.114 * b)
    mix = 0.35 + 0.6 * strength
    rows = []
    for name, c in (("r", r), ("g", g), ("b", b)):
        k = mix * min(2.0, c / lum)
        coefficients = [k * 0.299, k * 0.587, k * 0.114]
        own = "rgb".index(name)
        coefficients[own] += 1 - mix
        pairs = zip("rgb", coefficients, strict=True)
        rows.append(":".join(f"{name}{src}={_n(v)}" for src, v in pairs))
    return "format=gbrp,colorchannelmixer=" + ":".join(rows)


def effect_chain(edit: RegionEdit, strength: float, rect: Rect) -> str:
    """The chain applied to the cropped box (text and shape are built by region_sprites)."""
    side = min(rect.w, rect.h)
    s = max(0.0, min(1.0, strength))
    match edit.operation:
        case "blur":
            return f"gblur=sigma={_n(2 + s * side / 10)}:steps=3"
        case "pixelate":
            block = max(4, round((0.3 + 0.7 * s) * side / 8))
            return f"pixelize=width={block}:height={block}"
        case "censor":
            block = max(6, side // 6)
            return (f"pixelize=width={block}:height={block},"
                    f"drawbox=x=0:y=0:w=iw:h=ih:color=black@{_n(0.7 + 0.3 * s)}:t=fill")
        case "remove":
            # delogo fills the box from the pixels along its edge (an inpaint-like fill);
            # the blur smooths the streaks that interpolation leaves.
            return (f"delogo=x=1:y=1:w={rect.w - 2}:h={rect.h - 2},"
                    f"gblur=sigma={_n(1 + s * side / 25)}")
        case "highlight":
            return (f"eq=brightness={_n(0.05 + 0.12 * s)}:contrast={_n(1 + 0.15 * s)}:"
                    f"saturation={_n(1 + 0.3 * s)}")
        case "spotlight":
            return f"eq=brightness={_n(0.04 + 0.08 * s)}:contrast={_n(1 + 0.1 * s)}"
        case "brighten":
            return f"eq=brightness={_n(0.08 + 0.2 * s)}"
        case "darken":
            return f"eq=brightness={_n(-(0.08 + 0.22 * s))}"
        case "grayscale":
            return f"hue=s={_n(max(0.0, 1 - 1.6 * s))}"
        case "tint":
            return tint_chain(edit.color or "#1e6bff", s)
        case "text" | "shape":
            raise ValueError(f"{edit.operation} is drawn by region_sprites, not a filter chain")


def outside_chain(edit: RegionEdit, strength: float) -> str | None:
    """What is done to the frame outside the box: only spotlight darkens it (on purpose)."""
    if edit.operation != "spotlight":
        return None
    return f"eq=brightness={_n(-(0.12 + 0.2 * max(0.0, min(1.0, strength))))}"
