"""The caption style sheets of docs/captions.md: every style, at 16:9 and 9:16, drawn by
the real libass over a gradient, an English and an Arabic sentence mid-way through.

    .venv/bin/python -m tests.bench.caption_sheet [docs/img]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PIL import Image
from videogen_contracts.media.events import CAPTION_STYLES, CaptionOptions
from videogen_media.fonts import find_caption_font
from videogen_media.word_captions import (
    TimedText,
    build_captions,
    caption_fonts_dir,
    resolve_look,
)
from videogen_text.words import WordTiming

from tests.integration.media.caption_frames import render_frames

SENTENCES = (
    "Honeybees visit thousands of flowers every single day in the warm sun.",
    "القاهرة هي عاصمة مصر.",
)
TIMES = (1.25, 5.9)  # "of" / the third Arabic word being spoken


def timed(text: str, start: float, step: float = 0.35) -> TimedText:
    words = [
        WordTiming(w, start + i * step, start + i * step + step * 0.8)
        for i, w in enumerate(text.split())
    ]
    return TimedText(text, start, start + len(words) * step + 0.2, words)


def sheet(width: int, height: int, workdir: Path) -> Image.Image:
    font = find_caption_font()
    sentences = [timed(SENTENCES[0], 0.0), timed(SENTENCES[1], 5.0)]
    # the lower part of the frame, where the captions are, two columns, a row per style
    top, bottom = (height // 2, height) if width > height else (height // 2, height * 7 // 8)
    cell_w, cell_h = width // 2, (bottom - top) // 2
    out = Image.new("RGB", (2 * cell_w, len(CAPTION_STYLES) * cell_h))
    for row, style in enumerate(CAPTION_STYLES):
        look = resolve_look(CaptionOptions(style=style), width=width, height=height)
        files = build_captions(sentences, font, look)
        frames = render_frames(files.ass, TIMES, width, height, caption_fonts_dir(font), workdir)
        for col, frame in enumerate(frames):
            cell = Image.fromarray(frame).crop((0, top, width, bottom)).resize((cell_w, cell_h))
            out.paste(cell, (col * cell_w, row * cell_h))
        print(style, f"{width}x{height}", files.checks)
    return out


def main(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for width, height, name in ((1280, 720, "16x9"), (720, 1280, "9x16")):
            sheet(width, height, Path(tmp)).save(target / f"captions-{name}.png", optimize=True)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img"))
