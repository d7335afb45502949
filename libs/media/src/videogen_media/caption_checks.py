"""Caption checks: every screen's box, from the fonts' own metrics, against the frame.

A box is the screen's widest line and its lines' height (libass: one ASS size per line)
grown by the outline or the highlight box's padding, placed where its `\\pos` anchors it.
inside_safe_area: every box inside the title-safe width and the caption band. no_overflow:
no line wider than the layout allowed (libass does not re-wrap: it would be clipped) and
no box past the frame's edge. The checks feed the quality report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from videogen_media.caption_events import EventLook
from videogen_media.caption_fonts import FontChain
from videogen_media.caption_words import Screen
from videogen_media.safe_area import TITLE_SAFE, Band

_LISTED = 8  # problems named one by one; the rest are counted


@dataclass(frozen=True, slots=True)
class CaptionChecks:
    inside_safe_area: bool
    no_overflow: bool
    lines: int
    problems: tuple[str, ...]


def screen_box(
    texts: Sequence[str], look: EventLook, chain: FontChain
) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) in frame pixels of a screen's lines as libass draws them."""
    measure = chain.measurer(look.font_size)
    edge = max(look.outline, look.box_pad)
    width = max(measure(t) for t in texts) + 2 * edge
    height = sum(chain.line_height(t, look.font_size) for t in texts) + 2 * edge
    an, x, y = look.anchor
    top = {2: y + edge - height, 5: y - height / 2, 8: y - edge}[an]
    return x - width / 2, top, x + width / 2, top + height


def check_screens(
    screens: Sequence[Screen],
    look: EventLook,
    band: Band,
    chain: FontChain,
    max_width: float,
    notes: tuple[str, ...] = (),
) -> CaptionChecks:
    measure = chain.measurer(look.font_size)
    safe_left, safe_right = look.width * TITLE_SAFE - 0.5, look.width * (1 - TITLE_SAFE) + 0.5
    outside: list[str] = []
    overflow: list[str] = []
    for n, screen in enumerate(screens):
        left, top, right, bottom = screen_box(screen.texts, look, chain)
        where = f"caption {n + 1} ({screen.start:.2f}s)"
        if (
            left < safe_left
            or right > safe_right
            or top < band.top - 0.5
            or bottom > band.bottom + 0.5
        ):
            outside.append(
                f"{where} box {left:.0f},{top:.0f}-{right:.0f},{bottom:.0f} is outside the safe "
                f"area {safe_left:.0f},{band.top}-{safe_right:.0f},{band.bottom}"
            )
        widest = max(measure(t) for t in screen.texts)
        if (
            widest > max_width + 0.5
            or left < 0
            or right > look.width
            or top < 0
            or bottom > look.height
        ):
            overflow.append(
                f"{where} is {widest:.0f} px wide, over the {max_width:.0f} px it may use"
            )
    listed = [*overflow, *outside]
    problems = listed[:_LISTED] + (
        [f"and {len(listed) - _LISTED} more"] if len(listed) > _LISTED else []
    )
    return CaptionChecks(
        inside_safe_area=not outside,
        no_overflow=not overflow,
        lines=max((len(s.lines) for s in screens), default=0),
        problems=(*problems, *notes),
    )
