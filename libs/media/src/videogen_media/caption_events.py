"""The `.ass` text of word-timed captions: a header with two styles, and STATIC events.

Every state of a screen (which word is lit) is its own Dialogue event with no animation
tag (no \\k, \\t, \\move, \\fad), so the renderer's held-frame fast path sees every change
as an event start or end (captions.ass_change_times). Every event carries `\\an` and
`\\pos`: libass then never moves an event to avoid another one, so the box layer and the
text layer of a highlight state land on exactly the same glyphs.

Right-to-left lines (Arabic, Hebrew) get their direction from the styles' Encoding -1,
libass's "auto" base direction: each line takes the direction of its first strong
character. With the usual Encoding 1, libass lays every line out left-to-right, and a
trailing full stop lands at the right end of an Arabic line instead of its left end.
Wrapping the line in RLE...PDF does not work once the line holds override tags (font
switches, the lit word): libass then reorders the runs between tags on their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from videogen_media.caption_fonts import FontChain
from videogen_media.caption_words import Screen, Unit
from videogen_media.captions import _EVENT_FORMAT, _ass_escape, _ass_time

AUTO_DIRECTION = -1  # the styles' Encoding: libass's auto base direction (see above)
_STYLE_FORMAT = (
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour,"
    " BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle,"
    " BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding"
)


@dataclass(frozen=True, slots=True)
class EventLook:
    """What the events need of the look, in frame pixels and ASS colours."""

    style: str
    width: int
    height: int
    font_size: int
    color: str  # "#RRGGBB"
    highlight: str
    outline: int
    shadow: int
    box_pad: int
    anchor: tuple[int, int, int]  # (\an, x, y)


def ass_colour(hex_colour: str, alpha: int = 0) -> str:
    """A style's colour: `&HAABBGGRR` (alpha 0 is opaque)."""
    r, g, b = hex_colour[1:3], hex_colour[3:5], hex_colour[5:7]
    return f"&H{alpha:02X}{b}{g}{r}".upper()


def tag_colour(hex_colour: str) -> str:
    """An override tag's colour: `&HBBGGRR&`."""
    return f"&H{hex_colour[5:7]}{hex_colour[3:5]}{hex_colour[1:3]}&".upper()


def ink_on(hex_colour: str) -> str:
    """A text colour that reads on a box of `hex_colour` (dark on light, white on dark)."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#111111" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 140 else "#FFFFFF"


def header(look: EventLook, family: str) -> str:
    # word_by_word and highlight draw bold: libass emboldens the regular face (the variable
    # font's default instance), which keeps its advances, so the measured layout holds.
    bold = -1 if look.style in ("word_by_word", "highlight") else 0
    text = (
        f"Style: Caption,{family},{look.font_size},{ass_colour(look.color)},&H000000FF,"
        f"&H00141414,&H99000000,{bold},0,0,0,100,100,0,0,1,{look.outline},{look.shadow},2,0,0,0,"
        f"{AUTO_DIRECTION}"
    )
    box = (
        f"Style: Box,{family},{look.font_size},&HFF000000,&HFF000000,{ass_colour(look.highlight)},"
        f"&HFF000000,{bold},0,0,0,100,100,0,0,3,{look.box_pad},0,2,0,0,0,{AUTO_DIRECTION}"
    )
    return "\n".join([
        "[Script Info]", "ScriptType: v4.00+", f"PlayResX: {look.width}",
        f"PlayResY: {look.height}",
        "WrapStyle: 2",  # wrapped already, by measured width: libass must not re-wrap
        "ScaledBorderAndShadow: yes", "YCbCr Matrix: TV.709", "",
        "[V4+ Styles]", _STYLE_FORMAT, text, box, "", "[Events]", f"Format: {_EVENT_FORMAT}",
    ])  # fmt: skip


def _runs(text: str, chain: FontChain, size: int) -> str:
    """Escaped text; a run another font draws switches to it (at the caption font's em)
    and back."""
    primary = chain.primary
    out = []
    for run, font in chain.runs(text):
        if font.family == primary.family:
            out.append(_ass_escape(run))
            continue
        fs = f"{size * chain.factor(font):.2f}".rstrip("0").rstrip(".")
        out.append(
            f"{{\\fn{font.family}\\fs{fs}}}{_ass_escape(run)}{{\\fn{primary.family}\\fs{size}}}"
        )
    return "".join(out)


def _lit(look: EventLook, layer: str) -> tuple[str, str, str]:
    """(line prefix, tags before the lit word, tags after it) for a layer of a style."""
    if layer == "box":
        return "{\\3a&HFF&}", "{\\3a&H00&}", "{\\3a&HFF&}"
    if look.style == "highlight":
        on = f"{{\\c{tag_colour(ink_on(look.highlight))}\\bord0\\shad0}}"
        return "", on, f"{{\\c{tag_colour(look.color)}\\bord{look.outline}\\shad{look.shadow}}}"
    return "", f"{{\\c{tag_colour(look.highlight)}}}", f"{{\\c{tag_colour(look.color)}}}"


def _line(
    line: Sequence[Unit], lit: Unit | None, look: EventLook, layer: str, chain: FontChain
) -> str:
    prefix, on, off = _lit(look, layer)
    parts = []
    for i, unit in enumerate(line):
        body = _runs(unit.text, chain, look.font_size)
        if unit is lit:
            body = f"{on}{body}{off}"
        parts.append(body + (" " if unit.space_after and i < len(line) - 1 else ""))
    return prefix + "".join(parts)


def _event(layer: int, start_cs: int, end_cs: int, style: str, look: EventLook, text: str) -> str:
    an, x, y = look.anchor
    return (
        f"Dialogue: {layer},{_ass_time(start_cs / 100)},{_ass_time(end_cs / 100)},{style},,0,0,0,,"
        f"{{\\an{an}\\pos({x},{y})}}{text}"
    )


def states(
    screen: Screen, span: tuple[int, int], lit_words: bool
) -> list[tuple[Unit | None, int, int]]:
    """(lit unit, start cs, end cs) of a screen shown over `span` (cs): one state per word
    from its start to the next word's, or one state when no word is lit (classic)."""
    if not lit_words:
        return [(None, *span)]
    units = screen.units
    bounds = [span[0]] + [min(max(round(u.start * 100), span[0]), span[1]) for u in units[1:]]
    bounds = [max(bounds[: i + 1]) for i in range(len(bounds))] + [span[1]]
    return [(u, a, b) for u, a, b in zip(units, bounds, bounds[1:], strict=False) if b > a]


def screen_events(
    screen: Screen, span: tuple[int, int], look: EventLook, chain: FontChain
) -> list[str]:
    events: list[str] = []
    for lit, a, b in states(screen, span, look.style != "classic"):
        if look.style == "highlight":
            box = "\\N".join(_line(line, lit, look, "box", chain) for line in screen.lines)
            events.append(_event(0, a, b, "Box", look, box))
        text = "\\N".join(_line(line, lit, look, "text", chain) for line in screen.lines)
        events.append(_event(1, a, b, "Caption", look, text))
    return events
