"""Word captions as the real libass draws them (through ffmpeg): decoded and measured.

Words on a frame are found without the captions' own layout: in a classic (unlit) frame of
the same look, the white glyph fill of a line splits into words at gaps wider than a
letter gap. The lit word is the pixels of the highlight colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from videogen_contracts.media.events import CaptionOptions
from videogen_media.caption_checks import screen_box
from videogen_media.caption_fonts import font_chain
from videogen_media.fonts import find_caption_font
from videogen_media.safe_area import TITLE_SAFE, caption_band
from videogen_media.word_captions import (
    CaptionLook,
    TimedText,
    build_captions,
    event_look,
    resolve_look,
)
from videogen_text.words import WordTiming

from tests.integration.media.caption_frames import Frame, gradient, render_frames

FONT = find_caption_font()
CHAIN = font_chain(FONT)
TEXT = "Bees dance to tell the hive where sweet flowers grow today."


def spoken(text: str, start: float = 0.0, step: float = 0.45) -> TimedText:
    words = [
        WordTiming(w, start + i * step, start + i * step + step * 0.8)
        for i, w in enumerate(text.split())
    ]
    return TimedText(text, start, start + len(words) * step + 0.2, words)


def runs(mask: npt.ArrayLike, gap: int) -> list[tuple[int, int]]:
    """[start, end) of the runs of True along an axis, joined over gaps shorter than `gap`."""
    idx = np.flatnonzero(np.asarray(mask))
    if idx.size == 0:
        return []
    out = [[int(idx[0]), int(idx[0]) + 1]]
    for i in idx[1:]:
        if i - out[-1][1] < gap:
            out[-1][1] = int(i) + 1
        else:
            out.append([int(i), int(i) + 1])
    return [(a, b) for a, b in out]


def fill(frame: Frame) -> npt.NDArray[np.bool_]:
    return np.asarray(frame.min(axis=2) > 180)


def lit(frame: Frame) -> npt.NDArray[np.bool_]:  # #FFD400
    r, g, b = (frame[..., i].astype(int) for i in range(3))
    return np.asarray((r > 200) & (g > 160) & (g < 235) & (b < 100))


def word_boxes(frame: Frame, look: CaptionLook) -> list[list[tuple[int, int, int, int]]]:
    """Per line (top to bottom), the words' (x0, x1, y0, y1) in reading order (LTR)."""
    mask = fill(frame)
    lines = runs(mask.any(axis=1), gap=max(3, look.font_size // 5))
    gap = max(6, round(look.font_size * 0.17))  # a space's gap; letters are closer
    return [[(a, b, y0, y1) for a, b in runs(mask[y0:y1].any(axis=0), gap)] for y0, y1 in lines]


def render(files_ass: str, times: Sequence[float], look: CaptionLook, tmp: Path) -> list[Frame]:
    return render_frames(files_ass, times, look.width, look.height, CHAIN.directory, tmp)


def unlit_ass(ass: str) -> str:
    """The same events with the lit word's colours and boxes taken out (layout untouched)."""
    events = [line for line in ass.splitlines() if ",Box," not in line]
    text = "\n".join(events).replace("\\c&H00D4FF&", "\\c&HFFFFFF&")
    return text.replace("\\c&H111111&\\bord0\\shad0", "")


@pytest.mark.parametrize("style", ["karaoke", "highlight", "word_by_word"])
def test_the_lit_word_is_the_word_being_spoken(style: str, tmp_path: Path) -> None:
    look = resolve_look(CaptionOptions(style=style, size=1.3), width=1280, height=720)  # type: ignore[arg-type]
    sentence = spoken(TEXT)
    words = list(sentence.words or [])
    times = [(w.start + w.end) / 2 for w in words]
    files = build_captions([sentence], FONT, look)
    shown, unlit = (
        render(files.ass, times, look, tmp_path),
        render(unlit_ass(files.ass), times, look, tmp_path),
    )
    for k, (t, frame, reference) in enumerate(zip(times, shown, unlit, strict=True)):
        cue_index = next(i for i, c in enumerate(files.cues) if c.start <= t < c.end)
        before = sum(len(c.text.split()) for c in files.cues[:cue_index])
        lines = [line.split() for line in files.cues[cue_index].lines]
        boxes = word_boxes(reference, look)
        assert [len(b) for b in boxes] == [len(line) for line in lines], f"words at {t:.2f}s"
        flat = [box for line in boxes for box in line]
        x0, x1, y0, y1 = flat[k - before]
        ys, xs = np.nonzero(lit(frame))
        assert xs.size > 30, f"nothing lit at {t:.2f}s"
        # the lit pixels cover the spoken word, and no other word
        where = (words[k].word, (xs.min(), xs.max()), (x0, x1))
        assert xs.min() <= x0 + 3, where
        assert xs.max() >= x1 - 3, where
        others = [b for i, b in enumerate(flat) if i != k - before]
        for a, b, c, d in others:
            inside = (xs > a + 2) & (xs < b - 2) & (ys > c) & (ys < d)
            assert inside.sum() < 0.05 * xs.size, f"{words[k].word!r} lit over another word"
        assert ys.min() <= y1
        assert ys.max() >= y0


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (720, 1280), (720, 720)])
def test_caption_boxes_stay_inside_the_safe_area(width: int, height: int, tmp_path: Path) -> None:
    long = (
        "Honeybees visit thousands of flowers every single day, carrying pollen home to the hive."
    )
    for style in ("classic", "karaoke", "word_by_word", "highlight"):
        look = resolve_look(CaptionOptions(style=style), width=width, height=height)
        files = build_captions([spoken(long)], FONT, look)
        assert files.checks.inside_safe_area, files.checks.problems
        band = caption_band(width, height, look.position)
        cues = [files.cues[0], files.cues[len(files.cues) // 2], files.cues[-1]]
        times = [(c.start + c.end) / 2 for c in cues]
        blank = gradient(width, height).astype(int)
        frames = render(files.ass, times, look, tmp_path)
        for cue, frame in zip(cues, frames, strict=True):
            ys, xs = np.nonzero(np.abs(frame.astype(int) - blank).max(axis=2) > 40)
            assert xs.size > 0
            slack = 3  # the shadow's offset and antialiasing
            assert xs.min() >= width * TITLE_SAFE - slack
            assert xs.max() <= width * (1 - TITLE_SAFE) + slack
            assert ys.min() >= band.top - slack, (style, cue.text)
            assert ys.max() <= band.bottom + slack, (style, cue.text)
            # and the checks' measured box is where libass drew it
            left, top, right, bottom = screen_box(cue.lines, event_look(look), CHAIN)
            assert abs(xs.min() - left) < 0.02 * width
            assert abs(xs.max() - right) < 0.02 * width
            assert ys.min() >= top - slack
            assert ys.max() <= bottom + slack


def _dot_on_the_left(frame: Frame, look: CaptionLook) -> bool:
    band = caption_band(look.width, look.height, look.position)
    mask = fill(frame)[band.top : band.bottom]
    columns = runs(mask.any(axis=0), gap=1)
    a, b = columns[0]
    rows = runs(mask[:, a:b].any(axis=1), gap=1)
    height = rows[-1][1] - rows[0][0]
    return b - a < 0.25 * look.font_size and height < 0.25 * look.font_size


def test_the_arabic_full_stop_is_at_the_left_end(tmp_path: Path) -> None:
    look = resolve_look(CaptionOptions(style="classic", size=1.5), width=1280, height=720)
    files = build_captions([spoken("القاهرة هي عاصمة مصر.")], FONT, look)
    shown = render(files.ass, [0.5], look, tmp_path)[0]
    assert _dot_on_the_left(shown, look)
    # With the usual Encoding 1, libass lays the line out left-to-right: the dot on the right.
    unembedded = files.ass.replace(",-1\n", ",1\n")
    assert unembedded != files.ass
    assert not _dot_on_the_left(render(unembedded, [0.5], look, tmp_path)[0], look)


def _glyphs(frame: Frame) -> list[npt.NDArray[np.bool_]]:
    mask = fill(frame)
    out = []
    for y0, y1 in runs(mask.any(axis=1), gap=4):
        for a, b in runs(mask[y0:y1].any(axis=0), gap=2):
            rows = np.flatnonzero(mask[y0:y1, a:b].any(axis=1))
            out.append(mask[y0 + rows[0] : y0 + rows[-1] + 1, a:b])
    return out


def _like(glyph: npt.NDArray[np.bool_], box: npt.NDArray[np.bool_]) -> bool:
    """Same size (±20 %) and the same pixels once scaled to the box's size."""
    gh, gw = glyph.shape
    bh, bw = box.shape
    if not (0.8 < gh / bh < 1.25 and 0.8 < gw / bw < 1.25):
        return False
    yy = (np.arange(bh) * gh // bh)[:, None]
    xx = (np.arange(bw) * gw // bw)[None, :]
    scaled = glyph[yy, xx]
    return float((scaled == box).mean()) > 0.85


def test_cjk_hebrew_and_emoji_are_never_tofu(tmp_path: Path) -> None:
    look = resolve_look(CaptionOptions(style="classic", size=1.5), width=1280, height=720)
    # The reference: what a missing glyph looks like (a code point no font has).
    reference = build_captions([spoken("Xx")], FONT, look).ass.replace("Xx", "\U000f0000\U000f0000")
    boxes = _glyphs(render(reference, [0.5], look, tmp_path)[0])
    assert len(boxes) == 2  # two .notdef boxes were drawn: the reference is real
    text = "東京は日本の首都です 🐝 שלום"
    files = build_captions([spoken(text)], FONT, look)
    glyphs = _glyphs(render(files.ass, [0.5], look, tmp_path)[0])
    assert len(glyphs) >= 12
    assert not [g for g in glyphs if _like(g, boxes[0])]
    # The same caption without the CJK font named: libass finds no CJK glyph: boxes.
    unnamed = files.ass.replace("\\fnNoto Sans CJK JP", "\\fnNoto Sans")
    assert [g for g in _glyphs(render(unnamed, [0.5], look, tmp_path)[0]) if _like(g, boxes[0])]
