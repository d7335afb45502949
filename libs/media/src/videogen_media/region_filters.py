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


def mask_source(rect: Rect, softness: int, fps: float) -> str:
    """A gray clip the size of the box: 255 inside, falling to 0 at the edge.

    drawbox paints "white" as video white (235), which as alpha would let 8 % of the
    source through the middle of the box: the `lut` makes the mask exactly 0 or 255
    before it is blurred. The mask is computed once and repeated (`loop`), not per frame.
    """
    one_frame = f"color=c=black:s={rect.w}x{rect.h}:r={fps:.6g},trim=end_frame=1,format=gray"
    inset = 0 if softness == 0 else softness
    inner = f"x={inset}:y={inset}:w={rect.w - 2 * inset}:h={rect.h - 2 * inset}"
    chain = f"{one_frame},drawbox={inner}:color=white:t=fill,lut=c0='if(gte(val,128),255,0)'"
    if softness:
        chain += f",gblur=sigma={softness / 3:.3f}"
    return f"{chain},loop=loop=-1:size=1:start=0"


def _n(value: float) -> str:
    return f"{value:.4g}"


def chroma_of(colour: str) -> tuple[float, float]:
    """The colour's (Cb, Cr), BT.601, on the 0..255 scale of 8-bit video."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return (128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
            128 + 0.5 * r - 0.418688 * g - 0.081312 * b)


def tint_chain(colour: str, strength: float) -> str:
    """Each pixel's chroma moved towards the colour's, its luma kept: the hue turns to the
    colour and the picture's light and shade stay (a luma-times-colour tint would turn a
    yellow area cyan and a blue one black)."""
    cb, cr = chroma_of(colour)
    mix = 0.45 + 0.5 * strength
    return (f"lutyuv=u='val*{_n(1 - mix)}+{_n(mix * cb)}':"
            f"v='val*{_n(1 - mix)}+{_n(mix * cr)}'")


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
