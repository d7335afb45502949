"""Word-timed captions in four styles: `.ass` to burn in, `.srt` and WebVTT to hand out.

classic: a line group at a time (as captions.py always did, now cut where its words are
spoken). karaoke: the line group shown, the spoken word in the highlight colour.
word_by_word: one to three words, large and centred (the shorts style, the default for
9:16), the spoken one lit. highlight: a box of the highlight colour behind the spoken word.

The look comes from the job's CaptionOptions over defaults that suit the frame (sizes from
its short side, the band from safe_area). Every line is measured with the fonts libass
will draw it with (caption_fonts), so the checks say what the frame will show: a line
outside the band or the frame, a line wider than it may be, characters no font draws.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from videogen_contracts.media.events import CaptionOptions, CaptionStyleName
from videogen_text.words import WordTiming

from videogen_media.caption_checks import CaptionChecks, check_screens
from videogen_media.caption_events import EventLook, header, screen_events
from videogen_media.caption_fonts import font_chain
from videogen_media.caption_layout import clean_caption_text
from videogen_media.caption_vtt import to_vtt
from videogen_media.caption_words import Screen, screens_of, timed_units
from videogen_media.captions import BlankCaption, CaptionCue, _ass_time, _seconds, to_srt
from videogen_media.fonts import CaptionFont
from videogen_media.safe_area import TITLE_SAFE, Position, caption_band, default_position

__all__ = [
    "CaptionChecks",
    "CaptionFiles",
    "CaptionLook",
    "TimedText",
    "build_captions",
    "caption_fonts_dir",
    "resolve_look",
    "segment_ass",
]
_HEX = re.compile(r"#[0-9A-Fa-f]{6}")
# Font size as a fraction of the frame's short side, per style; word_by_word is larger
# still on a portrait frame (it is read on a phone, words alone in the middle).
_SIZE = {"classic": 0.060, "karaoke": 0.064, "highlight": 0.064, "word_by_word": 0.085}
_PORTRAIT_WORDS_SIZE = 0.105
_MAX_WORDS = {"classic": 12, "karaoke": 7, "highlight": 6, "word_by_word": 3}
_OUTLINE_720 = {"classic": 3, "karaoke": 3, "highlight": 3, "word_by_word": 5}


@dataclass(frozen=True, slots=True)
class TimedText:
    """A sentence on the whole timeline; `words` already offset by the sentence's start."""

    text: str
    start: float
    end: float
    words: Sequence[WordTiming] | None = None
    language: str = ""


@dataclass(frozen=True, slots=True)
class CaptionLook:
    style: CaptionStyleName
    position: Position
    font_size: int  # ASS size: the line height in frame pixels
    color: str  # "#RRGGBB"
    highlight: str
    outline: int  # frame pixels
    max_words: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class CaptionFiles:
    ass: str
    srt: str
    vtt: str
    cues: list[CaptionCue]
    change_times: list[float]
    checks: CaptionChecks


def _colour(value: str | None, default: str, name: str) -> str:
    chosen = default if value is None else value
    if not _HEX.fullmatch(chosen):
        raise ValueError(f"captions.{name} must be a colour like #ffd400, got {chosen!r}")
    return chosen.upper()


def _within(value: float | None, low: float, high: float, name: str) -> None:
    if value is not None and not low <= value <= high:
        raise ValueError(f"captions.{name} must be between {low:g} and {high:g}, got {value!r}")


def resolve_look(
    options: CaptionOptions,
    *,
    width: int,
    height: int,
    default_style: CaptionStyleName = "classic",
    default_highlight: str = "#FFD400",
) -> CaptionLook:
    """The job's options over the frame's defaults; raises ValueError naming a bad option."""
    if width < 64 or height < 64:
        raise ValueError(f"a caption frame must be at least 64x64, got {width}x{height}")
    _within(options.size, 0.5, 2.0, "size")
    _within(options.outline, 0, 8, "outline")
    _within(options.max_words, 1, 12, "max_words")
    portrait, short = height > width, min(width, height)
    style: CaptionStyleName = options.style or ("word_by_word" if portrait else default_style)
    if style not in _SIZE:
        raise ValueError(f"captions.style must be one of {', '.join(_SIZE)}, got {style!r}")
    position = options.position or default_position(width, height)
    if position not in ("bottom", "center", "top"):
        raise ValueError(f"captions.position must be bottom, center or top, got {position!r}")
    fraction = _PORTRAIT_WORDS_SIZE if portrait and style == "word_by_word" else _SIZE[style]
    outline = _OUTLINE_720[style] if options.outline is None else options.outline
    return CaptionLook(
        style=style, position=position,
        font_size=max(12, round(short * fraction * (options.size or 1.0))),
        color=_colour(options.color, "#FFFFFF", "color"),
        highlight=_colour(options.highlight_color, default_highlight, "highlight_color"),
        outline=round(outline * short / 720), max_words=options.max_words or _MAX_WORDS[style],
        width=width, height=height,
    )  # fmt: skip


def event_look(look: CaptionLook) -> EventLook:
    band = caption_band(look.width, look.height, look.position)
    box_pad = max(2, round(look.font_size * 0.16)) if look.style == "highlight" else 0
    edge = max(look.outline, box_pad)
    anchor = {
        "bottom": (2, look.width // 2, band.bottom - edge),
        "center": (5, look.width // 2, (band.top + band.bottom) // 2),
        "top": (8, look.width // 2, band.top + edge),
    }[look.position]
    return EventLook(
        style=look.style,
        width=look.width,
        height=look.height,
        font_size=look.font_size,
        color=look.color,
        highlight=look.highlight,
        outline=look.outline,
        shadow=max(1, round(min(look.width, look.height) * 0.003)) if look.outline else 0,
        box_pad=box_pad,
        anchor=anchor,
    )


def _window_cs(sentence: TimedText) -> tuple[int, int]:
    # Inward, as captions.build_cues: a cue never outlasts its sentence's audio.
    return math.ceil(round(sentence.start * 100, 6)), math.floor(round(sentence.end * 100, 6))


def _spans(screens: Sequence[Screen], window: tuple[int, int]) -> list[tuple[int, int]]:
    starts = [window[0]] + [round(s.start * 100) for s in screens[1:]]
    starts = [min(max(max(starts[: i + 1]), window[0]), window[1]) for i in range(len(starts))]
    return list(zip(starts, [*starts[1:], window[1]], strict=True))


def build_captions(
    sentences: Sequence[TimedText], font: CaptionFont, look: CaptionLook
) -> CaptionFiles:
    """All captions of a timeline; raises BlankCaption for a sentence with no visible text
    and ValueError for an empty narration window."""
    chain, events_look = font_chain(font), event_look(look)
    edge = 2 * max(events_look.outline, events_look.box_pad)
    max_width = look.width * (1 - 2 * TITLE_SAFE) - edge
    measure = chain.measurer(look.font_size)
    shown: list[tuple[Screen, tuple[int, int]]] = []
    dropped: list[str] = []
    for index, sentence in enumerate(sentences):
        if not sentence.end > sentence.start:
            raise ValueError(f"sentence {index} has an empty narration window")
        text, missing = chain.drawable(clean_caption_text(sentence.text))
        text = " ".join(text.split())
        if missing:
            codes = ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(missing))
            dropped.append(f"sentence {index}: dropped characters no caption font draws ({codes})")
        if not text:
            raise BlankCaption(f"sentence {index} has no visible caption text", index)
        units = timed_units(text, sentence.start, sentence.end, sentence.words)
        screens = screens_of(
            units,
            (sentence.start, sentence.end),
            index,
            measure=measure,
            max_width=max_width,
            max_words=look.max_words,
            few_words=look.style == "word_by_word",
        )
        window = _window_cs(sentence)
        shown.extend(
            (s, span)
            for s, span in zip(screens, _spans(screens, window), strict=True)
            if span[1] > span[0]
        )
    cues = [CaptionCue(a / 100, b / 100, s.texts, s.sentence_index) for s, (a, b) in shown]
    events = [e for s, span in shown for e in screen_events(s, span, events_look, chain)]
    ass = "\n".join([header(events_look, chain.primary.family), *events]) + "\n"
    band = caption_band(look.width, look.height, look.position)
    checks = check_screens(
        [s for s, _ in shown], events_look, band, chain, max_width, tuple(dropped)
    )
    return CaptionFiles(
        ass=ass,
        srt=to_srt(cues),
        vtt=to_vtt(shown),
        cues=cues,
        change_times=_event_times(ass),
        checks=checks,
    )


def _event_times(ass: str) -> list[float]:
    times: set[float] = set()
    for line in ass.splitlines():
        if line.startswith("Dialogue:"):
            fields = line.split(",", 3)
            times.update((_seconds(fields[1]), _seconds(fields[2])))
    return sorted(times)


def segment_ass(files_ass: str, start: float, end: float) -> str:
    """The events overlapping [start, end), clipped to it and re-timed to start at 0 (each
    time to the nearest centisecond: at most 5 ms off, under a frame at any rate)."""
    if not end > start:
        raise ValueError(f"a caption segment must end after it starts ({start}, {end})")
    out: list[str] = []
    for line in files_ass.splitlines():
        if not line.startswith("Dialogue:"):
            out.append(line)
            continue
        kind, t0, t1, rest = line.split(",", 3)
        a, b = max(_seconds(t0), start) - start, min(_seconds(t1), end) - start
        if round(b * 100) > round(a * 100):
            out.append(f"{kind},{_ass_time(a)},{_ass_time(b)},{rest}")
    return "\n".join(out) + "\n"


def caption_fonts_dir(font: CaptionFont) -> Path:
    """The `fontsdir` to burn these captions with: every font their `.ass` names (the
    caption font, CJK, Arabic and Hebrew), linked into one directory."""
    return font_chain(font).directory
