"""Caption layout: text → lines that fit by glyph width → chunks of at most two lines.

Why tokens and not `str.split`: CJK text has no spaces, so each CJK character is a token
that may start a new line; Latin, Arabic and emoji words stay whole unless one alone is
wider than a line, and then it is cut by characters. Widths come from a measuring function
(the caption font's own `getlength`), so a line measured here fits on screen.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable

Measure = Callable[[str], float]

MAX_LINES_PER_CHUNK = 2

# Characters that may break a line on either side without a space (CJK scripts). They
# are also the ones drawn with the CJK fallback font (fonts.py): the caption font has none.
_CJK = re.compile(
    "[\u1100-\u11ff\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"
)
# A CJK character, or a run of other non-space characters; either with the space after it.
_TOKEN = re.compile(rf"{_CJK.pattern} ?|(?:(?!{_CJK.pattern})[^ ])+ ?")
_INVISIBLE = frozenset(("Cc", "Cf", "Cs", "Co", "Cn"))
_KEEP = frozenset("\u200d\u200c\u200e\u200f")  # joiners (emoji, Persian) and bidi marks


def clean_caption_text(text: str) -> str:
    """Visible text only: control and format characters dropped, whitespace collapsed."""
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or ch in _KEEP or unicodedata.category(ch) not in _INVISIBLE
    )
    return " ".join(kept.split())


def cjk_runs(text: str) -> list[tuple[str, bool]]:
    """`text` cut into maximal runs of CJK and of other characters: (run, is_cjk)."""
    grouped = itertools.groupby(text, key=lambda ch: bool(_CJK.match(ch)))
    return [("".join(run), cjk) for cjk, run in grouped]


def tokens(text: str) -> list[str]:
    """Break opportunities: words keep a trailing space; each CJK character is its own token."""
    out: list[str] = _TOKEN.findall(text)
    if out:
        out[-1] = out[-1].rstrip()
    return out


def wrap(text: str, measure: Measure, max_width: float) -> list[str]:
    """Greedy fill by measured width; a token wider than a line is cut by characters."""
    lines: list[str] = []
    line = ""
    for token in tokens(text):
        if measure((line + token).rstrip()) <= max_width:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = ""
        for ch in token:
            if line and measure((line + ch).rstrip()) > max_width:
                lines.append(line.rstrip())
                line = ""
            line += ch
    if line.strip():
        lines.append(line.rstrip())
    return lines


def balance_pair(lines: list[str], measure: Measure, max_width: float) -> list[str]:
    """Re-split two greedy lines so both are about as wide (a long line over a one-word
    line reads badly); keeps the greedy split when no better one fits."""
    if len(lines) != 2:
        return lines
    toks = tokens(lines[0] + (" " if not _CJK.match(lines[1][:1]) else "") + lines[1])
    best, best_width = lines, max(measure(line) for line in lines)
    for cut in range(1, len(toks)):
        first, second = "".join(toks[:cut]).rstrip(), "".join(toks[cut:]).rstrip()
        width = max(measure(first), measure(second))
        if width <= max_width and width < best_width:
            best, best_width = [first, second], width
    return best


def chunk_lines(
    lines: list[str], measure: Measure, max_width: float, per_chunk: int = MAX_LINES_PER_CHUNK
) -> list[list[str]]:
    chunks = [lines[i : i + per_chunk] for i in range(0, len(lines), per_chunk)]
    return [balance_pair(chunk, measure, max_width) for chunk in chunks]


def split_window(start: float, end: float, weights: list[int]) -> list[tuple[float, float]]:
    """Share [start, end] among chunks in proportion to their length (reading time)."""
    total = sum(weights) or 1
    bounds = [start]
    for weight in weights:
        bounds.append(bounds[-1] + (end - start) * weight / total)
    bounds[-1] = end
    return list(itertools.pairwise(bounds))
