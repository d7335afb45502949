"""Captions timed to the narration: `.ass` for the renderer (libass), `.srt` for the user.

Each sentence's window (its narration, laid end to end) is shared by its chunks of at most
two lines, in proportion to their length. Times are quantized to centiseconds (ASS's unit)
INWARD (starts rounded up, ends down), so every cue stays inside its sentence's audio even
after rounding. The style: white text, a dark outline and a soft shadow, bottom-centred
inside safe margins scaled to the frame; 9:16 keeps clear of the bottom sixth, where
phone apps draw their own buttons.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from videogen_media.caption_layout import (
    chunk_lines,
    cjk_runs,
    clean_caption_text,
    split_window,
    wrap,
)
from videogen_media.fonts import CaptionFont


class BlankCaption(ValueError):
    """A caption with no visible text: a bug upstream, never passed on silently."""

    def __init__(self, message: str, sentence_index: int | None = None) -> None:
        super().__init__(message)
        self.sentence_index = sentence_index


@dataclass(frozen=True, slots=True)
class TimedSentence:
    text: str
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class CaptionCue:
    start: float
    end: float
    lines: tuple[str, ...]
    sentence_index: int

    def __post_init__(self) -> None:
        if not any(line.strip() for line in self.lines):
            raise BlankCaption(f"blank caption cue at {self.start:.2f}s")
        if not self.end > self.start:
            raise ValueError(f"caption cue ends ({self.end}) before it starts ({self.start})")

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass(frozen=True, slots=True)
class CaptionStyle:
    width: int
    height: int
    font_size: int
    margin_h: int
    margin_v: int
    outline: int
    shadow: int

    @classmethod
    def for_frame(cls, width: int, height: int) -> CaptionStyle:
        """Sizes relative to the short side, so 16:9, 9:16 and 1:1 read alike."""
        short = min(width, height)
        portrait = height > width
        return cls(
            width=width, height=height, font_size=max(16, round(short * 0.06)),
            margin_h=round(width * 0.07), margin_v=round(height * (0.16 if portrait else 0.07)),
            outline=max(2, round(short * 0.004)), shadow=max(1, round(short * 0.002)),
        )

    @property
    def line_width(self) -> int:
        return self.width - 2 * self.margin_h


def build_cues(
    sentences: Sequence[TimedSentence], font: CaptionFont, style: CaptionStyle
) -> list[CaptionCue]:
    """Cues for every sentence; raises BlankCaption for a sentence with no visible text."""
    measure = font.measurer(style.font_size)
    cues: list[CaptionCue] = []
    for index, sentence in enumerate(sentences):
        if not sentence.end > sentence.start:
            raise ValueError(f"sentence {index} has an empty narration window")
        lines = wrap(clean_caption_text(sentence.text), measure, style.line_width)
        if not lines:
            raise BlankCaption(f"sentence {index} has no visible caption text", index)
        chunks = chunk_lines(lines, measure, style.line_width)
        windows = split_window(sentence.start, sentence.end, [len("".join(c)) for c in chunks])
        for (start, end), chunk in zip(windows, chunks, strict=True):
            start_cs = math.ceil(round(start * 100, 6))
            end_cs = max(start_cs + 1, math.floor(round(end * 100, 6)))
            cues.append(CaptionCue(start_cs / 100, end_cs / 100, tuple(chunk), index))
    return cues


def change_times(cues: Sequence[CaptionCue]) -> list[float]:
    """Every time the caption on screen changes (for render's held-frame fast path)."""
    return sorted({t for cue in cues for t in (cue.start, cue.end)})


# Override tags that move or fade text within one event: a render that burns only the
# frames where a caption starts or ends would miss them.
_EVENT_FORMAT = "Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text"
_ANIMATED = re.compile(r"\\(t\(|move\(|fade?\(|k[fo]?\d|K\d)")


def ass_change_times(ass: str) -> list[float] | None:
    """Every start and end of the Dialogue events of an `.ass`, for a renderer handed a
    caption file it did not lay out itself; None when an event animates (then every frame
    must go through libass)."""
    fields = [f.strip() for f in _EVENT_FORMAT.split(",")]
    times: set[float] = set()
    for line in ass.splitlines():
        kind, _, rest = line.partition(":")
        if kind.strip() == "Format" and "Start" in rest:
            fields = [f.strip() for f in rest.split(",")]
        elif kind.strip() == "Dialogue":
            values = rest.split(",", len(fields) - 1)
            event = dict(zip(fields, (v.strip() for v in values), strict=False))
            if _ANIMATED.search(event.get("Text", "")):
                return None
            times.update((_seconds(event["Start"]), _seconds(event["End"])))
    return sorted(times)


def _seconds(stamp: str) -> float:
    hours, minutes, seconds = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _ass_escape(line: str) -> str:
    # `{` opens an override block and `\N`, `\h`, `\{` are escapes in libass: a word
    # joiner after each backslash keeps a literal one, `\{` and `\}` keep the braces.
    return line.replace("\\", "\\\u2060").replace("{", "\\{").replace("}", "\\}")


def _ass_line(line: str, family: str, cjk_family: str | None) -> str:
    """One line of text; CJK runs switch to the CJK font and back (libass would not)."""
    if cjk_family is None:
        return _ass_escape(line)
    return "".join(
        f"{{\\fn{cjk_family}}}{_ass_escape(run)}{{\\fn{family}}}" if cjk else _ass_escape(run)
        for run, cjk in cjk_runs(line)
    )


def to_ass(
    cues: Sequence[CaptionCue], family: str, style: CaptionStyle, cjk_family: str | None = None
) -> str:
    header = [
        "[Script Info]",
        "ScriptType: v4.00+",
        f"PlayResX: {style.width}",
        f"PlayResY: {style.height}",
        "WrapStyle: 2",  # wrapped already, by measured width: libass must not re-wrap
        "ScaledBorderAndShadow: yes",
        "YCbCr Matrix: TV.709",
        "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour,"
        " BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle,"
        " BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
        f"Style: Default,{family},{style.font_size},&H00FFFFFF,&H000000FF,&H00101010,"
        f"&H80000000,0,0,0,0,100,100,0,0,1,{style.outline},{style.shadow},2,"
        f"{style.margin_h},{style.margin_h},{style.margin_v},1",
        "",
        "[Events]",
        f"Format: {_EVENT_FORMAT}",
    ]
    dialogue = [
        f"Dialogue: 0,{_ass_time(c.start)},{_ass_time(c.end)},Default,,0,0,0,,"
        + "\\N".join(_ass_line(line, family, cjk_family) for line in c.lines)
        for c in cues
    ]
    return "\n".join([*header, *dialogue]) + "\n"


def to_srt(cues: Sequence[CaptionCue]) -> str:
    blocks = [
        f"{n}\n{_srt_time(c.start)} --> {_srt_time(c.end)}\n" + "\n".join(c.lines) + "\n"
        for n, c in enumerate(cues, start=1)
    ]
    return "\n".join(blocks)


def write_captions(
    cues: Sequence[CaptionCue], font: CaptionFont, style: CaptionStyle, directory: Path,
    stem: str = "captions",
) -> tuple[Path, Path]:
    """Write `<stem>.ass` and `<stem>.srt` into `directory`; returns (ass, srt)."""
    ass, srt = directory / f"{stem}.ass", directory / f"{stem}.srt"
    cjk_family = font.cjk.family if font.cjk else None
    ass.write_text(to_ass(cues, font.family, style, cjk_family), encoding="utf-8")
    srt.write_text(to_srt(cues), encoding="utf-8")
    return ass, srt


def _ass_time(seconds: float) -> str:
    cs = round(seconds * 100)
    return f"{cs // 360000}:{cs // 6000 % 60:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}"


def _srt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"
