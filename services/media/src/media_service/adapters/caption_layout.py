"""Caption layout: a sentence → lines that fit the frame by glyph width → chunks of ≤ 2 lines.

Why tokens and not `str.split`: CJK text has no spaces, so each CJK character is a token
that may start a new line; Latin, Arabic and emoji words stay whole unless one alone is
wider than a line, and then it is cut by characters. Widths come from the caption font
itself (PIL), so a line measured here fits on screen; a glyph the font lacks measures as its
fallback box, which errs on the side of shorter lines, never a crash.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable

Measure = Callable[[str], float]

MAX_LINES_PER_CHUNK = 2

# Characters that may break a line on either side without a space (CJK scripts).
_CJK = re.compile(
    "[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"
)
# ASS override blocks start with `{`, and `\` starts a tag: neither may reach the file raw.
_ASS_UNSAFE = str.maketrans({"{": "(", "}": ")", "\\": "/"})


def clean_caption_text(text: str) -> str:
    """Visible text only: control and format characters dropped, whitespace collapsed."""
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
        or ch == "\u200d"  # zero-width joiner: part of emoji sequences
    )
    return " ".join(kept.split()).translate(_ASS_UNSAFE)


def tokens(text: str) -> list[str]:
    """Break opportunities: words keep a trailing space; each CJK character is its own token."""
    out: list[str] = []
    for word in text.split(" "):
        if not word:
            continue
        run = ""
        for ch in word:
            if _CJK.match(ch):
                if run:
                    out.append(run)
                    run = ""
                out.append(ch)
            else:
                run += ch
        if run:
            out.append(run)
        out[-1] += " "
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


def chunk_lines(lines: list[str], per_chunk: int = MAX_LINES_PER_CHUNK) -> list[list[str]]:
    return [lines[i : i + per_chunk] for i in range(0, len(lines), per_chunk)]


def split_window(start: float, end: float, weights: list[int]) -> list[tuple[float, float]]:
    """Share [start, end] among chunks in proportion to their length (reading time)."""
    total = sum(weights) or 1
    bounds = [start]
    for weight in weights:
        bounds.append(bounds[-1] + (end - start) * weight / total)
    bounds[-1] = end
    return list(itertools.pairwise(bounds))
