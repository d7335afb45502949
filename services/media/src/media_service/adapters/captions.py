"""Captions timed to the narration: an `.ass` for the renderer and an `.srt` for the user.

Each sentence's window (its narration, laid end to end) is shared by its chunks of at most
two lines, in proportion to their length. Times are quantized to centiseconds (ASS's unit)
INWARD — starts rounded up, ends down — so every cue stays inside its sentence's audio
even after rounding. The style: white text, a dark outline and shadow, bottom-centred,
inside title-safe margins scaled to the frame, so 16:9, 9:16 and 1:1 all read well.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from videogen_contracts.media.events import CaptionCue, FrameSettings

from media_service.adapters.caption_layout import (
    chunk_lines,
    clean_caption_text,
    split_window,
    wrap,
)
from media_service.adapters.fonts import CaptionFont
from media_service.workers.ports import CaptionFiles, StageFailed, TimedSentence


@dataclass(frozen=True, slots=True)
class CaptionStyle:
    font_size: int
    margin_h: int
    margin_v: int
    outline: int
    shadow: int

    @classmethod
    def for_frame(cls, frame: FrameSettings) -> CaptionStyle:
        short = min(frame.width, frame.height)
        return cls(
            font_size=max(16, round(short * 0.06)),
            margin_h=round(frame.width * 0.07),
            margin_v=round(frame.height * 0.07),
            outline=max(2, round(short * 0.004)),
            shadow=max(1, round(short * 0.002)),
        )


class AssCaptioner:
    def __init__(self, font: CaptionFont) -> None:
        self.font = font

    def build(
        self, sentences: Sequence[TimedSentence], frame: FrameSettings, language: str
    ) -> CaptionFiles:
        style = CaptionStyle.for_frame(frame)
        face = self.font.measure(style.font_size)
        max_width = frame.width - 2 * style.margin_h
        cues: list[tuple[CaptionCue, list[str]]] = []
        for sentence in sentences:
            text = clean_caption_text(sentence.text)
            lines = wrap(text, face.getlength, max_width)
            if not lines:
                # A sentence spoken under an empty caption is a bug upstream: say so.
                raise StageFailed(f"sentence {sentence.sentence_id} has no visible caption text")
            cues.extend(_cues_of(sentence, chunk_lines(lines)))
        return CaptionFiles(
            ass=_ass(self.font.family, frame, style, cues),
            srt=_srt(cues),
            cues=[cue for cue, _ in cues],
        )


def _cues_of(
    sentence: TimedSentence, chunks: list[list[str]]
) -> list[tuple[CaptionCue, list[str]]]:
    windows = split_window(sentence.start_s, sentence.end_s, [len("".join(c)) for c in chunks])
    out = []
    for (start, end), lines in zip(windows, chunks, strict=True):
        start_cs = math.ceil(round(start * 100, 6))
        end_cs = max(start_cs + 1, math.floor(round(end * 100, 6)))
        cue = CaptionCue(
            sentence_id=sentence.sentence_id,
            start_s=start_cs / 100,
            end_s=end_cs / 100,
            text=" ".join(lines),
        )
        out.append((cue, lines))
    return out


def _ass(
    family: str,
    frame: FrameSettings,
    style: CaptionStyle,
    cues: list[tuple[CaptionCue, list[str]]],
) -> str:
    header = [
        "[Script Info]",
        "ScriptType: v4.00+",
        f"PlayResX: {frame.width}",
        f"PlayResY: {frame.height}",
        "WrapStyle: 2",  # we wrapped already: libass must not re-wrap
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
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ]
    dialogue = [
        f"Dialogue: 0,{_ass_time(c.start_s)},{_ass_time(c.end_s)},Default,,0,0,0,,"
        + "\\N".join(lines)
        for c, lines in cues
    ]
    return "\n".join([*header, *dialogue]) + "\n"


def _srt(cues: list[tuple[CaptionCue, list[str]]]) -> str:
    blocks = [
        f"{n}\n{_srt_time(c.start_s)} --> {_srt_time(c.end_s)}\n" + "\n".join(lines) + "\n"
        for n, (c, lines) in enumerate(cues, start=1)
    ]
    return "\n".join(blocks)


def _ass_time(seconds: float) -> str:
    cs = round(seconds * 100)
    return f"{cs // 360000}:{cs // 6000 % 60:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}"


def _srt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"
